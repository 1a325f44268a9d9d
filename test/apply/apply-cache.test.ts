/** apply-check keeps its results in the index, by (commit, branch tip), and reads them back. */
import path from 'node:path';
import Database from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { makeRepo, makeTempDir } from '../helpers/repo-builder.js';
import { runCli } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const r = makeRepo({ branch: 'main' });
afterAll(() => r.cleanup());

describe('apply-check result cache', () => {
  it('stores each (commit, tip) result in the index and answers from it next time', () => {
    r.commit('base', { 'a.c': 'int a;\nint b;\nint c;\n' });
    r.branch('stable-1.0', { checkout: false });
    const fix = r.commit('a: fix b', { 'a.c': 'int a;\nint b = 1;\nint c;\n' });
    const db = path.join(makeTempDir(), 'i.sqlite');
    const before = snapshotRepoState(r.dir);
    expect(runCli(['index', '--repo', r.dir, '--db', db]).code).toBe(0);
    const first = runCli(['apply-check', fix, '--branch', 'stable-1.0', '--repo', r.dir, '--db', db, '--json']);
    expect(first.code).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ sha: fix, result: 'clean' });
    const d = new Database(db);
    const rows = d.prepare("SELECT a, b, json FROM result_cache WHERE kind = 'apply'").all() as { a: string; b: string; json: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0]!.a).toBe(fix);
    expect(rows[0]!.b).toBe(`${r.revParse('stable-1.0')}:blame:full`);
    // Plant a marker in the cached result: the next run must print it, i.e. read the cache.
    const planted = { ...(JSON.parse(rows[0]!.json) as Record<string, unknown>), subject: 'from the cache' };
    d.prepare("UPDATE result_cache SET json = ? WHERE kind = 'apply'").run(JSON.stringify(planted));
    d.close();
    const second = runCli(['apply-check', fix, '--branch', 'stable-1.0', '--repo', r.dir, '--db', db, '--json']);
    expect(JSON.parse(second.stdout)).toMatchObject({ sha: fix, result: 'clean', subject: 'from the cache' });
    // Another variant of the options is another key.
    const noBlame = runCli(['apply-check', fix, '--branch', 'stable-1.0', '--repo', r.dir, '--db', db, '--json', '--no-blame']);
    expect(JSON.parse(noBlame.stdout)).toMatchObject({ subject: 'a: fix b' });
    expectRepoUnchanged(r.dir, before);
  });
});
