/**
 * `git blame --porcelain` on line ranges of one file at one revision, optionally stopping at commits
 * reachable from `exclude` (their lines come back as `boundary`): which commit last touched each line.
 */
import { runGit, type GitTarget } from './run.js';

export interface BlamedLine {
  /** Line number in the blamed revision's file (1-based). */
  line: number;
  commit: string;
  /** Line number in `commit`'s version of the file. */
  origLine: number;
  origPath: string;
  /** The commit is a boundary: reachable from `exclude` (or the root), i.e. not the real author of a change. */
  boundary: boolean;
  summary: string;
}

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

export async function blameRanges(
  target: GitTarget,
  rev: string,
  path: string,
  ranges: readonly LineRange[],
  exclude: readonly string[] = [],
): Promise<BlamedLine[]> {
  const good = ranges.filter((r) => r.start >= 1 && r.end >= r.start);
  if (!good.length) return [];
  const args = ['blame', '--porcelain'];
  for (const r of good) args.push('-L', `${r.start},${r.end}`);
  args.push(rev, ...exclude.map((e) => `^${e}`), '--', path);
  const r = await runGit(target, args);
  return parseBlamePorcelain(r.stdout.toString('utf8'));
}

export function parseBlamePorcelain(text: string): BlamedLine[] {
  const info = new Map<string, { summary: string; boundary: boolean; filename: string }>();
  const out: BlamedLine[] = [];
  const lines = text.split('\n');
  let cur: { commit: string; orig: number; final: number } | null = null;
  let pendingFile = '';
  for (const l of lines) {
    if (l.startsWith('\t')) {
      if (cur) {
        const i = info.get(cur.commit);
        out.push({
          line: cur.final,
          commit: cur.commit,
          origLine: cur.orig,
          origPath: i?.filename || pendingFile,
          boundary: i?.boundary ?? false,
          summary: i?.summary ?? '',
        });
      }
      cur = null;
      continue;
    }
    const head = /^([0-9a-f]{40,64}) (\d+) (\d+)(?: \d+)?$/.exec(l);
    if (head) {
      cur = { commit: head[1] ?? '', orig: Number(head[2]), final: Number(head[3]) };
      if (!info.has(cur.commit)) info.set(cur.commit, { summary: '', boundary: false, filename: '' });
      continue;
    }
    if (!cur) continue;
    const i = info.get(cur.commit);
    if (!i) continue;
    if (l.startsWith('summary ')) i.summary = l.slice(8);
    else if (l === 'boundary') i.boundary = true;
    else if (l.startsWith('filename ')) {
      i.filename = l.slice(9);
      pendingFile = i.filename;
    }
  }
  return out;
}
