/**
 * The main list: one row per upstream commit, a column per judged branch (verdict, P(pick), whether it
 * applies, the decision), sorted by the highest P(pick). Filters live in the address. Decisions per cell
 * (a/r/d), per row (A: every branch where YES and it applies), in bulk (x, shift-click), with the cursor
 * moving to the next undecided row, a guard for queues (commits that must go together) and undo (u).
 * Only the rows in view are in the DOM, so 5,000 rows × 5 branches move like 50.
 */
import { useEffect, useLayoutEffect, useMemo, useRef, useState } from 'preact/hooks';
import type {
  ApplyState,
  CandidateRow,
  Mark,
  MatrixCell,
  MatrixRow,
  MatrixView,
  Overview,
  ReviewRequest,
  ReviewState,
  WritableStatus,
} from '../../../src/server/api-types.js';
import { cellOfRow, MARKS, REVIEW_STATES, ROW_VERDICTS } from '../../../src/server/api-types.js';
import { apiGet, errorText, postBulk } from '../api.js';
import { APPLY_TEXT, ErrorLine, fmtDate, ReasonDialog, short, triage, type PendingDecision } from '../common.js';
import { useKeys } from '../keys.js';
import { commitHref, go, listHref } from '../route.js';

export const ROW_HEIGHT = 26;
const OVERSCAN = 12;
const POLL_MS = 2000;

declare global {
  interface Window {
    /** What the benchmark and the tests read: renders of new rows, rows shown, rows matched. */
    __stablepickList?: { version: number; rows: number; matched: number };
  }
}
let listVersion = 0;

const APPLY_ICON: Record<ApplyState, string> = { clean: '✓', offset: '≈', conflict: '✗', already: '=', empty: '∅', pending: '…', failed: '?' };
const VERDICT_SHORT: Record<string, string> = { YES: 'YES', NO: 'NO', 'NEEDS-REVIEW': 'REV', 'IN-BRANCH': 'IN' };
const STATUS_SHORT: Record<ReviewState, string> = { accepted: 'acc', rejected: 'rej', deferred: 'def', 'needs-review': 'rev?', unreviewed: '' };
const MARK_TEXT: Record<Mark, string> = { fixes: 'Fx', stable: 'St', cve: 'CVE', security: 'Sec', reported: 'Rep' };
const MARK_TITLE: Record<Mark, string> = {
  fixes: 'Fixes: trailer',
  stable: 'stable tag (Cc: stable, Backport-to)',
  cve: 'CVE id in the message',
  security: 'security words in the message',
  reported: 'Reported-by trailer',
};
const APPLIES: readonly ApplyState[] = ['clean', 'offset', 'conflict', 'already', 'empty', 'pending', 'failed'];

type SortName = 'p' | 'order' | 'time' | 'subject' | 'author' | 'subsystem';

const list = (v: string | null): string[] => (v ? v.split(',').filter(Boolean) : []);

/** The filters of the address, as a predicate on rows and the branch columns shown. */
export function rowFilter(params: URLSearchParams, shown: readonly number[]): (r: MatrixRow) => boolean {
  const verdicts = list(params.get('verdict'));
  const statuses = list(params.get('status'));
  const applies = list(params.get('apply'));
  const marks = list(params.get('mark'));
  const minP = Number(params.get('minP') ?? '') || 0;
  const author = (params.get('author') ?? '').toLowerCase();
  const subsystem = params.get('subsystem') ?? '';
  const q = (params.get('q') ?? '').toLowerCase();
  const since = params.get('since') ? Date.parse(params.get('since')!) / 1000 : null;
  const until = params.get('until') ? Date.parse(params.get('until')!) / 1000 + 86400 : null;
  const queue = params.get('queue') === '1';
  const cellOk = (c: MatrixCell | null): boolean =>
    !!c &&
    (!verdicts.length || verdicts.includes(c.verdict)) &&
    (!statuses.length || statuses.includes(c.status)) &&
    (!applies.length || applies.includes(c.apply)) &&
    c.probability >= minP;
  const anyCell = verdicts.length || statuses.length || applies.length || minP > 0;
  return (r) => {
    if (marks.length && !marks.some((m) => r.marks.includes(m as Mark))) return false;
    if (author && !r.author.toLowerCase().includes(author)) return false;
    if (subsystem && r.subsystem !== subsystem) return false;
    if (since !== null && r.time < since) return false;
    if (until !== null && r.time >= until) return false;
    if (queue && !r.queue) return false;
    if (q && !r.subject.toLowerCase().includes(q) && !r.sha.startsWith(q) && !r.author.toLowerCase().includes(q)) return false;
    if (anyCell && !shown.some((bi) => cellOk(r.cells[bi] ?? null))) return false;
    return true;
  };
}

function maxP(r: MatrixRow, shown: readonly number[]): number {
  let p = -1;
  for (const bi of shown) p = Math.max(p, r.cells[bi]?.probability ?? -1);
  return p;
}

export function sortRows(rows: MatrixRow[], sort: SortName, dir: 'asc' | 'desc', shown: readonly number[]): MatrixRow[] {
  const sign = dir === 'desc' ? -1 : 1;
  const key: (a: MatrixRow, b: MatrixRow) => number =
    sort === 'p'
      ? (a, b) => maxP(a, shown) - maxP(b, shown)
      : sort === 'time'
        ? (a, b) => a.time - b.time
        : sort === 'subject'
          ? (a, b) => a.subject.localeCompare(b.subject)
          : sort === 'author'
            ? (a, b) => a.author.localeCompare(b.author)
            : sort === 'subsystem'
              ? (a, b) => a.subsystem.localeCompare(b.subsystem)
              : (a, b) => a.order - b.order;
  return rows.sort((a, b) => sign * key(a, b) || a.order - b.order);
}

interface Decision {
  sha: string;
  branch: string;
}

interface Guard {
  status: WritableStatus;
  asked: Decision[];
  /** Queue members the asked commits need, undecided or rejected, with their state. */
  missing: { sha: string; branch: string; subject: string; status: ReviewState }[];
}

export function MatrixPage({ overview, branch, params }: { overview: Overview; branch: string | null; params: URLSearchParams }) {
  const paramsKey = params.toString();
  const [view, setView] = useState<MatrixView | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [sel, setSel] = useState(0);
  const [col, setCol] = useState(0);
  const [picked, setPicked] = useState<ReadonlySet<string>>(new Set());
  const [scrollTop, setScrollTop] = useState(0);
  const [viewH, setViewH] = useState(600);
  const [pending, setPending] = useState<(PendingDecision & { targets: Decision[] }) | null>(null);
  const [guard, setGuard] = useState<Guard | null>(null);
  const [busy, setBusy] = useState(false);
  const [note, setNote] = useState<string | null>(null);
  const undoStack = useRef<ReviewRequest[][]>([]);
  const anchor = useRef<number | null>(null);
  const scroller = useRef<HTMLDivElement>(null);
  const searchRef = useRef<HTMLInputElement>(null);
  const [q, setQ] = useState(params.get('q') ?? '');

  const setParam = (changes: Record<string, string | null>): void => {
    const p = new URLSearchParams(params);
    for (const [k, v] of Object.entries(changes)) {
      if (v === null || v === '') p.delete(k);
      else p.set(k, v);
    }
    if (p.toString() !== paramsKey) go(listHref(branch, p), true);
  };

  useEffect(() => setQ(params.get('q') ?? ''), [params.get('q')]);
  useEffect(() => {
    const t = setTimeout(() => {
      if ((params.get('q') ?? '') !== q) setParam({ q });
    }, 150);
    return () => clearTimeout(t);
  }, [q]);

  // Which rows pass the filters is decided when the matrix is loaded or the filters change, not after each
  // decision: a row accepted under `verdict=NO` stays where it is until the next load.
  const [gen, setGen] = useState(0);
  const load = (signal?: AbortSignal): void => {
    apiGet<MatrixView>('/api/matrix', signal)
      .then((v) => {
        setView(v);
        setGen((g) => g + 1);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!signal?.aborted) setError(errorText(e));
      });
  };
  useEffect(() => {
    const ctl = new AbortController();
    load(ctl.signal);
    return () => ctl.abort();
  }, []);

  // Decisions taken elsewhere (the CLI, `review import`, another page) and finished trial picks: the
  // server's version changes, the page loads the matrix again.
  const versionRef = useRef<number | null>(null);
  versionRef.current = view?.version ?? null;
  useEffect(() => {
    let stop = false;
    const poll = (): void => {
      apiGet<{ version: number }>('/api/version')
        .then((v) => {
          if (!stop && versionRef.current !== null && v.version !== versionRef.current) load();
        })
        .catch(() => undefined);
    };
    const t = setInterval(poll, POLL_MS);
    window.addEventListener('focus', poll);
    return () => {
      stop = true;
      clearInterval(t);
      window.removeEventListener('focus', poll);
    };
  }, []);

  const branches = view?.branches ?? overview.branches.map((b) => b.branch);
  const shown = useMemo(() => {
    if (branch && branches.includes(branch)) return [branches.indexOf(branch)];
    return branches.map((_, i) => i);
  }, [branch, branches.join('\n')]);

  const order = useMemo(() => {
    if (!view) return [];
    const keep = rowFilter(params, shown);
    const sort = (params.get('sort') as SortName | null) ?? 'p';
    const dir = (params.get('dir') as 'asc' | 'desc' | null) ?? (sort === 'p' ? 'desc' : 'asc');
    return sortRows(view.rows.filter(keep), sort, dir, shown).map((r) => r.sha);
  }, [gen, paramsKey, shown]);
  const rows = useMemo(() => {
    const by = new Map((view?.rows ?? []).map((r) => [r.sha, r]));
    return order.map((s) => by.get(s)).filter((r): r is MatrixRow => r !== undefined);
  }, [order, view]);
  useEffect(() => {
    selRef.current = 0;
    setSel(0);
    setNote(null);
    setPicked(new Set());
    if (scroller.current) scroller.current.scrollTop = 0;
  }, [branch, paramsKey]);
  // A reload (decisions from elsewhere, trial picks done) keeps the cursor on the commit it was on.
  const selSha = useRef<string | null>(null);
  useLayoutEffect(() => {
    const i = selSha.current ? order.indexOf(selSha.current) : -1;
    if (i >= 0 && i !== selRef.current) {
      selRef.current = i;
      setSel(i);
    }
  }, [order]);

  useLayoutEffect(() => {
    if (!view) return;
    listVersion++;
    window.__stablepickList = { version: listVersion, rows: rows.length, matched: rows.length };
  }, [rows]);

  useEffect(() => {
    triage.branch = branches[shown[col] ?? 0] ?? null;
    triage.shas = rows.map((r) => r.sha);
  }, [rows, col, shown]);

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

  // Keys read the cursor from refs: two keys before the next render act from where the first one went.
  const selRef = useRef(sel);
  selRef.current = sel;
  const colRef = useRef(col);
  colRef.current = Math.min(col, Math.max(0, shown.length - 1));
  const rowsRef = useRef(rows);
  rowsRef.current = rows;
  // After the effect above (it reads the commit of the previous render).
  useLayoutEffect(() => {
    selSha.current = rows[sel]?.sha ?? null;
  }, [rows, sel]);
  const moveTo = (i: number): void => {
    const n = Math.max(0, Math.min(rowsRef.current.length - 1, i));
    selRef.current = n;
    setSel(n);
    const el = scroller.current;
    if (!el) return;
    const top = n * ROW_HEIGHT;
    if (top < el.scrollTop) el.scrollTop = top;
    else if (top + ROW_HEIGHT > el.scrollTop + el.clientHeight) el.scrollTop = top + ROW_HEIGHT - el.clientHeight;
  };
  const curBranch = (): string => branches[shown[colRef.current] ?? 0] ?? '';
  const cellOf = (r: MatrixRow, b: string): MatrixCell | null => r.cells[branches.indexOf(b)] ?? null;

  /** Applies rows the server sent back to the matrix. */
  const applyRows = (changed: CandidateRow[], version: number): void => {
    setView((v) => {
      if (!v) return v;
      // The page's own decisions move the server's version: no reload for them.
      versionRef.current = version;
      const by = new Map<string, CandidateRow[]>();
      for (const c of changed) by.set(c.sha, [...(by.get(c.sha) ?? []), c]);
      return {
        ...v,
        version,
        rows: v.rows.map((r) => {
          const cs = by.get(r.sha);
          if (!cs) return r;
          const cells = [...r.cells];
          for (const c of cs) {
            const bi = v.branches.indexOf(c.branch);
            if (bi >= 0) cells[bi] = cellOfRow(c, cells[bi] ? { state: cells[bi]!.apply, reason: cells[bi]!.applyReason } : undefined);
          }
          return { ...r, cells };
        }),
      };
    });
  };

  const send = async (decisions: ReviewRequest[], opts: { advance: boolean; undo?: boolean }): Promise<void> => {
    if (!decisions.length) return;
    const all = view?.rows ?? [];
    if (!opts.undo) {
      const before: ReviewRequest[] = decisions.map((d) => {
        const c = all.find((r) => r.sha === d.sha)?.cells[branches.indexOf(d.branch)] ?? null;
        const st = c?.status ?? 'unreviewed';
        return { sha: d.sha, branch: d.branch, status: st, why: c?.why || (st === 'rejected' ? 'undo' : '') };
      });
      undoStack.current.push(before);
    }
    setBusy(true);
    try {
      const res = await postBulk(decisions);
      applyRows(res.rows, res.version);
      setError(null);
      setNote(`${opts.undo ? 'undone' : decisions[0]!.status}: ${decisions.length} decision${decisions.length > 1 ? 's' : ''}`);
      if (opts.advance) {
        const b = curBranch();
        const rs = rowsRef.current;
        const decided = new Set(decisions.map((d) => d.sha));
        for (let i = selRef.current + 1; i < rs.length; i++) {
          const r = rs[i]!;
          if (decided.has(r.sha)) continue;
          if ((cellOf(r, b)?.status ?? 'x') === 'unreviewed') {
            moveTo(i);
            break;
          }
        }
      }
    } catch (e) {
      if (!opts.undo) undoStack.current.pop();
      setError(errorText(e));
    } finally {
      setBusy(false);
    }
  };

  /** The commits a decision is about: the selection when there is one, else the cursor's row. */
  const targetRows = (): MatrixRow[] => {
    const rs = rowsRef.current;
    if (picked.size) return rs.filter((r) => picked.has(r.sha));
    const r = rs[selRef.current];
    return r ? [r] : [];
  };

  /** Accepts, first asking once when a queue member of an accepted commit is undecided or rejected. */
  const accept = (asked: Decision[]): void => {
    if (!asked.length) return;
    const all = view?.rows ?? [];
    const key = (d: Decision): string => `${d.branch}\0${d.sha}`;
    const have = new Set(asked.map(key));
    const missing: Guard['missing'] = [];
    for (const d of asked) {
      const r = all.find((x) => x.sha === d.sha);
      for (const m of r?.queue?.members ?? []) {
        const k = key({ sha: m, branch: d.branch });
        if (have.has(k)) continue;
        const mr = all.find((x) => x.sha === m);
        const c = mr ? cellOf(mr, d.branch) : null;
        if (!mr || !c || c.apply === 'already' || c.verdict === 'IN-BRANCH' || c.status === 'accepted' || c.status === 'deferred') continue;
        have.add(k);
        missing.push({ sha: m, branch: d.branch, subject: mr.subject, status: c.status });
      }
    }
    if (missing.length) setGuard({ status: 'accepted', asked, missing });
    else
      void send(
        asked.map((d) => ({ ...d, status: 'accepted', why: '' })),
        { advance: true },
      );
  };

  const acceptCell = (): void => {
    const b = curBranch();
    accept(
      targetRows()
        .filter((r) => cellOf(r, b))
        .map((r) => ({ sha: r.sha, branch: b })),
    );
    setPicked(new Set());
  };
  /** Every shown branch where the verdict is YES and the commit applies (cleanly or with offset). */
  const acceptRow = (): void => {
    const out: Decision[] = [];
    for (const r of targetRows()) {
      for (const bi of shown) {
        const c = r.cells[bi];
        if (c && c.verdict === 'YES' && (c.apply === 'clean' || c.apply === 'offset') && c.status !== 'accepted')
          out.push({ sha: r.sha, branch: branches[bi]! });
      }
    }
    if (!out.length) setNote('no branch where it is YES and applies');
    accept(out);
    setPicked(new Set());
  };
  const ask = (status: WritableStatus): void => {
    const b = curBranch();
    const ts = targetRows().filter((r) => cellOf(r, b));
    if (!ts.length) return;
    setPending({
      sha: ts[0]!.sha,
      branch: b,
      status,
      subject: ts.length > 1 ? `${ts.length} commits` : ts[0]!.subject,
      why: '',
      targets: ts.map((r) => ({ sha: r.sha, branch: b })),
    });
  };
  const undo = (): void => {
    const last = undoStack.current.pop();
    if (last) void send(last, { advance: false, undo: true });
    else setNote('nothing to undo');
  };
  const toggle = (sha: string): void =>
    setPicked((p) => {
      const n = new Set(p);
      if (n.has(sha)) n.delete(sha);
      else n.add(sha);
      return n;
    });

  useKeys(
    {
      j: () => moveTo(selRef.current + 1),
      ArrowDown: () => moveTo(selRef.current + 1),
      k: () => moveTo(selRef.current - 1),
      ArrowUp: () => moveTo(selRef.current - 1),
      l: () => setCol((c) => (colRef.current = Math.min(shown.length - 1, c + 1))),
      ArrowRight: () => setCol((c) => (colRef.current = Math.min(shown.length - 1, c + 1))),
      h: () => setCol((c) => (colRef.current = Math.max(0, c - 1))),
      ArrowLeft: () => setCol((c) => (colRef.current = Math.max(0, c - 1))),
      Enter: () => {
        const r = rowsRef.current[selRef.current];
        if (r) go(commitHref(r.sha, curBranch()));
      },
      a: acceptCell,
      A: acceptRow,
      r: () => ask('rejected'),
      d: () => ask('deferred'),
      x: () => {
        const r = rowsRef.current[selRef.current];
        if (r) {
          toggle(r.sha);
          anchor.current = selRef.current;
        }
      },
      u: undo,
      Escape: () => setPicked(new Set()),
      '/': () => searchRef.current?.focus(),
    },
    pending === null && guard === null,
  );

  const clickRow = (i: number, e: MouseEvent): void => {
    const r = rows[i];
    if (!r) return;
    if (e.shiftKey) {
      const from = anchor.current ?? selRef.current;
      const [lo, hi] = from < i ? [from, i] : [i, from];
      setPicked((p) => {
        const n = new Set(p);
        for (let k = lo; k <= hi; k++) n.add(rows[k]!.sha);
        return n;
      });
    } else anchor.current = i;
    selRef.current = i;
    setSel(i);
  };

  const sort = (params.get('sort') as SortName | null) ?? 'p';
  const dir = params.get('dir') ?? (sort === 'p' ? 'desc' : 'asc');
  const first = Math.max(0, Math.floor(scrollTop / ROW_HEIGHT) - OVERSCAN);
  const last = Math.min(rows.length, Math.ceil((scrollTop + viewH) / ROW_HEIGHT) + OVERSCAN);
  const visible = rows.slice(first, last);
  const gridCols = `1.6em 7.2em minmax(14em, 1fr) 6.5em 9em 6.2em 8em ${shown.map(() => '12.5em').join(' ')}`;
  const head = (key: SortName, label: string, cls: string) => (
    <button
      class={`${cls} sort${sort === key ? ' sorted' : ''}`}
      data-sort={key}
      onClick={() => setParam({ sort: key, dir: sort === key && dir === 'asc' ? 'desc' : sort === key ? 'asc' : key === 'p' ? 'desc' : 'asc' })}
    >
      {label}
      {sort === key ? (dir === 'asc' ? ' ▲' : ' ▼') : ''}
    </button>
  );
  const current = rows[sel];
  const curCell = current ? (current.cells[shown[Math.min(col, shown.length - 1)] ?? 0] ?? null) : null;
  const subsystems = useMemo(() => {
    const m = new Map<string, number>();
    for (const r of view?.rows ?? []) m.set(r.subsystem, (m.get(r.subsystem) ?? 0) + 1);
    return [...m].sort((a, b) => b[1] - a[1]);
  }, [view]);

  return (
    <div class="page list-page" id="list-page">
      <div class="filters">
        <label>
          branches{' '}
          <select id="f-branch" value={branch ?? ''} onChange={(e) => go(listHref((e.target as HTMLSelectElement).value || null, params))}>
            <option value="">all ({branches.length})</option>
            {branches.map((b) => (
              <option key={b} value={b}>
                {b}
              </option>
            ))}
          </select>
        </label>
        <label>
          verdict{' '}
          <select id="f-verdict" value={params.get('verdict') ?? ''} onChange={(e) => setParam({ verdict: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            <option value="YES,NEEDS-REVIEW">YES + NEEDS-REVIEW</option>
            {ROW_VERDICTS.map((v) => (
              <option key={v} value={v}>
                {v}
              </option>
            ))}
          </select>
        </label>
        <label>
          decision{' '}
          <select id="f-status" value={params.get('status') ?? ''} onChange={(e) => setParam({ status: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {REVIEW_STATES.map((s) => (
              <option key={s} value={s}>
                {s === 'unreviewed' ? 'undecided' : s}
              </option>
            ))}
          </select>
        </label>
        <label>
          applies{' '}
          <select id="f-apply" value={params.get('apply') ?? ''} onChange={(e) => setParam({ apply: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            <option value="clean,offset">applies</option>
            {APPLIES.map((a) => (
              <option key={a} value={a}>
                {APPLY_TEXT[a]}
              </option>
            ))}
          </select>
        </label>
        <label>
          mark{' '}
          <select id="f-mark" value={params.get('mark') ?? ''} onChange={(e) => setParam({ mark: (e.target as HTMLSelectElement).value })}>
            <option value="">any</option>
            {MARKS.map((m) => (
              <option key={m} value={m}>
                {MARK_TITLE[m]}
              </option>
            ))}
          </select>
        </label>
        <label>
          P ≥{' '}
          <input
            id="f-minp"
            type="number"
            min="0"
            max="1"
            step="0.05"
            value={params.get('minP') ?? ''}
            placeholder="0"
            onChange={(e) => setParam({ minP: (e.target as HTMLInputElement).value })}
          />
        </label>
        <label>
          subsystem{' '}
          <select id="f-subsystem" value={params.get('subsystem') ?? ''} onChange={(e) => setParam({ subsystem: (e.target as HTMLSelectElement).value })}>
            <option value="">all</option>
            {subsystems.map(([s, n]) => (
              <option key={s} value={s}>
                {s || '(none)'} ({n})
              </option>
            ))}
          </select>
        </label>
        <label>
          author{' '}
          <input id="f-author" type="text" value={params.get('author') ?? ''} onChange={(e) => setParam({ author: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          from <input id="f-since" type="date" value={params.get('since') ?? ''} onChange={(e) => setParam({ since: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          to <input id="f-until" type="date" value={params.get('until') ?? ''} onChange={(e) => setParam({ until: (e.target as HTMLInputElement).value })} />
        </label>
        <label>
          <input
            id="f-queue"
            type="checkbox"
            checked={params.get('queue') === '1'}
            onChange={(e) => setParam({ queue: (e.target as HTMLInputElement).checked ? '1' : null })}
          />{' '}
          in a queue
        </label>
        <label>
          search{' '}
          <input
            id="f-q"
            ref={searchRef}
            type="search"
            value={q}
            placeholder="subject, sha, author  (/)"
            onInput={(e) => setQ((e.target as HTMLInputElement).value)}
          />
        </label>
        <span class="muted" id="list-count">
          {view ? `${rows.length} of ${view.rows.length}` : 'loading…'}
          {view?.applyPending ? ` · trial picks: ${view.applyPending} to go` : ''}
          {picked.size ? ` · ${picked.size} selected` : ''}
        </span>
      </div>
      <ErrorLine error={error} />
      <div class="grid-head grid-row" role="row" style={{ gridTemplateColumns: gridCols }}>
        <span />
        {head('order', 'commit', 'c-sha')}
        {head('subject', 'subject', 'c-subject')}
        <span class="c-marks">marks</span>
        {head('author', 'author', 'c-author')}
        {head('time', 'date', 'c-date')}
        {head('subsystem', 'subsystem', 'c-sub')}
        {shown.map((bi, k) => (
          <span key={bi} class={`c-cell head-cell${k === col ? ' cur' : ''}`}>
            <a href={listHref(branches[bi]!)}>{branches[bi]}</a> {k === 0 ? head('p', 'P', 'c-p') : null}
          </span>
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
                  class={`grid-row${i === sel ? ' selected' : ''}${picked.has(r.sha) ? ' picked' : ''}`}
                  style={{ gridTemplateColumns: gridCols }}
                  data-sha={r.sha}
                  role="row"
                  onClick={(e) => clickRow(i, e as MouseEvent)}
                  onDblClick={() => go(commitHref(r.sha, curBranch()))}
                >
                  <span class="c-pick">
                    <input
                      type="checkbox"
                      checked={picked.has(r.sha)}
                      onClick={(e) => e.stopPropagation()}
                      onChange={() => toggle(r.sha)}
                      aria-label="select"
                    />
                  </span>
                  <span class="c-sha mono">
                    <a href={commitHref(r.sha, curBranch())}>{short(r.sha).slice(0, 10)}</a>
                  </span>
                  <span class="c-subject" title={r.subject}>
                    {r.queue ? (
                      <span
                        class="queue-mark"
                        title={`goes together with ${r.queue.members
                          .filter((m) => m !== r.sha)
                          .map((m) => m.slice(0, 12))
                          .join(', ')}: ${r.queue.edges.map((e) => e.line).join('; ')}`}
                      >
                        Q{r.queue.members.indexOf(r.sha) + 1}/{r.queue.members.length}{' '}
                      </span>
                    ) : null}
                    {r.subject}
                  </span>
                  <span class="c-marks">
                    {r.marks.map((m) => (
                      <span key={m} class={`mark m-${m}`} title={MARK_TITLE[m]}>
                        {MARK_TEXT[m]}
                      </span>
                    ))}
                  </span>
                  <span class="c-author" title={r.author}>
                    {r.author}
                  </span>
                  <span class="c-date">{fmtDate(r.time)}</span>
                  <span class="c-sub" title={r.subsystem}>
                    {r.subsystem}
                  </span>
                  {shown.map((bi, kk) => {
                    const c = r.cells[bi];
                    if (!c)
                      return (
                        <span key={bi} class="c-cell muted">
                          —
                        </span>
                      );
                    return (
                      <span
                        key={bi}
                        class={`c-cell${i === sel && kk === col ? ' cur' : ''} st-${c.status}`}
                        data-branch={branches[bi]}
                        data-status={c.status}
                        data-apply={c.apply}
                        title={`${branches[bi]}: ${c.verdict} (P ${c.probability.toFixed(2)}), ${APPLY_TEXT[c.apply]}${c.applyReason ? ` — ${c.applyReason}` : ''}; ${c.status}${c.why ? `: ${c.why}` : ''}\n${c.reason}`}
                        onClick={() => setCol(kk)}
                      >
                        <span class={`vb v-${c.verdict.toLowerCase()}`}>{VERDICT_SHORT[c.verdict]}</span>
                        <span class="p mono">{c.probability.toFixed(2)}</span>
                        <span class={`ap ap-${c.apply}`}>{APPLY_ICON[c.apply]}</span>
                        <span class={`dec s-${c.status}`}>{STATUS_SHORT[c.status]}</span>
                      </span>
                    );
                  })}
                </div>
              );
            })}
          </div>
        </div>
      </div>
      <div class="help" id="help-line">
        j/k rows · h/l branches · a accept · A accept where YES and applies · r reject · d defer · x select (shift-click a range) · u undo · Enter open · /
        search{busy ? ' · saving…' : ''}
        {note ? <span id="note"> · {note}</span> : null}
        {current && curCell ? (
          <span class="help-reason">
            {' '}
            — {short(current.sha)} {curBranch()}: {curCell.status !== 'unreviewed' && curCell.why ? `${curCell.status}: ${curCell.why} · ` : ''}
            {curCell.reason}
          </span>
        ) : null}
      </div>
      {pending ? (
        <ReasonDialog
          pending={pending}
          close={() => setPending(null)}
          onSubmit={(p, why) => {
            setPicked(new Set());
            void send(
              p.targets.map((t) => ({ ...t, status: p.status, why })),
              { advance: true },
            );
          }}
        />
      ) : null}
      {guard ? (
        <QueueGuard
          guard={guard}
          rows={view?.rows ?? []}
          onCancel={() => setGuard(null)}
          onOnly={() => {
            const g = guard;
            setGuard(null);
            void send(
              g.asked.map((d) => ({ ...d, status: 'accepted', why: '' })),
              { advance: true },
            );
          }}
          onAll={() => {
            const g = guard;
            setGuard(null);
            const order = new Map((view?.rows ?? []).map((r) => [r.sha, r.order]));
            const all = [...g.asked, ...g.missing.map((m) => ({ sha: m.sha, branch: m.branch }))].sort(
              (a, b) => (order.get(a.sha) ?? 0) - (order.get(b.sha) ?? 0),
            );
            void send(
              all.map((d) => ({ ...d, status: 'accepted', why: '' })),
              { advance: true },
            );
          }}
        />
      ) : null}
    </div>
  );
}

/** Asks once before accepting commits whose queue has undecided or rejected members. */
export function QueueGuard({
  guard,
  rows,
  onAll,
  onOnly,
  onCancel,
}: {
  guard: Guard;
  rows: readonly MatrixRow[];
  onAll: () => void;
  onOnly: () => void;
  onCancel: () => void;
}) {
  const ref = useRef<HTMLButtonElement>(null);
  useLayoutEffect(() => ref.current?.focus(), []);
  const subject = (sha: string): string => rows.find((r) => r.sha === sha)?.subject ?? '';
  const edges = new Map<string, string>();
  for (const d of guard.asked) for (const e of rows.find((r) => r.sha === d.sha)?.queue?.edges ?? []) edges.set(`${e.from}>${e.to}`, e.line);
  return (
    <div class="modal" role="dialog" aria-label="queue" id="queue-guard" onKeyDown={(e) => e.key === 'Escape' && onCancel()}>
      <div class="modal-box">
        <div class="modal-title">These commits go together</div>
        <div class="muted">
          Accepting {guard.asked.map((d) => `${short(d.sha)} (${subject(d.sha)}) for ${d.branch}`).join(', ')}; its queue has members not accepted:
        </div>
        <ul>
          {guard.missing.map((m) => (
            <li key={`${m.branch}${m.sha}`} data-sha={m.sha}>
              <span class="mono">{short(m.sha)}</span> {m.subject} — {m.branch}: <b>{m.status === 'unreviewed' ? 'undecided' : m.status}</b>
            </li>
          ))}
        </ul>
        <div class="muted small">{[...edges.values()].join(' · ')}</div>
        <div class="modal-actions">
          <button ref={ref} id="guard-all" class="btn btn-yes" onClick={onAll}>
            Accept the queue in order ({guard.asked.length + guard.missing.length})
          </button>
          <button id="guard-only" class="btn" onClick={onOnly}>
            Only {guard.asked.length > 1 ? 'these' : 'this one'}
          </button>
          <button class="btn" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
    </div>
  );
}
