/**
 * Does an mbox `git am` onto a branch: a throwaway clone (sharing the repository's objects read-only
 * through alternates, `clone --shared`) checks the branch out and runs `git am` on the mails. Nothing is
 * written to the repository itself (object times git freshens are put back); the clone is removed afterwards.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { recordObjectTimes } from './object-times.js';
import { patchIdsOfCommits } from './patch-id.js';
import { gitText, runGit, type GitTarget } from './run.js';

export interface AmCommit {
  sha: string;
  subject: string;
  patchId: string | null;
}

export interface AmCheckResult {
  branch: string;
  ok: boolean;
  /** The commits `git am` made, oldest first. */
  applied: AmCommit[];
  /** git am's complaint when it stopped. */
  error: string | null;
}

const AM_IDENTITY = { GIT_COMMITTER_NAME: 'stablepick am check', GIT_COMMITTER_EMAIL: 'am-check@stablepick.invalid' };

/** Applies `mbox` with `git am` onto `branch` of `repo` in a private clone; reports what it made. */
export async function amCheck(repo: GitTarget, branch: string, mbox: string, opts: { tmpRoot?: string } = {}): Promise<AmCheckResult> {
  const objectDir = path.resolve(repo.gitDir, await gitText(repo, ['rev-parse', '--git-path', 'objects']));
  // git am writes objects the repository may have already; git then freshens them there (object-times.ts).
  const times = recordObjectTimes(objectDir);
  const dir = mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'stablepick-am-'));
  try {
    const clone = path.join(dir, 'clone');
    await runGit(null, ['clone', '--quiet', '--shared', '--no-tags', '--branch', branch, repo.gitDir, clone]);
    const target: GitTarget = { gitDir: path.join(clone, '.git'), workTree: clone, env: AM_IDENTITY };
    const before = await gitText(target, ['rev-parse', 'HEAD']);
    const file = path.join(dir, 'series.mbox');
    writeFileSync(file, mbox);
    let error: string | null = null;
    try {
      await runGit(target, ['-c', 'commit.gpgsign=false', 'am', '--quiet', '--patch-format=mboxrd', file]);
    } catch (e) {
      error = e instanceof Error ? e.message.split('\n')[0]! : String(e);
    }
    const list = (await gitText(target, ['rev-list', '--reverse', '--format=%H%x00%s', '--no-commit-header', `${before}..HEAD`])).split('\n').filter(Boolean);
    const commits = list.map((l) => {
      const [sha = '', subject = ''] = l.split('\0');
      return { sha, subject };
    });
    const ids = await patchIdsOfCommits(
      target,
      commits.map((c) => c.sha),
    );
    return { branch, ok: error === null, applied: commits.map((c) => ({ ...c, patchId: ids.get(c.sha) ?? null })), error };
  } finally {
    rmSync(dir, { recursive: true, force: true });
    times.restore();
  }
}
