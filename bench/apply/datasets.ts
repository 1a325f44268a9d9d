/**
 * The real picks of a dataset window: every upstream commit the stable branch picked, the stable commit
 * that carries it (by upstream marker, else same subject and author), and the branch "just before its real
 * pick" (that commit's first parent).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { upstreamShasInMessage, refNames } from '../../src/analysis/apply/upstream-markers.js';
import { runGit, type GitTarget } from '../../src/git/run.js';

export const DATASETS_DIR = '/work/shared/datasets';
export const MIRRORS = '/work/.mirror';

export interface DatasetSpec {
  name: string;
  repo: string;
  window: string;
  stable_branch: string;
  n_backported: number;
  identical_patch: number;
}

export interface RealPick {
  /** The upstream commit. */
  upstream: string;
  /** The stable commit that picked it. */
  stable: string;
  /** The stable commit's first parent: the branch just before the pick. */
  tip: string;
  /** How the stable commit was found. */
  via: 'marker' | 'subject';
  /** Other upstream commits the same stable commit names (a squashed backport). */
  squashed: number;
}

export function loadSpec(name: string): DatasetSpec {
  const all = JSON.parse(readFileSync(path.join(DATASETS_DIR, 'datasets.json'), 'utf8')) as DatasetSpec[];
  const spec = all.find((d) => d.name === name || d.name.startsWith(`${name}-`) || d.name.startsWith(name));
  if (!spec) throw new Error(`no dataset ${name}`);
  return spec;
}

export function mirrorOf(spec: DatasetSpec): string {
  return path.join(MIRRORS, spec.repo.replace('/', '+'), 'repo');
}

export function pickedShas(spec: DatasetSpec): string[] {
  const text = readFileSync(path.join(DATASETS_DIR, 'labels', `${spec.name}.txt`), 'utf8');
  return text
    .split('\n')
    .map((l) => l.trim().split(/\s+/))
    .filter((p) => p[1] === '1' && p[0])
    .map((p) => p[0] as string);
}

interface StableCommit {
  sha: string;
  parents: string[];
  email: string;
  subject: string;
  refs: string[];
  order: number;
}

/** Finds each picked commit's stable commit; oldest pick wins when there are several. */
export async function realPicks(target: GitTarget, spec: DatasetSpec): Promise<{ picks: RealPick[]; missing: string[] }> {
  const windowStart = spec.window.split('..')[0] ?? '';
  const log = await runGit(target, ['log', '--no-merges', '--format=%H%x00%P%x00%ae%x00%s%x00%B%x1e', spec.stable_branch, `^${windowStart}`]);
  const stable: StableCommit[] = [];
  const records = log.stdout.toString('utf8').split('\x1e');
  records.forEach((rec, i) => {
    const t = rec.replace(/^\n+/, '');
    const [sha, parents, email, subject, body] = t.split('\0');
    if (!sha || !body) return;
    stable.push({
      sha,
      parents: (parents ?? '').split(' ').filter(Boolean),
      email: (email ?? '').toLowerCase(),
      subject: subject ?? '',
      refs: upstreamShasInMessage(body),
      order: records.length - i,
    });
  });
  const picked = pickedShas(spec);
  const info = await runGit(target, ['log', '--no-walk=unsorted', '--stdin', '--format=%H%x00%ae%x00%s'], { input: `${picked.join('\n')}\n` });
  const meta = new Map<string, { email: string; subject: string }>();
  for (const l of info.stdout.toString('utf8').split('\n')) {
    const [sha, email, subject] = l.split('\0');
    if (sha) meta.set(sha, { email: (email ?? '').toLowerCase(), subject: subject ?? '' });
  }
  const byPrefix = new Map<string, StableCommit[]>();
  for (const s of stable) {
    for (const r of s.refs) {
      const k = r.slice(0, 7);
      const arr = byPrefix.get(k) ?? [];
      arr.push(s);
      byPrefix.set(k, arr);
    }
  }
  const picks: RealPick[] = [];
  const missing: string[] = [];
  for (const c of picked) {
    let via: RealPick['via'] = 'marker';
    let cands = (byPrefix.get(c.slice(0, 7)) ?? []).filter((s) => s.refs.some((r) => refNames(r, c)));
    if (!cands.length) {
      const m = meta.get(c);
      via = 'subject';
      cands = m ? stable.filter((s) => s.subject === m.subject && s.email === m.email) : [];
    }
    if (!cands.length) {
      missing.push(c);
      continue;
    }
    const s = cands.reduce((a, b) => (a.order < b.order ? a : b));
    const tip = s.parents[0];
    if (!tip) {
      missing.push(c);
      continue;
    }
    picks.push({ upstream: c, stable: s.sha, tip, via, squashed: Math.max(0, s.refs.length - 1) });
  }
  // Replay in the order the branch took them.
  const order = new Map(stable.map((s) => [s.sha, s.order]));
  picks.sort((a, b) => (order.get(a.stable) ?? 0) - (order.get(b.stable) ?? 0));
  return { picks, missing };
}
