/**
 * The audit of a branch: mainline fixes of what it holds that it lacks, each with its first release,
 * whether it applies to the branch tip, its decision, and accept / reject from the row.
 */
import { useEffect, useState } from 'preact/hooks';
import type { AuditStatus, AuditView, Overview, ReviewState, WritableStatus } from '../../../src/server/api-types.js';
import { apiGet, apiPost, errorText } from '../api.js';
import { APPLY_TEXT, BranchSelect, ErrorLine, fmtDate, ReasonDialog, short, StatusBadge, type PendingDecision } from '../common.js';
import { auditHref, commitHref } from '../route.js';

export function AuditPage({ overview, branch }: { overview: Overview; branch: string }) {
  const [audit, setAudit] = useState<AuditView | null>(null);
  const [status, setStatus] = useState<AuditStatus | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingDecision | null>(null);
  useEffect(() => {
    setAudit(null);
    setStatus(null);
    setError(null);
    apiGet<AuditView>(`/api/audit?branch=${encodeURIComponent(branch)}`)
      .then((a) => {
        setAudit(a);
        return apiGet<AuditStatus>(`/api/audit/status?branch=${encodeURIComponent(branch)}`).then(setStatus);
      })
      .catch((e: unknown) => setError(errorText(e)));
  }, [branch]);
  const decide = (sha: string, st: WritableStatus, why: string): void => {
    apiPost<{ status: ReviewState }>('/api/audit/review', { sha, branch, status: st, why })
      .then((r) => setStatus((s) => (s ? { ...s, status: { ...s.status, [sha]: r.status } } : s)))
      .catch((e: unknown) => setError(errorText(e)));
  };
  return (
    <div class="page" id="audit-page">
      <h1>
        Audit of <BranchSelect overview={overview} branch={branch} href={auditHref} />
      </h1>
      <ErrorLine error={error} />
      {!audit && !error ? <div class="muted">auditing…</div> : null}
      {audit ? (
        <>
          <div class="muted">
            {audit.missing.length} missing fix(es) at tip <span class="mono">{short(audit.tip)}</span>; {audit.heldFixes} fixes already held;{' '}
            {audit.revertedSkipped} reverted upstream and left out
            {status ? '' : ' · trial picks running…'}
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
                <th>applies</th>
                <th>decision</th>
                <th />
              </tr>
            </thead>
            <tbody>
              {audit.missing.map((m) => {
                const st = status?.status[m.sha] ?? 'unreviewed';
                const ap = status?.apply[m.sha];
                return (
                  <tr key={m.sha} data-sha={m.sha}>
                    <td class="mono">
                      <a href={commitHref(m.sha, branch)}>{short(m.sha)}</a>
                    </td>
                    <td>{fmtDate(m.commitTime)}</td>
                    <td class="c-release">
                      {m.firstRelease ?? (
                        <span class="muted" title="no release tag known to the index contains it">
                          no release tag yet
                        </span>
                      )}
                    </td>
                    <td>{m.depth}</td>
                    <td>
                      {m.kind}{' '}
                      {m.fixes.map((f) => (
                        <a key={f.sha} class="mono" href={commitHref(f.sha, branch)} title={f.subject}>
                          {short(f.sha)}{' '}
                        </a>
                      ))}
                    </td>
                    <td>
                      {m.subject}
                      {m.passedOver ? <span class="muted"> (passed over)</span> : m.revertedUpstream ? <span class="muted"> (reverted upstream)</span> : null}
                    </td>
                    <td class={`c-apply ap-${ap?.apply ?? 'pending'}`} title={ap?.reason ?? ''}>
                      {status ? (ap ? APPLY_TEXT[ap.apply] : '?') : '…'}
                    </td>
                    <td class="c-decision">
                      <StatusBadge s={st} />
                    </td>
                    <td class="acts">
                      <button class="btn btn-yes" data-act="accept" onClick={() => decide(m.sha, 'accepted', '')}>
                        Accept
                      </button>
                      <button
                        class="btn btn-no"
                        data-act="reject"
                        onClick={() => setPending({ sha: m.sha, branch, status: 'rejected', subject: m.subject, why: '' })}
                      >
                        Reject
                      </button>
                    </td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        </>
      ) : null}
      {pending ? <ReasonDialog pending={pending} close={() => setPending(null)} onSubmit={(p, why) => decide(p.sha, p.status, why)} /> : null}
    </div>
  );
}
