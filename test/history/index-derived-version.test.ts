/**
 * An index written by an older stablepick keeps what that version derived (detected conventions, branch
 * membership) unless something re-derives it: such an index kept Xen's `master commit:` as a Fixes-like
 * key after the detector stopped taking marker keys, and the model learned from the leak. The next
 * `index` run derives it again, even when no commit is new; a current index is left alone.
 */
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openDb } from '../../src/history/db.js';
import { DERIVED_VERSION } from '../../src/history/schema.js';
import { labelledShas, makeRepo, makeTempDir, type RepoBuilder } from '../helpers/repo-builder.js';
import { parseJson, runCli } from '../helpers/cli.js';
import { expectRepoUnchanged, snapshotRepoState } from '../helpers/repo-state.js';

const DEV = 'Nia Dev <nia@example.org>';

let r: RepoBuilder;
let dbFile: string;
let before: ReturnType<typeof snapshotRepoState>;
const sha = labelledShas('base', 'fix', 'odd', 'pick');
const index = () => parseJson<{ newCommits: number; branchesUpdated: number }>(runCli(['index', '--json', '--repo', r.dir, '--db', dbFile]));

function query<T>(sql: string, ...args: unknown[]): T[] {
  const db = openDb(dbFile);
  try {
    return db.prepare(sql).all(...args) as T[];
  } finally {
    db.close();
  }
}

beforeAll(() => {
  r = makeRepo();
  const main = r.git(['symbolic-ref', '--short', 'HEAD']).trim();
  sha.base = r.commit('core: add parser', { 'core/parse.c': 'int depth;\nint limit = 4;\n' }, { author: DEV });
  r.tag('v1.0');
  r.branch('stable-1.0');
  r.commit('core: rename limit', { 'core/parse.c': 'int depth;\nint max_depth = 4;\n' }, { author: DEV });
  sha.fix = r.commit('core: reset depth', { 'core/parse.c': 'int depth = 0;\nint max_depth = 4;\n' }, { author: DEV });
  // One trailer of a key nobody else uses: the detector does not make it Fixes-like.
  sha.odd = r.commit('core: tidy', { 'core/tidy.c': 'int t;\n' }, { author: DEV, body: `Tidy.\n\nSee-Also: ${sha.base}` });
  r.checkout('stable-1.0');
  sha.pick = r.cherryPick(sha.fix, { marker: 'none', files: { 'core/parse.c': 'int depth = 0;\nint limit = 4;\n' } });
  r.checkout(main);
  dbFile = path.join(makeTempDir(), 'index.sqlite');
  before = snapshotRepoState(r.dir);
  index();
});

afterAll(() => {
  expectRepoUnchanged(r.dir, before);
  r.cleanup();
});

describe('an index derived by an older version', () => {
  it('records the version it was derived with, and a current index is not derived again', () => {
    expect(query<{ value: string }>("SELECT value FROM meta WHERE key = 'derived_version'")).toEqual([{ value: String(DERIVED_VERSION) }]);
    expect(index()).toMatchObject({ newCommits: 0, branchesUpdated: 0 });
  });

  it('is derived again on the next run: conventions and branch membership', () => {
    // What an older version left: the odd key taken for Fixes, the adapted pick not matched, no version.
    const db = openDb(dbFile);
    try {
      db.prepare("UPDATE trailers SET kind = 'fixes' WHERE lower(key) = 'see-also'").run();
      db.prepare("UPDATE meta SET value = ? WHERE key = 'detected_conventions'").run(
        JSON.stringify({ fixesKeys: [{ key: 'see-also', total: 1, resolved: 1 }], stableAddresses: [], markerKinds: [] }),
      );
      db.prepare("UPDATE branch_commits SET upstream_sha = NULL, via = NULL WHERE via = 'author-date'").run();
      db.prepare("DELETE FROM meta WHERE key = 'derived_version'").run();
    } finally {
      db.close();
    }
    expect(query("SELECT 1 FROM trailers WHERE lower(key) = 'see-also' AND kind = 'fixes'")).toHaveLength(1);

    const res = index();
    expect(res.newCommits).toBe(0);
    expect(res.branchesUpdated).toBe(1);
    expect(query<{ kind: string }>("SELECT kind FROM trailers WHERE lower(key) = 'see-also'")).toEqual([{ kind: 'other' }]);
    expect(query<{ upstream_sha: string; via: string }>('SELECT upstream_sha, via FROM branch_commits WHERE sha = ?', sha.pick)).toEqual([
      { upstream_sha: sha.fix, via: 'author-date' },
    ]);
    expect(query<{ value: string }>("SELECT value FROM meta WHERE key = 'derived_version'")).toEqual([{ value: String(DERIVED_VERSION) }]);
  });
});
