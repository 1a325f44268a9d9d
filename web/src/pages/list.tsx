/**
 * Candidates of one branch: filters (kept in the address, so a reload keeps them), sortable columns,
 * a windowed list (only the rows in view are in the DOM: 5,000 rows scroll like 50) and triage keys.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type { CandidatePage, CandidateRow, Overview, ReviewState, RowVerdict, SortKey, WritableStatus } from '../../../src/server/api-types.js';
import { REVIEW_STATES, ROW_VERDICTS } from '../../../src/server/api-types.js';
import { apiGet, errorText, postReview } from '../api.js';
import { ErrorLine, ReasonDialog, replaceRow, short, StatusBadge, triage, VerdictBadge, type PendingDecision } from '../common.js';
import { useKeys } from '../keys.js';
import { commitHref, go, listHref } from '../route.js';

export const ROW_HEIGHT = 24;
const OVERSCAN = 12;

const COLUMNS: { key: SortKey; label: string; cls: string }[] = [
  { key: 'sha', label: 'commit', cls: 'c-sha' },
  { key: 'subject', label: 'subject', cls: 'c-subject' },
  { key: 'verdict', label: 'verdict', cls: 'c-verdict' },
  { key: 'confidence', label: 'conf', cls: 'c-conf' },
  { key: 'status', label: 'review', cls: 'c-status' },
  { key: 'subsystem', label: 'subsystem', cls: 'c-sub' },
];

/** Counters the benchmark reads: how many times the list was rendered with new rows. */
declare global {
  interface Window {
    __stablepickList?: { version: number; rows: number; matched: number };
  }
}

/** Counts renders of new rows over the page's life (not per mount): the benchmark waits on it. */
let listVersion = 0;

function apiQuery(branch: string, params: URLSearchParams): string {
  const q = new URLSearchParams();
  q.set('branch', branch);
  for (const k of ['verdict', 'status', 'q', 'path', 'subsystem', 'minConf', 'sort', 'dir']) {
    const v = params.get(k);
    if (v) q.set(k, v);
  }
  q.set('limit', '20000');
  q.set('compact', '1');
  return `/api/candidates?${q.toString()}`;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const t = setTimeout(() => setV(value), ms);
    return () => clearTimeout(t);
  }, [value, ms]);
  return v;
}

export function ListPage({ overview, branch, params }: { overview: Overview; branch: string; params: URLSearchParams }) {
  const paramsKey = params.toString();
  const [page, setPage] = useState<CandidatePage | null>(null);
  const [rows, setRows] = useState<CandidateRow[]>([]);
  const [error, setError] = useState<string | null>(null);
  const [sel, setSel] = useState(0);
  const [scrollTop, setScrollTop] = useState(0);
  const [viewH, setViewH] = useState(600);
  const [pending, setPending] = useState<PendingDecision | null>(null);
  const [busy, setBusy] = useState(false);
  const scroller = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);

  // Text fields update the address after a short pause; the rest at once.
  const [q, setQ] = useState(params.get('q') ?? '');
  const [pathQ, setPathQ] = useState(params.get('path') ?? '');
  const dq = useDebounced(q, 150);
  const dpath = useDebounced(pathQ, 150);

  const setParam = (changes: Record<string, string | null>): void => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') p.delete(k);
      else p.set(k, v);
    }
    if (p.toString() !== paramsKey) go(listHref(branch, p), true);
  };

  // The address changed from outside (a link, back): the fields follow it.
  useEffect(() => {
    setQ(params.get('q') ?? '');
    setPathQ(params.get('path') ?? '');
  }, [params.get('q'), params.get('path')]);

  useEffect(() => {
    if ((params.get('q') ?? '') !== dq || (params.get('path') ?? '') !== dpath) setParam({ q: dq, path: dpath });
  }, [dq, dpath]);

  useEffect(() => {
    const ctl = new AbortController();
    setError(null);
    apiGet<CandidatePage>(apiQuery(branch, params), ctl.signal)
      .then((p) => {
        setPage(p);
        setRows(p.rows);
        setSel((s) => Math.min(s, Math.max(0, p.rows.length - 1)));
      })
      .catch((e: unknown) => {
        if (!ctl.signal.aborted) setError(errorText(e));
      });
    return () => ctl.abort();
  }, [branch, paramsKey]);

  useLayoutEffect(() => {
    if (!page) return;
    listVersion++;
    window.__stablepickList = { version: listVersion, rows: rows.length, matched: page.matched };
  }, [rows, page]);

  useEffect(() => {
    triage.branch = branch;
    triage.shas = rows.map((r) => r.sha);
  }, [rows, branch]);

  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const measure = (): void => setViewH(el.clientHeight);
    measure();
    const ro = new ResizeObserver(measure);
    ro.observe(el);
    return () => ro.disconnect();
  }, []);

  const onScroll = useMemo(() => {
    let raf = 0;
    return (e: Event): void => {
      const t = (e.currentTarget as HTMLDivElement).scrollTop;
      if (raf) return;
      raf = requestAnimationFrame(() => {
        raf = 0;
        setScrollTop(t);
      });
    };
  }, []);

  // Keys read the selection from here: two keys pressed before the next render (j then d) must act on the
  // row the first one selected, not on the row of the last render.
  const selRef = useRef(sel);
  selRef.current = sel;
  const moveTo = (i: number): void => {
    const n = Math.max(0, Math.min(rows.length - 1, i));
    selRef.current = n;
    setSel(n);
    const el = scroller.current;
    if (!el) return;
    const top = n * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };

  const decide = async (row: CandidateRow, status: WritableStatus, why: string): Promise<void> => {
    setBusy(true);
    try {
      const r = await postReview({ sha: row.sha, branch: row.branch, status, why });
      setRows((rs) => replaceRow(rs, r));
      setError(null);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  const current = rows[sel];
  const at = (): CandidateRow | undefined => rows[selRef.current];
  const ask = (status: WritableStatus): void => {
    const row = at();
    if (row) setPending({ sha: row.sha, branch, status, subject: row.subject, why: '' });
  };
  useKeys(
    {
      j: () => moveTo(selRef.current + 1),
      ArrowDown: () => moveTo(selRef.current + 1),
      k: () => moveTo(selRef.current - 1),
      ArrowUp: () => moveTo(selRef.current - 1),
      Enter: () => {
        const row = at();
        if (row) go(commitHref(row.sha, branch));
      },
      a: () => {
        const row = at();
        if (row) void decide(row, 'accepted', '');
      },
      d: () => ask('deferred'),
      r: () => ask('rejected'),
      '/': () => searchRef.current?.focus(),
    },
    pending === null,
  );

  const sort = (params.get('sort') as SortKey | null) ?? 'order';
  const dir = params.get('dir') ?? 'asc';
  const verdicts = params.get('verdict') ?? '';
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);

  return (
    <div class="page list-page" id="list-page">
      <div class="filters">
        <label>
          branch{' '}
          <select value={branch} onChange={(e) => go(listHref((e.target as HTMLSelectElement).value, params))}>
            {overview.branches.map((b) => (
              <option key={b.branch} value={b.branch}>
                {b.branch}
              </option>
            ))}
          </select>
        </label>
        <label>
          verdict{' '}
          <select id="f-verdict" value={verdicts} onChange={(e) => setParam({ verdict: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            <option value="YES,NEEDS-REVIEW">YES + NEEDS-REVIEW</option>
            {ROW_VERDICTS.map((v: RowVerdict) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          review{' '}
          <select id="f-status" value={params.get('status') ?? ''} onChange={(e) => setParam({ status: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {REVIEW_STATES.map((s: ReviewState) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        <label>
          conf ≥{' '}
          <input
            id="f-minconf"
            type="number"
            min="0"
            max="1"
            step="0.05"
            value={params.get('minConf') ?? ''}
            placeholder="0"
            onChange={(e) => setParam({ minConf: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          subsystem{' '}
          <select id="f-subsystem" value={params.get('subsystem') ?? ''} onChange={(e) => setParam({ subsystem: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {(overview.branches.find((b) => b.branch === branch)?.subsystems ?? []).map((s) => (
              <option key={s.name} value={s.name}>
                {s.name} ({s.count})
              </option>
            ))}
          </select>
        </label>
        <label>
          path <input id="f-path" type="text" value={pathQ} placeholder="e.g. kernel/sched" onInput={(e) => setPathQ((e.target as HTMLInputElement).value)} />
        </label>
        <label>
          search <input id="f-q" ref={searchRef} type="search" value={q} placeholder="subject, sha, author  (/)" onInput={(e) => setQ((e.target as HTMLInputElement).value)} />
        </label>
        <span class="muted" id="list-count">
          {page ? `${page.matched} of ${page.total}` : 'loading…'}
        </span>
      </div>
      <ErrorLine error={error} />
      <div class="grid-head grid-row" role="row">
        {COLUMNS.map((c) => (
          <button
            key={c.key}
            class={`${c.cls} sort${sort === c.key ? ' sorted' : ''}`}
            data-sort={c.key}
            onClick={() => setParam({ sort: c.key, dir: sort === c.key && dir === 'asc' ? 'desc' : 'asc' })}
          >
            {c.label}
            {sort === c.key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
          </button>
        ))}
      </div>
      <div class="grid-body" ref={scroller} onScroll={onScroll} id="list-scroller" role="grid">
        <div style={{ height: `${rows.length * ROW_HEIGHT}px`, position: 'relative' }}>
          <div style={{ transform: `translateY(${first * ROW_HEIGHT}px)` }}>
            {visible.map((r, k) => {
              const i = first + k;
              return (
                <div
                  key={r.sha}
                  class={`grid-row${i === sel ? ' selected' : ''}`}
                  data-sha={r.sha}
                  role="row"
                  onClick={() => setSel(i)}
                  onDblClick={() => go(commitHref(r.sha, branch))}
                >
                  <span class="c-sha mono">
                    <a href={commitHref(r.sha, branch)}>{short(r.sha)}</a>
                  </span>
                  <span class="c-subject" title={r.reason}>
                    {r.subject}
                  </span>
                  <span class="c-verdict">
                    <VerdictBadge v={r.verdict} />
                  </span>
                  <span class="c-conf mono">{r.confidence.toFixed(2)}</span>
                  <span class="c-status" title={r.why ? `${r.who ?? ''}: ${r.why}` : ''}>
                    <StatusBadge s={r.status} />
                  </span>
                  <span class="c-sub">{r.subsystem}</span>
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div class="help" id="help-line">
        j/k move · Enter open · a accept · r reject (asks why) · d defer · / search · Esc leaves a field{busy ? ' · saving…' : ''}
        {current ? (
          <span class="help-reason">
            {' '}
            — {short(current.sha)}: {current.reason}
          </span>
        ) : null}
      </div>
      {pending ? (
        <ReasonDialog
          pending={pending}
          onCancel={() => setPending(null)}
          onSubmit={(why) => {
            const row = rows.find((r) => r.sha === pending.sha);
            setPending(null);
            if (row) void decide(row, pending.status, why);
          }}
        />
      ) : null}
    </div>
  );
}
