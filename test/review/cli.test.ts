/** `stablepick review` as a user runs it: decisions, list, history, export; the repository untouched. */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, statSync, symlinkSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ReviewRecord } from '../../src/review/store.js';
import { isolatedGitEnv, openRepo, runGitSync } from '../helpers/repo-builder.js';
import { expectRepoUnchanged, snapshotRepoState, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { BRANCH, buildReviewRepo, review, type ReviewFixture } from './fixture.js';

let fx: ReviewFixture;
let work: string;
let before: RepoStateSnapshot;

beforeAll(() => {
  fx = buildReviewRepo();
  // A second branch the decisions below name (an unknown branch is refused: test/cli/validation.test.ts).
  runGitSync(fx.repo.dir, ['branch', 'linux-2.0.y', BRANCH]);
  work = mkdtempSync(path.join(os.tmpdir(), 'stablepick-review-cli-'));
  before = snapshotRepoState(fx.repo.dir);
}, 120_000);
afterAll(() => {
  expectRepoUnchanged(fx.repo.dir, before);
  fx?.cleanup();
});

function ok(args: string[], extra: string[] = []): string {
  const r = review(fx, args, extra);
  if (r.code !== 0) throw new Error(`review ${args.join(' ')} exited ${r.code}: ${r.stderr}`);
  return r.stdout;
}

function oneLineError(args: string[], extra: string[] = []): string {
  const r = review(fx, args, extra);
  expect(r.code).toBe(1);
  expect(r.stdout).toBe('');
  const lines = r.stderr.trim().split('\n');
  expect(lines).toHaveLength(1);
  return lines[0]!;
}

/** A clone of the repository with the stable branch checked out, for applying exports. */
function cloneAtBranch(): string {
  const dir = path.join(mkdtempSync(path.join(os.tmpdir(), 'stablepick-review-clone-')), 'c');
  runGitSync(os.tmpdir(), ['clone', '-q', '--branch', BRANCH, fx.repo.dir, dir]);
  openRepo(dir); // the test identity, the user's git configuration shut out
  return dir;
}

/** Runs a shell script in `cwd` with the helpers' isolated git environment; returns the new commits' messages. */
function runScript(cwd: string, script: string): string {
  const r = spawnSync('bash', [script], { cwd, env: isolatedGitEnv(), encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`${script} exited ${r.status}: ${r.stderr}`);
  return runGitSync(cwd, ['log', '--format=%s%n%b', `${BRANCH}@{u}..HEAD`]);
}

describe('review decisions', () => {
  it('accepts with the repository user as reviewer, rejects only with a reason, keeps the history', () => {
    const acc = JSON.parse(ok(['accept', fx.fixD.slice(0, 10), '--branch', BRANCH], ['--json'])) as ReviewRecord[];
    expect(acc).toMatchObject([{ sha: fx.fixD, branch: BRANCH, status: 'accepted', who: 'Stable Tester <tester@example.org>', source: 'cli', why: '' }]);
    expect(oneLineError(['reject', fx.fixD, '--branch', BRANCH])).toBe(
      `stablepick: rejecting ${fx.fixD.slice(0, 12)} for ${BRANCH} needs a reason — give --why "..." (it is shown whenever the commit comes up again)`,
    );
    const rej = ok(['reject', fx.fixD, '--branch', BRANCH, '--branch', 'linux-2.0.y', '--why', 'd9 is unused on 1.0', '--who', 'Ann Maint <ann@example.org>']);
    expect(rej).toContain(`${fx.fixD.slice(0, 12)} ${BRANCH}: rejected by Ann Maint <ann@example.org> on `);
    expect(rej.trim().split('\n')).toHaveLength(2);
    const hist = JSON.parse(ok(['history', fx.fixD, '--branch', BRANCH], ['--json'])) as ReviewRecord[];
    expect(hist.map((h) => [h.status, h.who, h.why])).toEqual([
      ['accepted', 'Stable Tester <tester@example.org>', ''],
      ['rejected', 'Ann Maint <ann@example.org>', 'd9 is unused on 1.0'],
    ]);
    ok(['defer', fx.gpu, '--branch', BRANCH, '--why', 'wait for the DRM backport']);
    ok(['needs-review', fx.mm, '--branch', BRANCH]);
    const listed = JSON.parse(ok(['list', '--branch', BRANCH], ['--json'])) as (ReviewRecord & { subject: string })[];
    expect(listed.map((r) => [r.sha, r.status, r.subject]).sort()).toEqual(
      [
        [fx.fixD, 'rejected', 'lib: fix d9'],
        [fx.gpu, 'deferred', 'drm: fix g1'],
        [fx.mm, 'needs-review', 'mm: fix p2'],
      ].sort(),
    );
    const table = ok(['list', '--status', 'rejected']);
    expect(table.split('\n')[0]).toMatch(/^commit +branch +status +who +date +subject +why$/);
    expect(table.trim().split('\n')).toHaveLength(3);
    expect(ok(['list', '--status', 'accepted', '--branch', 'linux-2.0.y'])).toBe('no review decisions\n');
  }, 60_000);

  it('says in one line what is wrong with the input', () => {
    expect(oneLineError(['accept', fx.unknown, '--branch', BRANCH])).toContain(`unknown revision '${fx.unknown}'`);
    expect(oneLineError(['accept', 'not-a-sha', '--branch', BRANCH])).toContain("unknown revision 'not-a-sha'");
    expect(oneLineError(['list', '--status', 'maybe'])).toBe("stablepick: unknown status 'maybe' — use one of accepted, rejected, needs-review, deferred");
    expect(oneLineError(['export', '--branch', BRANCH, '--format', 'zip', '--out', path.join(work, 'x')])).toContain("unknown export format 'zip'");
    expect(oneLineError(['export', '--branch', BRANCH, '--format', 'mbox', '--out', path.join(fx.repo.dir, 'queue.mbox')])).toContain(
      'is inside the repository',
    );
    symlinkSync(fx.repo.dir, path.join(work, 'link-to-repo'));
    expect(oneLineError(['export', '--branch', BRANCH, '--format', 'quilt', '--out', path.join(work, 'link-to-repo', 'q')])).toContain(
      'is inside the repository',
    );
    const missingDb = review(fx, ['list'], ['--db', path.join(work, 'none.sqlite')]);
    expect(missingDb.code).toBe(1);
    expect(missingDb.stderr).toContain('no index at');
  }, 60_000);
});

describe('review export', () => {
  it('writes the accepted queue in upstream order as a cherry-pick script', () => {
    // Accepted out of order; the export follows upstream order.
    ok(['accept', fx.fixB, '--branch', BRANCH]);
    ok(['accept', fx.fixA, '--branch', BRANCH]);
    ok(['accept', fx.mm, '--branch', BRANCH]);
    const out = path.join(work, 'picks.sh');
    ok(['export', '--branch', BRANCH, '--format', 'cherry-pick', '--out', out]);
    expect(readFileSync(out, 'utf8')).toBe(
      [
        '#!/bin/bash',
        `# The accepted queue of ${BRANCH}, in upstream order (written by stablepick review export).`,
        `# Run it in a work tree with ${BRANCH} checked out.`,
        'set -e',
        `git cherry-pick -x ${fx.fixA}  # lib: fix a3`,
        `git cherry-pick -x ${fx.fixB}  # lib: fix b5`,
        `git cherry-pick -x ${fx.mm}  # mm: fix p2`,
        '',
      ].join('\n'),
    );
    expect(statSync(out).mode & 0o111).not.toBe(0);
    // The script does what it says on a clone of the branch.
    const log = runScript(cloneAtBranch(), out);
    expect(log.match(/^lib: fix a3$|^lib: fix b5$|^mm: fix p2$/gm)).toEqual(['mm: fix p2', 'lib: fix b5', 'lib: fix a3']);
    expect(log).toContain(`(cherry picked from commit ${fx.fixA})`);
    // An existing output is not overwritten.
    expect(oneLineError(['export', '--branch', BRANCH, '--format', 'cherry-pick', '--out', out])).toContain('already exists');
  }, 60_000);

  it('writes a quilt series of adapted patches that git am applies to the branch', () => {
    const dir = path.join(work, 'quilt');
    const r = JSON.parse(ok(['export', '--branch', BRANCH, '--format', 'quilt', '--out', dir], ['--json'])) as {
      members: { sha: string; state: string; file?: string }[];
      conflict: unknown;
    };
    expect(r.conflict).toBeNull();
    expect(r.members.map((m) => [m.sha, m.state, m.file])).toEqual([
      [fx.fixA, 'written', '0001-lib-fix-a3.patch'],
      [fx.fixB, 'written', '0002-lib-fix-b5.patch'],
      [fx.mm, 'written', '0003-mm-fix-p2.patch'],
    ]);
    const series = readFileSync(path.join(dir, 'series'), 'utf8')
      .split('\n')
      .filter((l) => l && !l.startsWith('#'));
    expect(series).toEqual(['0001-lib-fix-a3.patch', '0002-lib-fix-b5.patch', '0003-mm-fix-p2.patch']);
    expect(readdirSync(dir).sort()).toEqual([...series, 'series'].sort());
    const clone = cloneAtBranch();
    runGitSync(clone, ['am', '-q', ...series.map((f) => path.join(dir, f))]);
    expect(readFileSync(path.join(clone, 'lib/a.c'), 'utf8')).toContain('int a3 = 33;');
    expect(readFileSync(path.join(clone, 'lib/b.c'), 'utf8')).toContain('int b5 = 55;');
    expect(readFileSync(path.join(clone, 'mm/page.c'), 'utf8')).toContain('int p2 = 22;');
    // The branch's own change stays; each commit names its upstream original.
    expect(readFileSync(path.join(clone, 'lib/c.c'), 'utf8')).toContain('int c7 = 70;');
    const msgs = runGitSync(clone, ['log', '--format=%an|%s|%b', '-3']);
    expect(msgs).toContain(`(cherry picked from commit ${fx.mm})`);
    expect(msgs).toContain(`(cherry picked from commit ${fx.fixA})`);
    expect(msgs).toContain('Stable Tester|lib: fix b5|From the start b5 was wrong.');
  }, 60_000);

  it('writes an mbox that git am applies, with body From lines quoted', () => {
    const file = path.join(work, 'queue.mbox');
    ok(['export', '--branch', BRANCH, '--format', 'mbox', '--out', file]);
    const text = readFileSync(file, 'utf8');
    expect(text.match(/^From [0-9a-f]{40} Mon Sep 17 00:00:00 2001$/gm)).toHaveLength(3);
    expect(text).toContain('\n>From the start b5 was wrong.\n');
    const clone = cloneAtBranch();
    runGitSync(clone, ['am', '-q', '--patch-format=mboxrd', file]);
    expect(
      runGitSync(clone, ['log', '--format=%s', `${BRANCH}@{u}..HEAD`])
        .trim()
        .split('\n'),
    ).toEqual(['mm: fix p2', 'lib: fix b5', 'lib: fix a3']);
    expect(runGitSync(clone, ['log', '-1', '--format=%b', 'HEAD~1'])).toContain('From the start b5 was wrong.');
  }, 60_000);

  it('stops at a commit that does not apply: quilt notes it, the command exits 1 and says so', () => {
    ok(['accept', fx.fixC, '--branch', BRANCH]);
    ok(['accept', fx.fixD, '--branch', BRANCH]);
    const dir = path.join(work, 'quilt-conflict');
    mkdirSync(dir);
    const r = review(fx, ['export', '--branch', BRANCH, '--format', 'quilt', '--out', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toEqual([
      `stablepick: ${fx.fixC.slice(0, 12)} ("lib: fix c7") does not apply to ${BRANCH}: CONFLICT (content) in lib/c.c; 3 of 5 written to ${dir} — backport it by hand, or reject it and export again`,
    ]);
    const series = readFileSync(path.join(dir, 'series'), 'utf8');
    expect(series).toContain('\n0003-mm-fix-p2.patch\n# CONFLICT 0004-lib-fix-c7.patch: CONFLICT (content) in lib/c.c\n# NOT TRIED 0005-lib-fix-d9.patch\n');
    const noted = readFileSync(path.join(dir, '0004-lib-fix-c7.patch'), 'utf8');
    expect(noted).toContain(`[stablepick: DOES NOT APPLY to ${BRANCH}: CONFLICT (content) in lib/c.c.`);
    expect(noted).toContain('-int c7 = 7;\n+int c7 = 77;');
    expect(existsSync(path.join(dir, '0005-lib-fix-d9.patch'))).toBe(true);
    // The applicable part of the series still applies.
    const clone = cloneAtBranch();
    const good = series.split('\n').filter((l) => l && !l.startsWith('#'));
    expect(good).toHaveLength(3);
    runGitSync(clone, ['am', '-q', ...good.map((f) => path.join(dir, f))]);
  }, 60_000);
});
