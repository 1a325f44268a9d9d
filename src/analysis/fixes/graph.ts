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
import { fixesTrailers, revertMarkers } from '../../history/tables/links.js';

export interface FixGraph {
  /** Edges naming `sha` (its fixes, reverts, re-applications), oldest source first. */
  namedBy(sha: string): readonly FixEdge[];
  /** Edges from `sha` (what it fixes / reverts / reapplies). */
  names(sha: string): readonly FixEdge[];
  edges: readonly FixEdge[];
  /** Fixes-trailer references no commit could be found for (id and subject both fail). */
  unresolved: number;
}

const cache = new WeakMap<DB, FixGraph>();

/** Whether `anc` is an ancestor of `desc`, walking back no further than `anc`'s commit time minus 30 days (commit times are not monotonic: rebases and clock skew put a parent after its child by days). */
function isAncestorBounded(graph: CommitGraph, anc: string, desc: string): boolean {
  const a = graph.get(anc);
  if (!a) return false;
  const floor = a.time - 86400 * 30;
  const seen = new Set<string>();
  const stack = [desc];
  while (stack.length) {
    const s = stack.pop()!;
    if (s === anc) return true;
    if (seen.has(s)) continue;
    seen.add(s);
    const n = graph.get(s);
    if (!n || n.time < floor) continue;
    for (const p of n.parents) stack.push(p);
  }
  return false;
}

export function loadFixGraph(db: DB): FixGraph {
  const hit = cache.get(db);
  if (hit) return hit;
  const graph = commitGraph(db);
  const resolver = new PrefixResolver(db);
  // A stable copy → the mainline commit it carries.
  const upstreamOf = new Map<string, string>();
  for (const r of branchCopies(db)) {
    if (!upstreamOf.has(r[0])) upstreamOf.set(r[0], r[1]);
  }
  const edges: FixEdge[] = [];
  let unresolved = 0;

  const ancestorsOnly = (from: string, shas: readonly string[]): string[] => shas.filter((s) => s !== from && isAncestorBounded(graph, s, from));
  const bySubjectAncestor = (from: string, subject: string | null): string | null => {
    if (!subject) return null;
    let cands = shasWithSubject(db, subject);
    if (!cands.length) {
      // The quoted subject may be cut short or differ in case/spacing: compare normalised forms of the prefix's hits only.
      return null;
    }
    cands = ancestorsOnly(from, cands);
    if (cands.length > 1) cands = cands.filter((c) => !upstreamOf.has(c));
    return cands.length === 1 ? cands[0]! : null;
  };
  const add = (kind: EdgeKind, from: string, to: string, line: string, lineNo: number | null, prefix: string, subject: string | null, resolution: Resolution): void => {
    let target = to;
    let res = resolution;
    const up = upstreamOf.get(to);
    if (up && up !== from) {
      target = up;
      res = 'stable-copy';
    }
    if (target === from) return;
    edges.push({ kind, from, to: target, evidence: { line, lineNo, prefix, subject, resolution: res } });
  };

  const rows = fixesTrailers(db);
  for (const r of rows) {
    const line = `${r.key}: ${r.value}`;
    if (r.status === 'resolved' && r.ref_sha) {
      add('fixes', r.sha, r.ref_sha, line, r.line, r.prefix!, r.subject, 'index');
      continue;
    }
    if (r.status === 'ambiguous') {
      const anc = ancestorsOnly(r.sha, resolver.candidates(r.prefix!).map((c) => c.sha));
      if (anc.length === 1) {
        add('fixes', r.sha, anc[0]!, line, r.line, r.prefix!, r.subject, 'ancestry');
        continue;
      }
    }
    const s = bySubjectAncestor(r.sha, r.subject);
    if (s) add('fixes', r.sha, s, line, r.line, r.prefix!, r.subject, 'subject');
    else unresolved++;
  }

  // Reverts: the index's `reverts` markers, and `Revert "subject"` commits whose id did not resolve.
  const markerRows = revertMarkers(db);
  const revertSubject = (s: string): string | null => /^Revert "(.*)"$/.exec(s)?.[1] ?? null;
  const withMarker = new Set<string>();
  for (const m of markerRows) {
    withMarker.add(m.sha);
    const line = `This reverts commit ${m.prefix}.`;
    if (m.target && m.status === 'resolved') {
      add('reverts', m.sha, m.target, line, m.line, m.prefix, revertSubject(m.subject), 'index');
      continue;
    }
    const cands = ancestorsOnly(m.sha, resolver.candidates(m.prefix).map((c) => c.sha));
    if (cands.length === 1) {
      add('reverts', m.sha, cands[0]!, line, m.line, m.prefix, revertSubject(m.subject), 'ancestry');
      continue;
    }
    const s = bySubjectAncestor(m.sha, revertSubject(m.subject));
    if (s) add('reverts', m.sha, s, line, m.line, m.prefix, revertSubject(m.subject), 'subject');
  }
  const subjRows = revertLikeSubjects(db);
  for (const r of subjRows) {
    const reapply = /^Reapply "(.*)"$/.exec(r.subject)?.[1];
    if (reapply) {
      const s = bySubjectAncestor(r.sha, reapply);
      if (s) add('reapplies', r.sha, s, r.subject, 1, '', reapply, 'subject');
      continue;
    }
    if (withMarker.has(r.sha)) continue;
    const quoted = revertSubject(r.subject);
    const s = bySubjectAncestor(r.sha, quoted);
    if (s) add('reverts', r.sha, s, r.subject, 1, '', quoted, 'subject');
  }

  // Re-applied by a later commit with the same subject as the reverted one.
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
  for (const e of edges) {
    if (e.kind !== 'reverts') continue;
    const subj = commitSubject(db, e.to);
    if (!subj) continue;
    const revertTime = graph.get(e.from)?.time ?? 0;
    for (const s of shasWithSubject(db, subj)) {
      if (s === e.to || upstreamOf.has(s)) continue;
      const t = graph.get(s)?.time ?? 0;
      if (t <= revertTime || !isAncestorBounded(graph, e.from, s)) continue;
      if ((namedBy.get(e.to) ?? []).some((x) => x.from === s)) continue;
      const r: FixEdge = { kind: 'reapplies', from: s, to: e.to, evidence: { line: subj, lineNo: 1, prefix: '', subject: subj, resolution: 'same-subject' } };
      extra.push(r);
    }
  }
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
