/**
 * Affected branches: from the candidate's `Fixes:` (or what it reverts; without either, the blame of the
 * lines it removes), where the bug came in and which stable branches hold that code; per branch the pair
 * vulnerable-since : fixed-by.
 */
import { blameRanges } from '../../git/blame-range.js';
import { commitDiff } from '../../git/diff.js';
import { branchState } from '../fixes/branch-state.js';
import { fixLinks } from '../fixes/graph.js';
import type { AnalysisContext, AsOfOptions } from '../fixes/types.js';
import { toRanges } from '../deps/prerequisites.js';
import type { AffectedResult, BranchImpact, Introducer, SkippedByBlame } from './types.js';
import { commitRecord } from '../../history/tables/commits.js';
import { branchNamed, stableBranchNames } from '../../history/tables/branches.js';

export interface AffectedOptions extends AsOfOptions {
  /** Only these branches (default every stable and staging branch). */
  branches?: readonly string[];
}

function compareVersions(a: string, b: string): number {
  const pa = a.split(/[.-]/);
  const pb = b.split(/[.-]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = Number(pa[i] ?? 0);
    const y = Number(pb[i] ?? 0);
    if (Number.isNaN(x) || Number.isNaN(y)) return (pa[i] ?? '').localeCompare(pb[i] ?? '');
    if (x !== y) return x - y;
  }
  return 0;
}

export async function affectedBranches(ctx: AnalysisContext, sha: string, opts: AffectedOptions = {}): Promise<AffectedResult> {
  const fg = fixLinks(ctx.db);
  const meta = (s: string): { subject: string; first_release: string | null; commit_time: number } =>
    commitRecord(ctx.db, s) ?? { subject: '', first_release: null, commit_time: 0 };
  const introducers: Introducer[] = [];
  for (const e of fg.names(sha)) {
    if (e.kind === 'reapplies') continue;
    if (introducers.some((i) => i.sha === e.to)) continue;
    const m = meta(e.to);
    introducers.push({ sha: e.to, subject: m.subject, firstRelease: m.first_release, how: e.kind === 'fixes' ? 'fixes' : 'reverts', edge: e });
  }
  let evidence: AffectedResult['evidence'] = introducers.length ? 'fixes' : 'none';
  const blameSkipped: SkippedByBlame[] = [];
  if (!introducers.length) {
    const diff = await commitDiff(ctx.repo, sha);
    if (diff.parent) {
      const lines = new Map<string, string[]>();
      for (const f of diff.files) {
        if (!f.oldPath || f.binary || f.status === 'added') continue;
        const removed: number[] = [];
        for (const h of f.hunks) for (let l = h.oldStart; l < h.oldStart + h.oldCount; l++) removed.push(l);
        if (!removed.length) continue;
        for (const b of await blameRanges(ctx.repo, diff.parent, f.oldPath, toRanges(removed))) {
          const l = lines.get(b.commit);
          const where = `${f.oldPath}:${b.line}`;
          if (l) l.push(where);
          else lines.set(b.commit, [where]);
          for (const s of b.skipped ?? []) {
            const k = blameSkipped.find((x) => x.sha === s);
            if (k) k.lines.push(where);
            else blameSkipped.push({ sha: s, subject: meta(s).subject, lines: [where] });
          }
        }
      }
      for (const [c, where] of lines) {
        const m = meta(c);
        introducers.push({ sha: c, subject: m.subject, firstRelease: m.first_release, how: 'blame', lines: where });
      }
      if (introducers.length) evidence = 'blame';
    }
  }
  introducers.sort((a, b) => meta(a.sha).commit_time - meta(b.sha).commit_time);
  const names = opts.branches ?? stableBranchNames(ctx.db);
  const branches: BranchImpact[] = [];
  for (const name of names) {
    const st = branchState(ctx, name, opts.asOf);
    let since: BranchImpact['vulnerableSince'] = null;
    for (const i of introducers) {
      const h = st.holds(i.sha);
      if (h) {
        since = { sha: i.sha, holding: h };
        break;
      }
    }
    const fh = st.holds(sha);
    const fixedBy = fh ? { sha: fh.how === 'picked' ? fh.stableSha : sha, holding: fh } : null;
    branches.push({
      branch: name,
      version: branchNamed(ctx.db, name)?.version ?? null,
      status: since ? (fixedBy ? 'fixed' : 'affected') : 'clean',
      vulnerableSince: since,
      fixedBy,
    });
  }
  branches.sort((a, b) => compareVersions(a.version ?? a.branch, b.version ?? b.branch));
  const hit = branches.filter((b) => b.status !== 'clean');
  let summary: string;
  if (!introducers.length) summary = 'no Fixes: trailer and no removed lines to blame: affected branches unknown';
  else if (!hit.length) summary = `no stable branch holds the code the fix changes (${introducers.map((i) => i.sha.slice(0, 12)).join(', ')})`;
  else {
    const first = introducers.find((i) => hit.some((b) => b.vulnerableSince?.sha === i.sha)) ?? introducers[0]!;
    const since = first.firstRelease ? ` (first in ${first.firstRelease})` : ' (in no release yet)';
    const all = hit.length === branches.length ? 'all stable branches' : 'the stable branches';
    const versions = [...new Set(hit.map((b) => b.version ?? b.branch))];
    summary = `${all} that hold ${first.sha.slice(0, 12)} ("${first.subject}")${since}: ${versions.join(', ')}`;
  }
  return { sha, subject: meta(sha).subject, introducers, evidence, blameSkipped, branches, summary };
}
