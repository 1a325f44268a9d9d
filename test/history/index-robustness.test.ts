/**
 * The index under change and under stress: incremental updates, force-pushes and deleted branches,
 * kill -9 in the middle of a run, two runs at once. Each time the result must equal a fresh index.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeRepo, makeTempDir, nth, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const ROOT = path.resolve(import.meta.dirname, '..', '..');

/** Adds `n` commits on top of HEAD with fast-import (trailers, stable tags), and a stable branch with `picks` picks. */
function bulkHistory(r: RepoBuilder, n: number, picks: number): void {
  const lines: string[] = [];
  const base = Number(r.git(['log', '-1', '--format=%ct']).trim());
  const head = r.revParse('HEAD');
  let mark = 0;
  for (let i = 0; i < n; i++) {
    mark++;
    const body = [`subsys${i % 17}: fix thing ${i}`, '', `Text for change ${i}.`, ''];
    if (i > 0 && i % 5 === 0) body.push(`Link: https://example.org/${i}`);
    if (i % 11 === 0) body.push('Cc: stable@vger.kernel.org');
    body.push(`Signed-off-by: Dev ${i % 7} <dev${i % 7}@example.org>`);
    const msg = body.join('\n') + '\n';
    lines.push(
      'commit refs/heads/main',
      `mark :${mark}`,
      `author Dev ${i % 7} <dev${i % 7}@example.org> ${base + i + 1} +0000`,
      `committer Dev ${i % 7} <dev${i % 7}@example.org> ${base + i + 1} +0000`,
    );
    lines.push(`data ${Buffer.byteLength(msg)}`, msg);
    if (i === 0) lines.push(`from ${head}`);
    lines.push(`M 100644 inline dir${i % 13}/file${i % 101}.c`, `data ${String(i).length + 1}`, `${i}`, '');
  }
  const stream = lines.join('\n');
  r.git(['fast-import', '--quiet', '--force'], { input: stream + '\n' });
  r.git(['reset', '-q', '--hard', 'main']);
  const mainShas = r.git(['rev-list', '--reverse', 'main']).trim().split('\n');
  r.branch('linux-1.0.y', { at: nth(mainShas, 1), checkout: false });
  // Picks on the stable branch by commit-tree (no worktree churn).
  let tip = r.revParse('linux-1.0.y');
  const tree = r.git(['rev-parse', `${tip}^{tree}`]).trim();
  for (let i = 0; i < picks; i++) {
    const up = nth(mainShas, 10 + i * 3);
    tip = r.git(['commit-tree', tree, '-p', tip, '-m', `stable pick ${i}\n\ncommit ${up} upstream.\n\nSigned-off-by: Greg <greg@example.org>`]).trim();
  }
  r.git(['update-ref', 'refs/heads/linux-1.0.y', tip]);
}

interface Fingerprint {
  commits: string[];
  trailers: number;
  markers: number;
  resolved: number;
  picks: [string, string, string | null][];
  releases: number;
  files: number;
}

function fingerprint(dbFile: string): Fingerprint {
  const db = new Database(dbFile, { readonly: true });
  try {
    const one = (sql: string): number => db.prepare(sql).pluck().get() as number;
    return {
      commits: db.prepare('SELECT sha FROM commits ORDER BY sha').pluck().all() as string[],
      trailers: one('SELECT count(*) FROM trailers'),
      markers: one('SELECT count(*) FROM markers'),
      resolved: one("SELECT count(*) FROM markers WHERE status = 'resolved'"),
      picks: db.prepare('SELECT branch, sha, upstream_sha FROM branch_commits ORDER BY branch, sha').raw().all() as [string, string, string | null][],
      releases: one('SELECT count(*) FROM commits WHERE first_release IS NOT NULL'),
      files: one('SELECT count(*) FROM commit_files'),
    };
  } finally {
    db.close();
  }
}

let r: RepoBuilder;
beforeAll(() => {
  r = makeRepo({ branch: 'main' });
  r.commit('Initial', { README: 'x\n' });
  r.tag('v1.0', { annotated: true, message: 'v1.0' });
  bulkHistory(r, 6000, 40);
});
afterAll(() => r.cleanup());

function freshIndex(dir: string): string {
  const db = path.join(makeTempDir(), 'fresh.sqlite');
  const res = runCli(['index', '--repo', dir, '--db', db, '--json']);
  expect(res.code).toBe(0);
  return db;
}

describe('incremental updates', () => {
  it('indexes only what is new, and drops what no ref reaches any more', () => {
    const dir = makeTempDir();
    const db = path.join(dir, 'i.sqlite');
    const cli = (...a: string[]) => runCli([...a, '--repo', r.dir, '--db', db]);
    const before = snapshotRepoState(r.dir);
    expect(parseJson<{ newCommits: number }>(cli('index', '--json')).newCommits).toBe(6001 + 40);
    expect(parseJson<{ newCommits: number }>(cli('index', '--json')).newCommits).toBe(0);
    expectRepoUnchanged(r.dir, before);

    // One new commit on main, one more pick on the stable branch.
    const c = r.commit('late: fix a late bug', { 'late.c': 'int late;\n' }, { body: 'Cc: stable@vger.kernel.org' });
    const stableTip = r.revParse('linux-1.0.y');
    const pick = r.git(['commit-tree', `${stableTip}^{tree}`, '-p', stableTip, '-m', `late pick\n\n[ Upstream commit ${c} ]`]).trim();
    r.git(['update-ref', 'refs/heads/linux-1.0.y', pick]);
    const inc = parseJson<{ newCommits: number; branchesUpdated: number }>(cli('index', '--json'));
    expect(inc.newCommits).toBe(2);
    expect(inc.branchesUpdated).toBe(1);
    const show = parseJson<{ pickedBy: { sha: string }[] }>(cli('show', c, '--json'));
    expect(show.pickedBy.map((p) => p.sha)).toEqual([pick]);

    // A topic branch comes and goes; its commits go with it.
    r.branch('topic', { checkout: true });
    const t1 = r.commit('topic: wip', { 'wip.c': 'x\n' });
    r.checkout('main');
    expect(parseJson<{ newCommits: number }>(cli('index', '--json')).newCommits).toBe(1);
    r.git(['branch', '-D', 'topic']);
    const del = parseJson<{ removedCommits: number; totalCommits: number }>(cli('index', '--json'));
    expect(del.removedCommits).toBe(1);
    expect(runCli(['show', t1, '--repo', r.dir, '--db', db]).code).toBe(1);

    // A force-push that rewinds the stable branch: the dropped pick is no longer a pick.
    r.git(['update-ref', 'refs/heads/linux-1.0.y', stableTip]);
    const rew = parseJson<{ removedCommits: number }>(cli('index', '--json'));
    expect(rew.removedCommits).toBe(1);
    expect(parseJson<{ pickedBy: unknown[] }>(cli('show', c, '--json')).pickedBy).toEqual([]);

    expect(fingerprint(db)).toEqual(fingerprint(freshIndex(r.dir)));
  });
});

describe('interrupted and concurrent runs', () => {
  it('kill -9 in the middle of index, then index again: complete and correct', async () => {
    const db = path.join(makeTempDir(), 'killed.sqlite');
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), 'index', '--repo', r.dir, '--db', db, '--json'], {
      stdio: 'ignore',
      // Small batches with a pause after each, so that the kill lands in the middle of the run.
      env: { ...process.env, STABLEPICK_INDEX_BATCH: '500', STABLEPICK_INDEX_THROTTLE_MS: '100' },
    });
    // Wait until some commits are committed to the index, then kill without warning.
    let seen = 0;
    for (let i = 0; i < 600 && seen === 0; i++) {
      await new Promise((res) => setTimeout(res, 20));
      try {
        const d = new Database(db, { readonly: true, fileMustExist: true });
        seen = d.prepare('SELECT count(*) FROM commits').pluck().get() as number;
        d.close();
      } catch {
        // not created yet, or being created
      }
    }
    child.kill('SIGKILL');
    await new Promise((res) => child.on('exit', res));
    expect(seen).toBeGreaterThan(0);
    const partial = fingerprint(db);
    expect(partial.commits.length).toBeLessThan(6041);
    expect(partial.picks).toEqual([]); // killed before the branch stage
    const again = runCli(['index', '--repo', r.dir, '--db', db, '--json']);
    expect(again.stderr).toBe('');
    expect(again.code).toBe(0);
    expect(fingerprint(db)).toEqual(fingerprint(freshIndex(r.dir)));
  });

  it('two index runs at once leave a correct index', async () => {
    const db = path.join(makeTempDir(), 'twice.sqlite');
    const run = (): Promise<{ code: number; stderr: string }> =>
      new Promise((res) => {
        const c = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src/cli/bin.ts'), 'index', '--repo', r.dir, '--db', db, '--json'], {
          stdio: ['ignore', 'ignore', 'pipe'],
          env: { ...process.env, STABLEPICK_DEBUG: '1' },
        });
        let stderr = '';
        c.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
        c.on('exit', (code) => res({ code: code ?? -1, stderr }));
      });
    const results = await Promise.all([run(), run()]);
    expect(results).toEqual([
      { code: 0, stderr: '' },
      { code: 0, stderr: '' },
    ]);
    expect(fingerprint(db)).toEqual(fingerprint(freshIndex(r.dir)));
  });
});
