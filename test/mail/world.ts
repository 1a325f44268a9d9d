/**
 * A small kernel-like repository for the mail tests: mainline with a MAINTAINERS file and a sched_ext
 * source, a stable branch `linux-6.12.y` forked at v6.12 that moved the lines of the file (so the pick
 * applies with an offset and its adapted patch differs from upstream's), and upstream fixes with review
 * trailers. Helpers apply an mbox with `git am` in a throwaway clone of a branch.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ApplyChecker } from '../../src/analysis/apply/apply-check.js';
import type { ApplyResult } from '../../src/analysis/apply/types.js';
import { openRepository } from '../../src/git/repo.js';
import { makeRepo, makeTempDir, openRepo, runGitSync, tryGitSync, type RepoBuilder } from '../helpers/repo-builder.js';

export const SENDER = { name: 'Stable Sender', email: 'sender@kernel.example.org' };
export const AUTHOR = { name: 'Tejun Heo', email: 'tj@kernel.example.org' };

const lines = (n: number, tag: string): string[] => Array.from({ length: n }, (_, i) => `/* ${tag} ${i + 1} */`);

export const MAINTAINERS = [
  'List of maintainers',
  '',
  'SCHED_EXT',
  'M:\tTejun Heo <tj@kernel.example.org>',
  'M:\tDavid Vernet <void@manifault.example.com>',
  'R:\tAndrea Righi <arighi@nvidia.example.com>',
  'L:\tsched-ext@lists.example.dev',
  'S:\tMaintained',
  'F:\tkernel/sched/ext.c',
  '',
  'THE REST',
  'M:\tLinus Torvalds <torvalds@linux-foundation.example.org>',
  'L:\tlinux-kernel@vger.example.org',
  'S:\tBuried alive in reporters',
  'F:\t*',
  'F:\t*/',
  '',
].join('\n');

export interface World {
  repo: RepoBuilder;
  /** The lazy-allocation fix (with review trailers), its follow-up, and an unrelated later fix. */
  fix: string;
  followUp: string;
  other: string;
  fixMessage: string;
  authorTime: number;
  /** Adapted patches onto linux-6.12.y. */
  patches: Map<string, ApplyResult>;
  cleanup(): void;
}

export const FIX_BODY = [
  'On systems with >4096 CPUs, scx_kick_cpus_pnt_seqs allocation fails during',
  'boot because it exceeds the 32,768 byte percpu allocator limit.',
  '',
  'Move allocation from boot time to scx_enable() and free in scx_disable().',
  '',
  'From the allocator point of view nothing else changes.',
  '',
  'v2: RCU protect scx_kick_seqs.',
  '',
  'Reported-by: Phil Auld <pauld@redhat.example.com>',
  'Link: http://lkml.kernel.org/r/20251007133523.GA93086@pauld.example',
  'Cc: Andrea Righi <arighi@nvidia.example.com>',
  'Cc: stable@vger.kernel.org # v6.12+',
  'Reviewed-by: Emil Tsalapatis <emil@etsalapatis.example.com>',
  'Reviewed-by: Phil Auld <pauld@redhat.example.com>',
  'Tested-by: Nobody Without Address',
  `Signed-off-by: ${AUTHOR.name} <${AUTHOR.email}>`,
].join('\n');

export async function buildWorld(): Promise<World> {
  const repo = makeRepo({ prefix: 'sp-mail-' });
  const ext = lines(60, 'ext');
  repo.commit('Linux 6.12', { MAINTAINERS, 'kernel/sched/ext.c': `${ext.join('\n')}\n`, README: 'kernel\n' });
  repo.tag('v6.12', { annotated: true });
  repo.branch('linux-6.12.y');
  // Mainline moves on: a change at the top of the file.
  const main1 = ['#include <linux/rcupdate.h>', ...ext];
  repo.commit('sched_ext: include rcupdate.h', { 'kernel/sched/ext.c': `${main1.join('\n')}\n` });
  const fixed = [...main1];
  fixed[31] = '/* ext 31: allocated lazily with kvzalloc() */';
  fixed[32] = '/* ext 32: freed in scx_disable() */';
  const fixMessage = `sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()\n\n${FIX_BODY}\n`;
  const authorTime = 1_730_000_000;
  const fix = repo.commit(
    'sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()',
    { 'kernel/sched/ext.c': `${fixed.join('\n')}\n` },
    {
      body: FIX_BODY,
      author: `${AUTHOR.name} <${AUTHOR.email}>`,
      authorDate: authorTime,
    },
  );
  const fixed2 = [...fixed];
  fixed2[40] = '/* ext 40: alloc_kick_pseqs() after the state check */';
  const followUp = repo.commit(
    'sched_ext: Fix scx_kick_pseqs corruption on concurrent scheduler loads',
    { 'kernel/sched/ext.c': `${fixed2.join('\n')}\n` },
    {
      body: `Fixes: ${fix.slice(0, 12)} ("sched_ext: Allocate scx_kick_cpus_pnt_seqs lazily using kvzalloc()")\nSigned-off-by: Andrea Righi <arighi@nvidia.example.com>\nSigned-off-by: ${AUTHOR.name} <${AUTHOR.email}>`,
      author: 'Andrea Righi <arighi@nvidia.example.com>',
    },
  );
  const other = repo.commit(
    'README: say hello',
    { README: 'kernel\nhello\n' },
    { body: 'Signed-off-by: Jörg Müller <joerg@example.org>', author: 'Jörg Müller <joerg@example.org>' },
  );
  // The stable branch: a release, and a stable-only change that moves every line of ext.c down by 3.
  repo.checkout('linux-6.12.y');
  repo.commit('sched_ext: stable-only header', { 'kernel/sched/ext.c': `/* a */\n/* b */\n/* c */\n${ext.join('\n')}\n` });
  repo.commit('Linux 6.12.7', {}, { allowEmpty: true });
  repo.tag('v6.12.7', { annotated: true });
  repo.checkout('main');

  const checker = await ApplyChecker.open(await openRepository(repo.dir), { blame: false });
  const patches = new Map<string, ApplyResult>();
  try {
    const results = await checker.queue([fix, followUp, other], 'linux-6.12.y');
    for (const r of results.members) patches.set(r.sha, r);
  } finally {
    checker.close();
  }
  return { repo, fix, followUp, other, fixMessage, authorTime, patches, cleanup: () => repo.cleanup() };
}

export interface AmResult {
  status: number;
  stderr: string;
  dir: string;
  /** The commits git am made, oldest first. */
  commits: string[];
}

/** Writes `mbox` to a temp file and runs `git am` on it in a fresh clone of `branch`. */
export function gitAmInClone(world: World, branch: string, mbox: string, extraArgs: readonly string[] = []): AmResult {
  const dir = makeTempDir('sp-mail-am-');
  runGitSync(tmpdir(), ['clone', '-q', '--branch', branch, world.repo.dir, dir]);
  openRepo(dir);
  const mboxDir = mkdtempSync(path.join(tmpdir(), 'sp-mbox-'));
  const file = path.join(mboxDir, 'series.mbox');
  writeFileSync(file, mbox);
  const before = runGitSync(dir, ['rev-parse', 'HEAD']).trim();
  const r = tryGitSync(dir, ['am', '-q', ...extraArgs, file]);
  rmSync(mboxDir, { recursive: true, force: true });
  const commits =
    r.status === 0
      ? runGitSync(dir, ['rev-list', '--reverse', `${before}..HEAD`])
          .split('\n')
          .filter(Boolean)
      : [];
  return { status: r.status, stderr: r.stderr + r.stdout, dir, commits };
}

/** `git patch-id --stable` of a commit. */
export function patchId(dir: string, commit: string): string {
  const show = runGitSync(dir, ['show', '--format=', '--no-color', commit]);
  return runGitSync(dir, ['patch-id', '--stable'], { input: show }).split(' ')[0] ?? '';
}
