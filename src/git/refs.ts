/** Listing refs with `git for-each-ref`: names, what they point to (tags peeled to commits), dates. */
import { StablepickError } from '../errors.js';
import { runGit, type GitTarget } from './run.js';

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
  if (!rev || rev.startsWith('-')) throw new StablepickError('BAD_ARGUMENT', `not a revision: ${JSON.stringify(rev)}`, 'give a commit id, branch or tag');
  const r = await runGit(target, ['rev-parse', '--verify', '--quiet', '--end-of-options', `${rev}^{commit}`], { okCodes: [1, 128] });
  const sha = r.stdout.toString('utf8').trim();
  if (r.code !== 0 || !/^[0-9a-f]{40,64}$/.test(sha)) {
    throw new StablepickError('UNKNOWN_REVISION', `unknown revision '${rev}'`, 'give a commit, branch or tag that `git rev-parse` knows');
  }
  return sha;
}

/** The ref HEAD points to (e.g. refs/heads/main), or null for a detached HEAD. */
export async function headRef(target: GitTarget): Promise<string | null> {
  const r = await runGit(target, ['symbolic-ref', '-q', 'HEAD'], { okCodes: [1, 128] });
  const s = r.stdout.toString('utf8').trim();
  return r.code === 0 && s ? s : null;
}
