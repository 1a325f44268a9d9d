/** The audit of a branch: mainline fixes of what it holds that it lacks. */
import { useEffect, useState } from 'preact/hooks';
import type { AuditView, Overview } from '../../../src/server/api-types.js';
import { apiGet, errorText } from '../api.js';
import { ErrorLine, fmtDate, short } from '../common.js';
import { commitHref, go } from '../route.js';

export function AuditPage({ overview, branch }: { overview: Overview; branch: string }) {
  const [audit, setAudit] = useState<AuditView | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    setAudit(null);
    setError(null);
    apiGet<AuditView>(`/api/audit?branch=${encodeURIComponent(branch)}`)
      .then(setAudit)
      .catch((e: unknown) => setError(errorText(e)));
  }, [branch]);
  return (
    <div class="page" id="audit-page">
      <h1>
        Audit of{' '}
        <select value={branch} onChange={(e) => go(`#/audit/${encodeURIComponent((e.target as HTMLSelectElement).value)}`)}>
          {overview.branches.map((b) => (
            <option key={b.branch} value={b.branch}>
              {b.branch}
            </option>
          ))}
        </select>
      </h1>
      <ErrorLine error={error} />
      {!audit && !error ? <div class="muted">auditing…</div> : null}
      {audit ? (
        <>
          <div class="muted">
            {audit.missing.length} missing fix(es) at tip <span class="mono">{short(audit.tip)}</span>; {audit.heldFixes} fixes already held; {audit.revertedSkipped} reverted upstream and left out
          </div>
          <table class="rows" id="audit-table">
            <thead>
              <tr>
                <th>commit</th>
                <th>date</th>
                <th>release</th>
                <th>depth</th>
                <th>fixes</th>
                <th>subject</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {audit.missing.map((m) => (
                <tr key={m.sha}>
                  <td class="mono">
                    <a href={commitHref(m.sha, branch)}>{short(m.sha)}</a>
                  </td>
                  <td>{fmtDate(m.commitTime)}</td>
                  <td>{m.firstRelease ?? ''}</td>
                  <td>{m.depth}</td>
                  <td>
                    {m.kind}{' '}
                    {m.fixes.map((f) => (
                      <a key={f.sha} class="mono" href={commitHref(f.sha, branch)} title={f.subject}>
                        {short(f.sha)}{' '}
                      </a>
                    ))}
                  </td>
                  <td>{m.subject}</td>
                  <td class="muted">{m.passedOver ? 'passed over' : m.revertedUpstream ? 'reverted upstream' : ''}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </>
      ) : null}
    </div>
  );
}
