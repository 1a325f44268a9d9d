/**
 * One commit, in the order a maintainer reads it: the subject, the upstream message with its trailers,
 * the decision strip (one line per branch: verdict, P(pick), trial pick, decision, accept / reject /
 * defer), then five sections on keys 1-5: the files, the diff (full width, side by side), the written
 * case, the queue, and the conflicts (the branch's text beside the patch's, per hunk).
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CaseView, CommitDetail, ConflictView, ReviewRequest, WritableStatus } from '../../../src/server/api-types.js';
import { apiGet, errorText, postBulk } from '../api.js';
import { APPLY_TEXT, ErrorLine, fmtDate, ReasonDialog, short, StatusBadge, triage, VerdictBadge, type PendingDecision } from '../common.js';
import { languageOf, parseSideBySide, type SideCell, type SideFile } from '../diff.js';
import { highlightLine } from '../highlight.js';
import { useKeys } from '../keys.js';
import { linkShas } from '../link-shas.js';
import { renderMarkdown } from '../markdown.js';
import { commitHref, go, parseHash } from '../route.js';

const TABS = ['message', 'diff', 'case', 'queue', 'conflicts'] as const;
type Tab = (typeof TABS)[number];

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
        {f.oldPath && f.newPath && f.oldPath !== f.newPath ? `${f.oldPath} → ${f.newPath}` : f.path} <span class="add">+{f.added}</span>{' '}
        <span class="del">−{f.removed}</span>
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

/** The language models' paragraphs (`serve --llm`), each marked with its model; removed sentences apart. */
function LlmSection({ llm }: { llm: NonNullable<CaseView['llm']> }) {
  return (
    <div class="case-llm" id="case-llm">
      <h3>Written by language models</h3>
      {llm.paragraphs.map((p, i) => (
        <div key={i} class="llm-paragraph" data-model={p.model}>
          <div class="llm-mark">
            written by {p.model}, checked against the facts · {p.part === 'bug' ? 'the bug' : 'the change'}
          </div>
          <p>{p.text}</p>
        </div>
      ))}
      {llm.votes.length ? (
        <div class="llm-votes">
          <div>stablepick: {llm.stablepick} (computed; the votes do not change it)</div>
          {llm.votes.map((v, i) => (
            <div key={i}>
              vote of {v.model}: {v.vote}
              {v.reasons ? ` — ${v.reasons}` : ''}
            </div>
          ))}
          {llm.disagreement ? <div class="warn">NEEDS-REVIEW: {llm.disagreement}</div> : null}
        </div>
      ) : null}
      {llm.unverified.length ? (
        <div class="llm-unverified" id="llm-unverified">
          <h4>Unverified (removed from the model text, with why)</h4>
          <ul>
            {llm.unverified.map((u, i) => (
              <li key={i}>{u}</li>
            ))}
          </ul>
        </div>
      ) : null}
      {llm.notes.map((n, i) => (
        <div key={i} class="muted">
          Note: {n}
        </div>
      ))}
    </div>
  );
}

/** The message with its trailers set apart (the lines of the last paragraph that look like `Key: value`). */
function Message({ text }: { text: string }) {
  const lines = text.replace(/\n+$/, '').split('\n');
  const body = lines.slice(1).join('\n').replace(/^\n+/, '');
  return (
    <pre class="message" id="message">
      {body.split('\n').map((l, i) => (
        <div key={i} class={/^[A-Za-z][A-Za-z0-9-]*: \S/.test(l) ? 'trailer' : ''}>
          {l || ' '}
        </div>
      ))}
    </pre>
  );
}

function ConflictPanel({ view }: { view: ConflictView | null }) {
  if (!view) return <div class="muted">reading the trial picks…</div>;
  const bs = view.branches;
  const conflicting = bs.filter((b) => b.apply === 'conflict');
  return (
    <div id="conflicts">
      {bs
        .filter((b) => b.apply !== 'conflict')
        .map((b) => (
          <div key={b.branch} class="muted">
            {b.branch}: {APPLY_TEXT[b.apply]}
            {b.reason ? ` — ${b.reason}` : ''}
          </div>
        ))}
      {!conflicting.length ? <div class="muted">No branch conflicts.</div> : null}
      {conflicting.map((b) => (
        <section key={b.branch} class="conflict-branch" data-branch={b.branch}>
          <h3>
            {b.branch}: {b.reason}
          </h3>
          {b.files.map((f) => (
            <div key={f.path} class="d-file">
              <div class="d-file-head mono">
                {f.path} <span class="muted">({f.kinds.join(', ')})</span>
              </div>
              {f.hunks.map((h, i) => (
                <table key={i} class="d-table mono conflict-hunk">
                  <thead>
                    <tr>
                      <th>
                        {b.branch} has{h.branchStart ? ` (line ${h.branchStart})` : ''}
                      </th>
                      <th>the patch wants</th>
                    </tr>
                  </thead>
                  <tbody>
                    <tr>
                      <td class="d-t del cf-branch">{h.branchText || '(nothing)'}</td>
                      <td class="d-t add cf-patch">{h.patchText || '(nothing)'}</td>
                    </tr>
                    {h.baseText ? (
                      <tr>
                        <td colSpan={2} class="d-t cf-base">
                          <span class="muted">upstream before the patch:</span>
                          {'\n'}
                          {h.baseText}
                        </td>
                      </tr>
                    ) : null}
                  </tbody>
                </table>
              ))}
              {!f.hunks.length ? <div class="muted">no text hunks ({f.kinds.join(', ')})</div> : null}
            </div>
          ))}
        </section>
      ))}
    </div>
  );
}

export function CommitPage({
  sha,
  branch: wantBranch,
  branches,
  tab: wantTab,
}: {
  sha: string;
  branch: string | null;
  branches: readonly string[];
  tab?: string | null;
}) {
  const [loaded, setDetail] = useState<CommitDetail | null>(null);
  // Until the effect below has run for a new address, the old commit's detail must not be used.
  const detail = loaded && loaded.sha.startsWith(sha.toLowerCase()) ? loaded : null;
  const [caseView, setCase] = useState<CaseView | null>(null);
  const [caseError, setCaseError] = useState<string | null>(null);
  const [conflicts, setConflicts] = useState<ConflictView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [pending, setPending] = useState<PendingDecision | null>(null);
  const [guard, setGuard] = useState<{ branch: string; missing: { sha: string; subject: string; status: string }[] } | null>(null);
  const [saved, setSaved] = useState<string | null>(null);
  const [tab, setTab] = useState<Tab>(TABS.includes(wantTab as Tab) ? (wantTab as Tab) : 'message');
  const tabsRef = useRef<HTMLDivElement>(null);
  const branch = wantBranch && branches.includes(wantBranch) ? wantBranch : (detail?.rows[0]?.branch ?? branches[0] ?? '');

  const [diff, setDiff] = useState<{ sha: string; text: string } | null>(null);
  // The message and the decision strip first (the index only); the diff (git) and the written case
  // (the heaviest) are asked for once the page shows.
  const load = (after?: () => void): void => {
    apiGet<CommitDetail>(`/api/commit/${encodeURIComponent(sha)}?diff=0`)
      .then((d) => {
        setDetail(d);
        setError(null);
        after?.();
      })
      .catch((e: unknown) => setError(errorText(e)));
  };
  const loadCase = (): void => {
    apiGet<CaseView>(`/api/commit/${encodeURIComponent(sha)}/case`)
      .then(setCase)
      .catch((e: unknown) => setCaseError(errorText(e)));
  };
  useEffect(() => {
    setDetail(null);
    setCase(null);
    setCaseError(null);
    setConflicts(null);
    setSaved(null);
    load(() => {
      apiGet<{ diff: string }>(`/api/commit/${encodeURIComponent(sha)}/diff`)
        .then((x) => setDiff({ sha, text: x.diff }))
        .catch((e: unknown) => setError(errorText(e)));
      loadCase();
    });
    apiGet<ConflictView>(`/api/commit/${encodeURIComponent(sha)}/conflicts`)
      .then(setConflicts)
      .catch(() => setConflicts({ sha, branches: [] }));
    window.scrollTo(0, 0);
  }, [sha]);

  const diffText = diff && diff.sha === sha ? diff.text : null;
  const files = useMemo(() => (diffText !== null ? parseSideBySide(diffText) : []), [diffText]);

  const send = async (decisions: ReviewRequest[]): Promise<void> => {
    if (!detail) return;
    try {
      const { rows: rs } = await postBulk(decisions);
      setSaved(rs.map((r) => `${r.status} ${short(r.sha)} for ${r.branch}`).join(', '));
      load();
      setCase(null);
      loadCase();
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

  const decide = (b: string, status: WritableStatus): void => {
    const cur = shown();
    if (!cur || !cur.rows.some((r) => r.branch === b)) return;
    if (status === 'rejected' || status === 'deferred') {
      setPending({ sha: cur.sha, branch: b, status, subject: cur.subject, why: '' });
      return;
    }
    const missing = (cur.queue?.state[b] ?? []).filter(
      (m) => m.sha !== cur.sha && m.status !== 'accepted' && m.status !== 'deferred' && m.apply !== 'already' && m.verdict !== 'IN-BRANCH',
    );
    if (status === 'accepted' && missing.length) setGuard({ branch: b, missing });
    else void send([{ sha: cur.sha, branch: b, status, why: '' }]);
  };

  const step = (d: number): void => {
    const at = hashSha();
    const i = triage.shas.findIndex((s) => s.startsWith(at));
    const next = i < 0 ? undefined : triage.shas[i + d];
    if (next) go(commitHref(next, triage.branch ?? branch));
  };
  const show = (t: Tab): void => {
    setTab(t);
    requestAnimationFrame(() => tabsRef.current?.scrollIntoView({ block: 'start' }));
  };

  useKeys(
    {
      j: () => step(1),
      k: () => step(-1),
      a: () => decide(branch, 'accepted'),
      r: () => decide(branch, 'rejected'),
      d: () => decide(branch, 'deferred'),
      u: () => history.back(),
      '1': () => {
        setTab('message');
        window.scrollTo(0, 0);
      },
      '2': () => show('diff'),
      '3': () => show('case'),
      '4': () => show('queue'),
      '5': () => show('conflicts'),
    },
    pending === null && guard === null,
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
  const nConflicts = conflicts?.branches.filter((b) => b.apply === 'conflict').length ?? 0;

  return (
    <div class="page commit-page" id="commit-page">
      <h1 id="commit-subject">{detail.subject}</h1>
      <div class="muted">
        <span class="mono">{detail.sha}</span> · {detail.author.name} &lt;{detail.author.email}&gt; · {fmtDate(detail.author.time)}
      </div>
      <ErrorLine error={error} />
      <Message text={detail.message} />
      <section class="strip" id="decision-strip">
        {detail.rows.map((r) => {
          const ap = detail.apply?.[r.branch];
          const hist = detail.history[r.branch] ?? [];
          const lastWhy = hist.length ? hist[hist.length - 1]!.why : '';
          return (
            <div key={r.branch} class={`strip-row${r.branch === branch ? ' active' : ''}`} data-branch={r.branch}>
              <a class="strip-branch" href={commitHref(detail.sha, r.branch, tab)}>
                {r.branch}
              </a>
              <VerdictBadge v={r.verdict} />
              <span class="mono">P {r.probability.toFixed(2)}</span>
              <span class={`ap ap-${ap?.apply ?? 'pending'}`} title={ap?.reason ?? ''}>
                {APPLY_TEXT[ap?.apply ?? 'pending']}
              </span>
              <StatusBadge s={r.status} long />
              <button class="btn btn-yes" data-act="accept" onClick={() => decide(r.branch, 'accepted')}>
                Accept
              </button>
              <button class="btn btn-no" data-act="reject" onClick={() => decide(r.branch, 'rejected')}>
                Reject
              </button>
              <button class="btn" data-act="defer" onClick={() => decide(r.branch, 'deferred')}>
                Defer
              </button>
              <button class="btn" data-act="needs-review" title="mark it as waiting for a person" onClick={() => decide(r.branch, 'needs-review')}>
                Needs review
              </button>
              <span class="reason" title={r.reasons.join('\n')}>
                {r.status !== 'unreviewed' && lastWhy ? `${r.status} by ${r.who ?? ''}: ${lastWhy} · ` : ''}
                {r.reason}
              </span>
            </div>
          );
        })}
        {detail.rows.length === 0 ? <div class="muted">Not in the judged range: nothing to decide here.</div> : null}
        {saved ? (
          <div class="ok" id="saved">
            saved: {saved}
          </div>
        ) : null}
      </section>
      <div class="tabs" ref={tabsRef} id="tabs">
        {TABS.map((t, i) => (
          <button key={t} class={`tab${tab === t ? ' on' : ''}`} data-tab={t} onClick={() => show(t)}>
            <kbd>{i + 1}</kbd> {t}
            {t === 'diff' ? ` (${diffText === null ? '…' : files.length})` : t === 'conflicts' && nConflicts ? ` (${nConflicts})` : ''}
          </button>
        ))}
      </div>
      {tab === 'message' ? (
        <section class="panel" id="panel-message">
          <table class="rows">
            <tbody>
              {detail.files.map((f) => (
                <tr key={f.path}>
                  <td class="mono">{f.status}</td>
                  <td class="mono">{f.path}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {(detail.history[branch] ?? []).length ? (
            <ul class="history" id="review-history">
              {detail.history[branch]!.map((h, i) => (
                <li key={i}>
                  {fmtDate(h.at)} <StatusBadge s={h.status} /> for {branch} by {h.who} via {h.source}
                  {h.why ? `: ${h.why}` : ''}
                </li>
              ))}
            </ul>
          ) : null}
        </section>
      ) : tab === 'diff' ? (
        <section class="panel" id="diff">
          {diffText === null ? <div class="muted">reading the diff…</div> : null}
          {files.map((f) => (
            <FileDiff key={f.path} f={f} />
          ))}
        </section>
      ) : tab === 'case' ? (
        <section class="panel">
          {caseError ? <ErrorLine error={`written case: ${caseError}`} /> : null}
          {caseView ? <CaseText view={caseView} known={knownShas} /> : !caseError ? <div class="muted">building the written case…</div> : null}
          {caseView?.llm ? <LlmSection llm={caseView.llm} /> : null}
        </section>
      ) : tab === 'queue' ? (
        <section class="panel" id="queue-panel">
          {detail.queue ? (
            <div class="range-queue">
              <h3>Goes together with (in this range)</h3>
              {detail.queue.edges.map((e, i) => (
                <div key={i} class="muted">
                  <span class="mono">{short(e.from)}</span> → <span class="mono">{short(e.to)}</span>: {e.line}
                </div>
              ))}
            </div>
          ) : null}
          {caseError ? <ErrorLine error={`written case: ${caseError}`} /> : null}
          {!caseView && !caseError ? <div class="muted">building the written case…</div> : null}
          {caseBranch ? (
            <table class="rows" id="queue">
              <thead>
                <tr>
                  <th>role</th>
                  <th>commit</th>
                  <th>subject</th>
                  <th>trial pick onto {branch}</th>
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
        </section>
      ) : (
        <section class="panel">
          <ConflictPanel view={conflicts} />
        </section>
      )}
      <div class="help">1 message · 2 diff · 3 case · 4 queue · 5 conflicts · j/k next/previous · a accept · r reject · d defer (for {branch}) · u back</div>
      {pending ? (
        <ReasonDialog
          pending={pending}
          close={() => setPending(null)}
          onSubmit={(p, why) => void send([{ sha: p.sha, branch: p.branch, status: p.status, why }])}
        />
      ) : null}
      {guard ? (
        <div class="modal" role="dialog" aria-label="queue" id="queue-guard">
          <div class="modal-box">
            <div class="modal-title">
              {short(detail.sha)} goes together with commits not accepted for {guard.branch}
            </div>
            <ul>
              {guard.missing.map((m) => (
                <li key={m.sha} data-sha={m.sha}>
                  <span class="mono">{short(m.sha)}</span> {m.subject}: <b>{m.status === 'unreviewed' ? 'undecided' : m.status}</b>
                </li>
              ))}
            </ul>
            <div class="modal-actions">
              <button
                id="guard-all"
                class="btn btn-yes"
                onClick={() => {
                  const g = guard;
                  setGuard(null);
                  const members = (detail.queue?.state[g.branch] ?? []).filter((m) => m.sha === detail.sha || g.missing.some((x) => x.sha === m.sha));
                  void send(members.map((m) => ({ sha: m.sha, branch: g.branch, status: 'accepted', why: '' })));
                }}
              >
                Accept the queue in order
              </button>
              <button
                id="guard-only"
                class="btn"
                onClick={() => {
                  const g = guard;
                  setGuard(null);
                  void send([{ sha: detail.sha, branch: g.branch, status: 'accepted', why: '' }]);
                }}
              >
                Only this one
              </button>
              <button class="btn" onClick={() => setGuard(null)}>
                Cancel
              </button>
            </div>
          </div>
        </div>
      ) : null}
    </div>
  );
}
