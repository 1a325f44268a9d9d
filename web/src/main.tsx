/** The dashboard's page: a header with the pages, the current page by the address's hash. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Overview } from '../../src/server/api-types.js';
import { apiGet, errorText } from './api.js';
import { ErrorLine } from './common.js';
import { AuditPage } from './pages/audit.js';
import { CommitPage } from './pages/commit.js';
import { ExportPage } from './pages/export.js';
import { MatrixPage } from './pages/matrix.js';
import { OverviewPage } from './pages/overview.js';
import { auditHref, exportHref, listHref, useRoute } from './route.js';
import './style.css';

function App() {
  const route = useRoute();
  const [overview, setOverview] = useState<Overview | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    apiGet<Overview>('/api/overview')
      .then(setOverview)
      .catch((e: unknown) => setError(errorText(e)));
  }, [route.page === 'overview' ? location.hash : '']);
  const first = overview?.branches[0]?.branch ?? '';
  const branch = ('branch' in route && route.branch) || first;
  const listBranch = route.page === 'list' ? route.branch : null;
  return (
    <>
      <header class="top">
        <a class="brand" href="#/">
          stablepick
        </a>
        <nav>
          <a href="#/" class={route.page === 'overview' ? 'on' : ''}>
            Overview
          </a>
          <a href={listHref(null)} class={route.page === 'list' && !listBranch ? 'on' : ''}>
            Matrix
          </a>
          {overview?.branches.map((b) => (
            <a key={b.branch} href={listHref(b.branch)} class={route.page === 'list' && listBranch === b.branch ? 'on' : ''}>
              {b.branch}
            </a>
          ))}
          <a href={auditHref(branch)} class={route.page === 'audit' ? 'on' : ''}>
            Audit
          </a>
          <a href={exportHref(branch)} class={route.page === 'export' ? 'on' : ''}>
            Export
          </a>
        </nav>
        <span class="muted range">{overview ? `${overview.range}${overview.reviewer ? ` · you are ${overview.reviewer}` : ' · no reviewer set'}` : ''}</span>
      </header>
      <main>
        <ErrorLine error={error} />
        {!overview ? null : route.page === 'overview' ? (
          <OverviewPage overview={overview} />
        ) : route.page === 'list' ? (
          <MatrixPage overview={overview} branch={listBranch} params={route.params} />
        ) : route.page === 'commit' ? (
          <CommitPage sha={route.sha} branch={route.branch} tab={route.tab} branches={overview.branches.map((b) => b.branch)} />
        ) : route.page === 'export' ? (
          <ExportPage overview={overview} branch={branch} />
        ) : (
          <AuditPage overview={overview} branch={branch} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
