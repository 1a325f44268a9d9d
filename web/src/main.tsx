/** The dashboard's page: a header with the pages, the current page by the address's hash. */
import { render } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import type { Overview } from '../../src/server/api-types.js';
import { apiGet, errorText } from './api.js';
import { ErrorLine } from './common.js';
import { AuditPage } from './pages/audit.js';
import { CommitPage } from './pages/commit.js';
import { ListPage } from './pages/list.js';
import { OverviewPage } from './pages/overview.js';
import { listHref, useRoute } from './route.js';
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
          {overview?.branches.map((b) => (
            <a key={b.branch} href={listHref(b.branch)} class={route.page === 'list' && branch === b.branch ? 'on' : ''}>
              {b.branch}
            </a>
          ))}
          <a href={`#/audit/${encodeURIComponent(branch)}`} class={route.page === 'audit' ? 'on' : ''}>
            Audit
          </a>
        </nav>
        <span class="muted range">{overview ? `${overview.range}${overview.reviewer ? ` · you are ${overview.reviewer}` : ' · no reviewer set'}` : ''}</span>
      </header>
      <main>
        <ErrorLine error={error} />
        {!overview ? null : route.page === 'overview' ? (
          <OverviewPage overview={overview} />
        ) : route.page === 'list' ? (
          <ListPage key={branch} overview={overview} branch={branch} params={route.params} />
        ) : route.page === 'commit' ? (
          <CommitPage sha={route.sha} branch={route.branch} branches={overview.branches.map((b) => b.branch)} />
        ) : (
          <AuditPage overview={overview} branch={branch} />
        )}
      </main>
    </>
  );
}

render(<App />, document.getElementById('app')!);
