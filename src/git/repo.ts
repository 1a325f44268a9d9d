/**
 * Finding the repository a command works on, and what kind it is (bare, shallow, partial).
 */
import { realpathSync, statSync } from 'node:fs';
import path from 'node:path';
import { StablepickError } from '../errors.js';
import { runGit, type GitTarget } from './run.js';

export interface Repository extends GitTarget {
  readonly gitDir: string;
  readonly workTree?: string | undefined;
  /** The common git directory (differs from gitDir in a linked worktree). */
  readonly commonDir: string;
  readonly bare: boolean;
  readonly shallow: boolean;
  /** A partial clone (promisor remote): some objects may be missing locally. */
  readonly partial: boolean;
}

/** Opens the repository that contains `dir` (default: the current directory). */
export async function openRepository(dir?: string): Promise<Repository> {
  const start = path.resolve(dir ?? process.cwd());
  try {
    statSync(start);
  } catch {
    throw new StablepickError('NOT_A_REPOSITORY', { path: start, why: 'missing' });
  }
  const r = await runGit(null, ['-C', start, 'rev-parse', '--absolute-git-dir', '--git-common-dir', '--is-bare-repository', '--is-shallow-repository'], {
    okCodes: [128],
  });
  if (r.code !== 0) {
    // git's safe.directory check: the repository exists but belongs to another user.
    const dubious = /dubious ownership in repository at '([^'\n]*)'/.exec(r.stderr);
    if (dubious) {
      const at = dubious[1] ?? start;
      throw new StablepickError('NOT_A_REPOSITORY', { path: at, why: 'unsafe-owner' });
    }
    throw new StablepickError('NOT_A_REPOSITORY', { path: start, why: 'outside' });
  }
  const [gitDirRaw, commonRaw, bareRaw, shallowRaw] = r.stdout.toString('utf8').split('\n');
  const gitDir = realpathSync(gitDirRaw ?? start);
  const commonDir = realpathSync(path.resolve(start, commonRaw ?? gitDir));
  const bare = bareRaw === 'true';
  let workTree: string | undefined;
  if (!bare) {
    const t = await runGit(null, ['-C', start, 'rev-parse', '--show-toplevel'], { okCodes: [128] });
    const top = t.stdout.toString('utf8').trim();
    if (t.code === 0 && top) workTree = realpathSync(top);
  }
  const cfg = await runGit({ gitDir }, ['config', '--get-regexp', '^(remote\\..*\\.promisor|extensions\\.partialclone)$'], { okCodes: [1] });
  const partial = cfg.stdout.toString('utf8').trim().length > 0;
  return { gitDir, commonDir, workTree, bare, shallow: shallowRaw === 'true', partial };
}
