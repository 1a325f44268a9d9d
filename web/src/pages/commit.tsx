/**
 * One commit: the decision per branch (accept / reject / defer with a reason, and every earlier
 * decision), the queue of prerequisites and follow-ups as links, the trial pick per branch, the
 * written case, and the diff side by side with syntax highlighting.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CandidateRow, CaseView, CommitDetail, WritableStatus } from '../../../src/server/api-types.js';
import { apiGet, errorText, postReview } from '../api.js';
import { ErrorLine, fmtDate, ReasonDialog, short, StatusBadge, triage, VerdictBadge, type PendingDecision } from '../common.js';
import { languageOf, parseSideBySide, type SideCell, type SideFile } from '../diff.js';
import { highlightLine } from '../highlight.js';
import { useKeys } from '../keys.js';
import { linkShas } from '../link-shas.js';
import { renderMarkdown } from '../markdown.js';
import { commitHref, go, parseHash } from '../route.js';

function Cell({ c, lang }: { c: SideCell | null; lang: string }) {
  if (!c) return <td class="d-n empty" colSpan={2} />;
  return (
    <>
      <td class={`d-n ${c.kind}`}>{c.n}</td>
      <td class={`d-t ${c.kind}`}>
        <span class="hljs" dangerouslySetInnerHTML={{ __html: highlightLine(c.text, lang) || '&nbsp;' }} />
      </td>
    </>
  );
}

function FileDiff({ f }: { f: SideFile }) {
  const lang = languageOf(f.path);
  return (
    <div class="d-file">
      <div class="d-file-head mono">
        {f.oldPath && f.newPath && f.oldPath !== f.newPath ? `${f.oldPath} → ${f.newPath}` : f.path} <span class="add">+{f.added}</span> <span class="del">−{f.removed}</span>
      </div>
      {f.binary ? <div class="muted">binary file</div> : null}
      <table class="d-table mono">
        <colgroup>
          <col class="d-ncol" />
          <col />
          <col class="d-ncol" />
          <col />
        </colgroup>
        {f.hunks.map((h, i) => (
          <tbody key={i}>
            <tr>
              <td colSpan={4} class="d-hunk">
                {h.header}
              </td>
            </tr>
            {h.rows.map((r, k) => (
              <tr key={k}>
                <Cell c={r.left} lang={lang} />
                <Cell c={r.right} lang={lang} />
              </tr>
            ))}
          </tbody>
        ))}
      </table>
    </div>
  );
}

function CaseText({ view, known }: { view: CaseView; known: (s: string) => string | null }) {
  const ref = useRef<HTMLDivElement>(null);
  const html = useMemo(() => renderMarkdown(view.markdown), [view.markdown]);
  useLayoutEffect(() => {
    if (ref.current) linkShas(ref.current, known);
  }, [html]);
  return <div class="case-text" id="case-text" ref={ref} dangerouslySetInnerHTML={{ __html: html }} />;
}

export function CommitPage({ sha, branch: wantBranch, branches }: { sha: string; branch: string | null; branches: readonly string[] }) {
  const [loaded, setDetail] = useState<CommitDetail | null>(null);
  // Until the effect below has run for a new address, the old commit's detail must not be used.
  const detail = loaded && loaded.sha.startsWith(sha.toLowerCase()) ? loaded : null;
  const [caseView, setCase] = useState<CaseView | null>(null);
  const [caseError, setCaseError] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [why, setWhy] = useState('');
  const [pending, setPending] = useState<PendingDecision | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const branch = wantBranch && branches.includes(wantBranch) ? wantBranch : (detail?.rows[0]?.branch ?? branches[0] ?? '');

  const load = (): void => {
    apiGet<CommitDetail>(`/api/commit/${encodeURIComponent(sha)}`)
      .then((d) => {
        setDetail(d);
        setError(null);
      })
      .catch((e: unknown) => setError(errorText(e)));
  };
  useEffect(() => {
    setDetail(null);
    setCase(null);
    setCaseError(null);
    setSaved(null);
    setWhy('');
    load();
    apiGet<CaseView>(`/api/commit/${encodeURIComponent(sha)}/case`)
      .then(setCase)
      .catch((e: unknown) => setCaseError(errorText(e)));
    window.scrollTo(0, 0);
  }, [sha]);

  const files = useMemo(() => (detail ? parseSideBySide(detail.diff) : []), [detail?.diff]);
  const row: CandidateRow | undefined = detail?.rows.find((r) => r.branch === branch);

  const decide = async (status: WritableStatus, reason: string): Promise<void> => {
    if (!detail) return;
    try {
      const r = await postReview({ sha: detail.sha, branch, status, why: reason });
      setSaved(`${r.status} for ${branch}`);
      setWhy('');
      load();
      setCase(null);
      apiGet<CaseView>(`/api/commit/${encodeURIComponent(sha)}/case`)
        .then(setCase)
        .catch((e: unknown) => setCaseError(errorText(e)));
    } catch (e) {
      setError(errorText(e));
    }
  };

  // The hash, not the rendered sha: a key pressed before the page re-renders after a step must act
  // from where that step went, not on the commit still on screen.
  const hashSha = (): string => {
    const now = parseHash(location.hash);
    return (now.page === 'commit' ? now.sha : sha).toLowerCase();
  };
  /** The commit on screen, or null while the page is still moving to another one. */
  const shown = (): CommitDetail | null => (detail && detail.sha.startsWith(hashSha()) ? detail : null);

  const ask = (status: WritableStatus): void => {
    const cur = shown();
    if (!cur) return;
    if (status === 'rejected' && !why.trim()) setPending({ sha: cur.sha, branch, status, subject: cur.subject, why });
    else void decide(status, why);
  };

  const step = (d: number): void => {
    const at = hashSha();
    const i = triage.shas.findIndex((s) => s.startsWith(at));
    const next = i < 0 ? undefined : triage.shas[i + d];
    if (next) go(commitHref(next, triage.branch ?? branch));
  };

  useKeys(
    {
      j: () => step(1),
      k: () => step(-1),
      a: () => ask('accepted'),
      r: () => {
        const cur = shown();
        if (cur) setPending({ sha: cur.sha, branch, status: 'rejected', subject: cur.subject, why });
      },
      d: () => ask('deferred'),
      u: () => history.back(),
    },
    pending === null,
  );

  const knownShas = useMemo(() => {
    const all = new Set<string>();
    if (caseView) {
      for (const b of caseView.branches) for (const q of b.queue) all.add(q.sha);
      for (const f of caseView.followUps) all.add(f.sha);
      for (const p of caseView.prerequisites) all.add(p.sha);
      all.add(caseView.sha);
    }
    return (s: string): string | null => {
      for (const x of all) if (x.startsWith(s)) return x;
      return null;
    };
  }, [caseView]);

  if (error && !detail) return <ErrorLine error={error} />;
  if (!detail) return <div class="page muted">loading {short(sha)}…</div>;
  const caseBranch = caseView?.branches.find((b) => b.branch === branch);

  return (
    <div class="page commit-page" id="commit-page">
      <h1>
        <span class="mono">{short(detail.sha)}</span> {detail.subject}
      </h1>
      <div class="muted">
        {detail.author.name} &lt;{detail.author.email}&gt; · {fmtDate(detail.author.time)} · <span class="mono">{detail.sha}</span>
      </div>
      <ErrorLine error={error} />
      <section class="card">
        <h2>Decision</h2>
        <table class="rows">
          <thead>
            <tr>
              <th>branch</th>
              <th>verdict</th>
              <th>conf</th>
              <th>review</th>
              <th>apply</th>
              <th>why</th>
            </tr>
          </thead>
          <tbody>
            {detail.rows.map((r) => {
              const cb = caseView?.branches.find((b) => b.branch === r.branch);
              return (
                <tr key={r.branch} class={r.branch === branch ? 'active' : ''} data-branch={r.branch}>
                  <td>
                    <a href={commitHref(detail.sha, r.branch)}>{r.branch}</a>
                  </td>
                  <td>
                    <VerdictBadge v={r.verdict} />
                    {r.modelVerdict !== r.verdict ? <span class="muted"> (model: {r.modelVerdict})</span> : null}
                  </td>
                  <td class="mono">{r.confidence.toFixed(2)}</td>
                  <td>
                    <StatusBadge s={r.status} />
                  </td>
                  <td>{cb ? (cb.already ? 'in branch' : cb.applies ? <span class="ok">applies</span> : <span class="bad">does not apply</span>) : caseError ? '?' : '…'}</td>
                  <td class="reason">{r.reason}</td>
                </tr>
              );
            })}
          </tbody>
        </table>
        {detail.rows.length === 0 ? <div class="muted">Not in the judged range: nothing to decide here.</div> : null}
        {row ? (
          <div class="decide">
            <textarea id="decision-reason" rows={2} placeholder={`Reason for ${branch} (required to reject)`} value={why} onInput={(e) => setWhy((e.target as HTMLTextAreaElement).value)} />
            <div class="decide-buttons">
              <button class="btn btn-yes" id="btn-accept" onClick={() => ask('accepted')}>
                Accept (a)
              </button>
              <button class="btn btn-no" id="btn-reject" onClick={() => ask('rejected')}>
                Reject (r)
              </button>
              <button class="btn" id="btn-defer" onClick={() => ask('deferred')}>
                Defer (d)
              </button>
              <button class="btn" id="btn-needs-review" onClick={() => ask('needs-review')}>
                Needs review
              </button>
              <span class="muted">for {branch}</span>
              {saved ? (
                <span class="ok" id="saved">
                  saved: {saved}
                </span>
              ) : null}
            </div>
          </div>
        ) : null}
        {(detail.history[branch] ?? []).length ? (
          <ul class="history" id="review-history">
            {detail.history[branch]!.map((h, i) => (
              <li key={i}>
                {fmtDate(h.at)} <StatusBadge s={h.status} /> by {h.who} via {h.source}
                {h.why ? `: ${h.why}` : ''}
              </li>
            ))}
          </ul>
        ) : null}
      </section>
      <section class="card">
        <h2>Queue and trial pick for {branch}</h2>
        {caseError ? <ErrorLine error={`written case: ${caseError}`} /> : null}
        {!caseView && !caseError ? <div class="muted">building the written case…</div> : null}
        {caseBranch ? (
          <table class="rows" id="queue">
            <thead>
              <tr>
                <th>role</th>
                <th>commit</th>
                <th>subject</th>
                <th>trial pick</th>
              </tr>
            </thead>
            <tbody>
              {caseBranch.queue.map((q) => {
                const a = caseBranch.apply.find((x) => x.sha === q.sha);
                return (
                  <tr key={q.sha} class={`role-${q.role}`}>
                    <td>{q.role}</td>
                    <td class="mono">{q.sha === detail.sha ? short(q.sha) : <a href={commitHref(q.sha, branch)}>{short(q.sha)}</a>}</td>
                    <td title={q.why.join('; ')}>{q.subject}</td>
                    <td>{a ? `${a.result}${a.reason ? ` — ${a.reason}` : ''}` : ''}</td>
                  </tr>
                );
              })}
            </tbody>
          </table>
        ) : null}
        {caseView && (caseView.followUps.length || caseView.prerequisites.length) ? (
          <div class="links">
            {caseView.prerequisites.map((p) => (
              <div key={p.sha}>
                prerequisite ({p.strength}): <a href={commitHref(p.sha, branch)}>{short(p.sha)}</a> {p.subject}
              </div>
            ))}
            {caseView.followUps.map((f) => (
              <div key={f.sha}>
                follow-up ({f.kind}): <a href={commitHref(f.sha, branch)}>{short(f.sha)}</a> {f.subject}
              </div>
            ))}
          </div>
        ) : null}
      </section>
      {caseView ? (
        <section class="card">
          <h2>Written case</h2>
          <CaseText view={caseView} known={knownShas} />
        </section>
      ) : null}
      <section class="card">
        <h2>
          Diff <span class="muted">{files.length} file(s)</span>
        </h2>
        <div id="diff">
          {files.map((f) => (
            <FileDiff key={f.path} f={f} />
          ))}
        </div>
      </section>
      <div class="help">j/k next/previous in the list · a accept · r reject (asks why) · d defer · u back</div>
      {pending ? (
        <ReasonDialog
          pending={pending}
          onCancel={() => setPending(null)}
          onSubmit={(reason) => {
            const p = pending;
            setPending(null);
            void decide(p.status, reason);
          }}
        />
      ) : null}
    </div>
  );
}
