/** Listing refs with `git for-each-ref`: names, what they point to (tags peeled to commits), dates. */
import { StablepickError } from '../errors.js';
import { runGit, type GitTarget } from './run.js';
import { memoized } from './memo.js';

export interface RefInfo {
  /** Full name, e.g. refs/heads/main, refs/tags/v6.17, refs/remotes/origin/linux-6.17.y. */
  name: string;
  /** The commit it points to (annotated tags peeled); null when it does not point to a commit. */
  commit: string | null;
  /** The object the ref itself names (the tag object for an annotated tag). */
  object: string;
  objectType: string;
  /** Tagger or committer date, Unix seconds. */
  date: number;
  /** Target of a symbolic ref (e.g. refs/remotes/origin/HEAD → refs/remotes/origin/main), else ''. */
  symref: string;
}

const FMT = '%(refname)%00%(objectname)%00%(objecttype)%00%(*objectname)%00%(*objecttype)%00%(creatordate:unix)%00%(symref)';

export async function listRefs(target: GitTarget, patterns: readonly string[] = []): Promise<RefInfo[]> {
  const r = await runGit(target, ['for-each-ref', `--format=${FMT}`, ...patterns]);
  const out: RefInfo[] = [];
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (!line) continue;
    const [name = '', object = '', objectType = '', peeled = '', peeledType = '', date = '0', symref = ''] = line.split('\0');
    let commit: string | null = null;
    if (objectType === 'commit') commit = object;
    else if (objectType === 'tag' && peeledType === 'commit') commit = peeled;
    else if (objectType === 'tag' && peeledType === 'tag') commit = null; // tag of a tag: resolved below
    out.push({ name, commit, object, objectType, date: Number(date) || 0, symref });
  }
  // Nested tags (rare): peel with rev-parse.
  const nested = out.filter((r) => r.commit === null && r.objectType === 'tag');
  if (nested.length) {
    const res = await runGit(target, ['rev-parse', ...nested.map((r) => `${r.object}^{commit}`)], { okCodes: [128] });
    const shas = res.stdout.toString('utf8').split('\n');
    nested.forEach((r, i) => {
      const s = shas[i];
      if (s && /^[0-9a-f]{40,64}$/.test(s)) r.commit = s;
    });
  }
  return out;
}

/** The full id of the commit `rev` names (branch, tag, id, any revision expression); a typed error if none. */
export async function resolveCommit(target: GitTarget, rev: string): Promise<string> {
  if (!rev || rev.startsWith('-') || /[\0\n]/.test(rev))
    throw new StablepickError('BAD_REVISION', { rev, expected: 'revision', fix: 'give a commit id, branch or tag' });
  // A full id names the same object for ever: asked once per session when the memo is on.
  return memoized(target, [rev], 'resolveCommit', () => resolveNow(target, rev));
}

async function resolveNow(target: GitTarget, rev: string): Promise<string> {
  const r = await runGit(target, ['rev-parse', '--verify', '--end-of-options', `${rev}^{commit}`], { okCodes: [1, 128] });
  const sha = r.stdout.toString('utf8').trim();
  if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    const remote = await remoteBranchOf(target, rev);
    if (remote) return remote;
    if (/ambiguous/i.test(r.stderr)) throw new StablepickError('AMBIGUOUS', { rev, among: 'objects' });
    if (/no upstream|upstream branch/i.test(r.stderr)) throw new StablepickError('UNKNOWN_REVISION', { rev, why: 'no-upstream' });
    throw new StablepickError('UNKNOWN_REVISION', { rev, why: 'unknown' });
  }
  return sha;
}

/**
 * The tip of `name` as a remote-tracking branch (`refs/remotes/<remote>/<name>`), when `name` is a plain
 * branch name that git does not resolve and every remote that has it agrees: the index names a branch
 * `release/2.6` whether it is local or only `origin/release/2.6` (a fresh clone), and so may the user.
 */
async function remoteBranchOf(target: GitTarget, name: string): Promise<string | null> {
  if (!/^[A-Za-z0-9._/+-]+$/.test(name) || name.includes('..') || name.startsWith('/')) return null;
  const r = await runGit(target, ['for-each-ref', '--format=%(objectname)^{commit}', `refs/remotes/*/${name}`], { okCodes: [0] });
  const tips = [...new Set(r.stdout.toString('utf8').split('\n').filter(Boolean))];
  if (tips.length !== 1) return null;
  const c = await runGit(target, ['rev-parse', '--verify', '--end-of-options', tips[0]!], { okCodes: [1, 128] });
  const sha = c.stdout.toString('utf8').trim();
  return c.code === 0 && /^[0-9a-f]{40,64}$/.test(sha) ? sha : null;
}

/** A range as git reads it: `A..B`, `A..` (to HEAD) or `..B` (from HEAD), each side resolved by git. */
export interface ResolvedRange {
  from: string;
  to: string;
}

/**
 * Resolves `A..B`, `A..` and `..B` with git (any expression git accepts on each side: `HEAD~3`, `@{u}`,
 * `origin/master`, `v6.17^{}`, ids). `A...B` (the symmetric difference) is refused: a stable window has
 * one end that is already released.
 */
export async function resolveRange(target: GitTarget, spec: string): Promise<ResolvedRange> {
  if (spec.includes('...')) {
    throw new StablepickError('BAD_RANGE', { spec, why: 'symmetric' });
  }
  const at = spec.indexOf('..');
  if (at < 0) throw new StablepickError('BAD_RANGE', { spec, why: 'not-a-range' });
  const a = spec.slice(0, at) || 'HEAD';
  const b = spec.slice(at + 2) || 'HEAD';
  const [from, to] = await Promise.all([resolveCommit(target, a), resolveCommit(target, b)]);
  return { from, to };
}

/** The ref HEAD points to (e.g. refs/heads/main), or null for a detached HEAD. */
export async function headRef(target: GitTarget): Promise<string | null> {
  const r = await runGit(target, ['symbolic-ref', '-q', 'HEAD'], { okCodes: [1, 128] });
  const s = r.stdout.toString('utf8').trim();
  return r.code === 0 && s ? s : null;
}
