/**
 * The fix graph: `Fixes:`-style trailers (the project's fixes keys, as indexed), revert markers and
 * re-applications, as edges between full shas. What the index left unresolved is settled here where the
 * evidence allows: an ambiguous short id by the one candidate that is an ancestor of the fixing commit,
 * an unknown id (or a `Revert "..."` without an id) by the quoted subject naming exactly one ancestor, and
 * a reference to a stable branch's copy by the mainline commit it carries. Built once per index handle.
 */
import type { DB } from '../../history/db.js';
import type { CommitGraph } from '../../history/graph.js';
import { PrefixResolver } from '../../history/resolve.js';
import { commitGraph } from './branch-state.js';
import type { EdgeKind, FixEdge, Resolution } from './types.js';
import { commitSubject, revertLikeSubjects, shasWithSubject } from '../../history/tables/commits.js';
import { branchCopies } from '../../history/tables/branches.js';
import { fixesTrailers, fixesTrailersWhere, revertMarkers, revertMarkersWhere, type FixesTrailer, type RevertMarker } from '../../history/tables/links.js';

export interface FixGraph {
  /** Edges naming `sha` (its fixes, reverts, re-applications), oldest source first. */
  namedBy(sha: string): readonly FixEdge[];
  /** Edges from `sha` (what it fixes / reverts / reapplies). */
  names(sha: string): readonly FixEdge[];
  edges: readonly FixEdge[];
  /** Fixes-trailer references no commit could be found for (id and subject both fail). */
  unresolved: number;
}

/** The edges of a few commits: what a case needs (its fixes, its follow-ups, their reverts). */
export type FixLinks = Pick<FixGraph, 'namedBy' | 'names'>;

const cache = new WeakMap<DB, FixGraph>();
const linkCache = new WeakMap<DB, FixLinks>();
/** Per graph: the visit marks of the bounded ancestry walk (one array, a new epoch per walk). */
const walkMarks = new WeakMap<CommitGraph, { marks: Uint32Array; epoch: number }>();

/** Whether `anc` is an ancestor of `desc`, walking back no further than `anc`'s commit time minus 30 days (commit times are not monotonic: rebases and clock skew put a parent after its child by days). */
function isAncestorBounded(graph: CommitGraph, anc: string, desc: string): boolean {
  const a = graph.indexOf(anc);
  if (a < 0) return false;
  if (anc === desc) return true;
  const d = graph.indexOf(desc);
  if (d < 0) return false;
  const floor = graph.timeAt(a) - 86400 * 30;
  let w = walkMarks.get(graph);
  if (!w || w.epoch >= 0xfffffffe) walkMarks.set(graph, (w = { marks: new Uint32Array(graph.size), epoch: 0 }));
  const epoch = ++w.epoch;
  const marks = w.marks;
  const stack = [d];
  while (stack.length) {
    const i = stack.pop()!;
    if (i === a) return true;
    if (marks[i] === epoch) continue;
    marks[i] = epoch;
    if (graph.timeAt(i) < floor) continue;
    for (const p of graph.parentsAt(i)) stack.push(p);
  }
  return false;
}

/** A stable copy → the mainline commit it carries (the first the index names). */
function stableCopies(db: DB): Map<string, string> {
  const upstreamOf = new Map<string, string>();
  for (const r of branchCopies(db)) {
    if (!upstreamOf.has(r[0])) upstreamOf.set(r[0], r[1]);
  }
  return upstreamOf;
}

const revertSubject = (s: string): string | null => /^Revert "(.*)"$/.exec(s)?.[1] ?? null;

/**
 * The edges one message states, settled as the module comment says: one trailer, one revert marker, or a
 * `Revert "..."`/`Reapply "..."` subject. The whole graph applies them to every row; the links of a few
 * commits to the rows that can name them.
 */
function edgeMaker(db: DB, graph: CommitGraph, upstreamOf: ReadonlyMap<string, string>) {
  const resolver = new PrefixResolver(db);
  const ancestorsOnly = (from: string, shas: readonly string[]): string[] => shas.filter((s) => s !== from && isAncestorBounded(graph, s, from));
  const bySubjectAncestor = (from: string, subject: string | null): string | null => {
    if (!subject) return null;
    let cands = shasWithSubject(db, subject);
    if (!cands.length) return null;
    cands = ancestorsOnly(from, cands);
    if (cands.length > 1) cands = cands.filter((c) => !upstreamOf.has(c));
    return cands.length === 1 ? cands[0]! : null;
  };
  const edge = (
    kind: EdgeKind,
    from: string,
    to: string,
    line: string,
    lineNo: number | null,
    prefix: string,
    subject: string | null,
    resolution: Resolution,
  ): FixEdge | null => {
    let target = to;
    let res = resolution;
    const up = upstreamOf.get(to);
    if (up && up !== from) {
      target = up;
      res = 'stable-copy';
    }
    if (target === from) return null;
    return { kind, from, to: target, evidence: { line, lineNo, prefix, subject, resolution: res } };
  };
  return {
    /** The edge of a Fixes: trailer; undefined when no commit could be found for it. */
    trailer(r: FixesTrailer): FixEdge | null | undefined {
      const line = `${r.key}: ${r.value}`;
      if (r.status === 'resolved' && r.ref_sha) return edge('fixes', r.sha, r.ref_sha, line, r.line, r.prefix!, r.subject, 'index');
      if (r.status === 'ambiguous') {
        const anc = ancestorsOnly(
          r.sha,
          resolver.candidates(r.prefix!).map((c) => c.sha),
        );
        if (anc.length === 1) return edge('fixes', r.sha, anc[0]!, line, r.line, r.prefix!, r.subject, 'ancestry');
      }
      const s = bySubjectAncestor(r.sha, r.subject);
      return s ? edge('fixes', r.sha, s, line, r.line, r.prefix!, r.subject, 'subject') : undefined;
    },
    marker(m: RevertMarker): FixEdge | null {
      const line = `This reverts commit ${m.prefix}.`;
      if (m.target && m.status === 'resolved') return edge('reverts', m.sha, m.target, line, m.line, m.prefix, revertSubject(m.subject), 'index');
      const cands = ancestorsOnly(
        m.sha,
        resolver.candidates(m.prefix).map((c) => c.sha),
      );
      if (cands.length === 1) return edge('reverts', m.sha, cands[0]!, line, m.line, m.prefix, revertSubject(m.subject), 'ancestry');
      const s = bySubjectAncestor(m.sha, revertSubject(m.subject));
      return s ? edge('reverts', m.sha, s, line, m.line, m.prefix, revertSubject(m.subject), 'subject') : null;
    },
    /** A `Reapply "..."` subject, or a `Revert "..."` one of a commit without a revert marker. */
    subject(r: { sha: string; subject: string }, hasMarker: boolean): FixEdge | null {
      const reapply = /^Reapply "(.*)"$/.exec(r.subject)?.[1];
      if (reapply) {
        const s = bySubjectAncestor(r.sha, reapply);
        return s ? edge('reapplies', r.sha, s, r.subject, 1, '', reapply, 'subject') : null;
      }
      if (hasMarker) return null;
      const quoted = revertSubject(r.subject);
      const s = bySubjectAncestor(r.sha, quoted);
      return s ? edge('reverts', r.sha, s, r.subject, 1, '', quoted, 'subject') : null;
    },
    /**
     * Re-applied by a later commit with the same subject as the reverted one: the edges the revert edge
     * `e` implies, given the edges already naming its target.
     */
    reapplies(e: FixEdge, namingTarget: readonly FixEdge[], only?: string): FixEdge[] {
      const out: FixEdge[] = [];
      if (e.kind !== 'reverts') return out;
      const subj = commitSubject(db, e.to);
      if (!subj) return out;
      const revertTime = graph.get(e.from)?.time ?? 0;
      for (const s of shasWithSubject(db, subj)) {
        if ((only !== undefined && s !== only) || s === e.to || upstreamOf.has(s)) continue;
        const t = graph.get(s)?.time ?? 0;
        if (t <= revertTime || !isAncestorBounded(graph, e.from, s)) continue;
        if (namingTarget.some((x) => x.from === s)) continue;
        out.push({ kind: 'reapplies', from: s, to: e.to, evidence: { line: subj, lineNo: 1, prefix: '', subject: subj, resolution: 'same-subject' } });
      }
      return out;
    },
  };
}

export function loadFixGraph(db: DB): FixGraph {
  const hit = cache.get(db);
  if (hit) return hit;
  const graph = commitGraph(db);
  const upstreamOf = stableCopies(db);
  const make = edgeMaker(db, graph, upstreamOf);
  const edges: FixEdge[] = [];
  let unresolved = 0;
  const push = (e: FixEdge | null | undefined): void => {
    if (e) edges.push(e);
  };
  for (const r of fixesTrailers(db)) {
    const e = make.trailer(r);
    if (e === undefined) unresolved++;
    else push(e);
  }
  // Reverts: the index's `reverts` markers, and `Revert "..."` commits whose id did not resolve.
  const withMarker = new Set<string>();
  for (const m of revertMarkers(db)) {
    withMarker.add(m.sha);
    push(make.marker(m));
  }
  for (const r of revertLikeSubjects(db)) push(make.subject(r, withMarker.has(r.sha)));

  const namedBy = new Map<string, FixEdge[]>();
  const names = new Map<string, FixEdge[]>();
  const index = (e: FixEdge): void => {
    const a = namedBy.get(e.to);
    if (a) a.push(e);
    else namedBy.set(e.to, [e]);
    const b = names.get(e.from);
    if (b) b.push(e);
    else names.set(e.from, [e]);
  };
  for (const e of edges) index(e);
  const extra: FixEdge[] = [];
  for (const e of edges) extra.push(...make.reapplies(e, namedBy.get(e.to) ?? []));
  for (const e of extra) {
    edges.push(e);
    index(e);
  }
  const byTime = (a: FixEdge, b: FixEdge): number => (graph.get(a.from)?.time ?? 0) - (graph.get(b.from)?.time ?? 0);
  for (const l of namedBy.values()) l.sort(byTime);
  const fg: FixGraph = {
    namedBy: (sha) => namedBy.get(sha) ?? [],
    names: (sha) => names.get(sha) ?? [],
    edges,
    unresolved,
  };
  cache.set(db, fg);
  return fg;
}

/**
 * The same edges as loadFixGraph, read only for the commits asked about: the rows that name a commit (by
 * the index's resolved ids, by a prefix or subject of an unresolved one, by a `Revert "..."` subject)
 * and the rows a commit carries, through the index by sha — not the whole history's (a million commits
 * and 240k Fixes: at kernel scale). Answers equal loadFixGraph's (test/analysis/fix-links.test.ts); the
 * whole graph is used when it is already loaded.
 */
export function fixLinks(db: DB): FixLinks {
  const full = cache.get(db);
  if (full) return full;
  const hit = linkCache.get(db);
  if (hit) return hit;
  const graph = commitGraph(db);
  const upstreamOf = stableCopies(db);
  const copiesOf = new Map<string, string[]>();
  for (const [copy, up] of upstreamOf) {
    const l = copiesOf.get(up);
    if (l) l.push(copy);
    else copiesOf.set(up, [copy]);
  }
  const make = edgeMaker(db, graph, upstreamOf);
  let pending: { trailers: FixesTrailer[]; markers: RevertMarker[] } | null = null;
  const unresolvedRows = (): { trailers: FixesTrailer[]; markers: RevertMarker[] } =>
    (pending ??= { trailers: fixesTrailersWhere(db, 'unresolved'), markers: revertMarkersWhere(db, 'unresolved') });
  const hasMarker = (sha: string): boolean => revertMarkersWhere(db, { of: sha }).length > 0;
  const baseNames = new Map<string, FixEdge[]>();
  const baseNamedBy = new Map<string, FixEdge[]>();
  const namesMemo = new Map<string, FixEdge[]>();
  const namedByMemo = new Map<string, FixEdge[]>();
  const keep = (out: FixEdge[], e: FixEdge | null | undefined, test: (e: FixEdge) => boolean): void => {
    if (e && test(e)) out.push(e);
  };

  /** Edges from `sha` but the same-subject re-applications, in loadFixGraph's order. */
  const namesBase = (sha: string): FixEdge[] => {
    let out = baseNames.get(sha);
    if (out) return out;
    out = [];
    const all = (): boolean => true;
    for (const r of fixesTrailersWhere(db, { of: sha })) keep(out, make.trailer(r), all);
    const markers = revertMarkersWhere(db, { of: sha });
    for (const m of markers) keep(out, make.marker(m), all);
    const subject = commitSubject(db, sha);
    if (subject && /^(?:Revert|Reapply) "/i.test(subject)) keep(out, make.subject({ sha, subject }, markers.length > 0), all);
    baseNames.set(sha, out);
    return out;
  };
  /** Edges naming `sha` but the same-subject re-applications. */
  const namedByBase = (sha: string): FixEdge[] => {
    let out = baseNamedBy.get(sha);
    if (out) return out;
    out = [];
    const to = (e: FixEdge): boolean => e.to === sha;
    // The rows that can name it: itself or a stable copy of it, by resolved id, by prefix or subject.
    const raw = [sha, ...(copiesOf.get(sha) ?? [])];
    const subjects = new Set(raw.map((r) => commitSubject(db, r)).filter((s): s is string => !!s));
    for (const r of fixesTrailersWhere(db, { naming: raw })) keep(out, make.trailer(r), to);
    const { trailers, markers } = unresolvedRows();
    const mayName = (prefix: string | null, subject: string | null): boolean =>
      (prefix !== null && raw.some((r) => r.startsWith(prefix))) || (subject !== null && subjects.has(subject));
    for (const r of trailers) if (mayName(r.prefix, r.subject)) keep(out, make.trailer(r), to);
    for (const m of revertMarkersWhere(db, { naming: raw })) keep(out, make.marker(m), to);
    for (const m of markers) if (mayName(m.prefix, revertSubject(m.subject))) keep(out, make.marker(m), to);
    const bySubject: string[] = [];
    for (const s of subjects) bySubject.push(...shasWithSubject(db, `Revert "${s}"`), ...shasWithSubject(db, `Reapply "${s}"`));
    for (const c of [...new Set(bySubject)].sort((a, b) => graph.indexOf(a) - graph.indexOf(b))) {
      const subject = commitSubject(db, c);
      if (subject) keep(out, make.subject({ sha: c, subject }, hasMarker(c)), to);
    }
    baseNamedBy.set(sha, out);
    return out;
  };
  const byTime = (a: FixEdge, b: FixEdge): number => (graph.get(a.from)?.time ?? 0) - (graph.get(b.from)?.time ?? 0);
  const links: FixLinks = {
    namedBy(sha) {
      let out = namedByMemo.get(sha);
      if (out) return out;
      const base = namedByBase(sha);
      out = [...base];
      for (const e of base) out.push(...make.reapplies(e, base));
      out.sort(byTime);
      namedByMemo.set(sha, out);
      return out;
    },
    names(sha) {
      let out = namesMemo.get(sha);
      if (out) return out;
      out = [...namesBase(sha)];
      // Same-subject re-applications: `sha` has the subject of a reverted commit and comes after the revert.
      const subject = commitSubject(db, sha);
      if (subject && !upstreamOf.has(sha)) {
        for (const t of shasWithSubject(db, subject)) {
          if (t === sha) continue;
          const naming = namedByBase(t);
          for (const e of naming) out.push(...make.reapplies(e, naming, sha));
        }
      }
      namesMemo.set(sha, out);
      return out;
    },
  };
  linkCache.set(db, links);
  return links;
}
