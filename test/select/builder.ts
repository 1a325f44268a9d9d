/**
 * A small project history for the selection tests, built with real git: mainline `main` with release
 * tags, stable branches `stable-1.0` (forked at v1.0) and `stable-1.1` (forked at v1.1) that pick fixes
 * with `(cherry picked from commit X)` markers. Between v1.0 and v1.1 (training history) every "fix"
 * commit is picked into stable-1.0 and no feature is; the window v1.1..v1.2 holds one commit per rule.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { openDb, type DB } from '../../src/history/db.js';
import { indexRepository } from '../../src/history/indexer.js';
import { openRepository } from '../../src/git/repo.js';
import { DEFAULT_CONVENTIONS } from '../../src/conventions/types.js';
import { labelledShas, makeRepo, nth, type RepoBuilder } from '../helpers/repo-builder.js';

/** The named commits of the history (tags name the commit they point at). */
const LABELS = [
  'init',
  'v10',
  'docTrain',
  'newFile',
  'v11',
  'fixOld',
  'featNew',
  'fixNew',
  'tagged',
  'noautosel',
  'revertHeld',
  'featCog',
  'revertWindow',
  'gizmoFix',
  'docWindow',
  'fixOfFix',
  'renamed',
  'renamedFix',
  'v12',
  'lateFixPick',
] as const;
export type SelectLabel = (typeof LABELS)[number];

export interface SelectFixture {
  repo: RepoBuilder;
  dbFile: string;
  /** Named commits. */
  c: Record<SelectLabel, string>;
  /** Training history: fix commits (all picked) and feature commits (none picked). */
  trainFixes: string[];
  trainFeatures: string[];
  /** Re-indexes into the fixture's database and returns it open. */
  index(): Promise<DB>;
  cleanup(): void;
}

const short = (s: string): string => s.slice(0, 12);

function modFile(i: number, v: number): string {
  const lines = [`/* module ${i} */`];
  for (let k = 0; k < 8; k++) lines.push(`int mod${i}_${k}(void) { return ${k + v}; }`);
  return `${lines.join('\n')}\n`;
}

export function buildSelectRepo(opts: { trainPairs?: number } = {}): SelectFixture {
  const r = makeRepo({ prefix: 'stablepick-select-' });
  const pairs = opts.trainPairs ?? 24;
  const c = labelledShas(...LABELS);
  const init: Record<string, string> = { 'doc/guide.md': '# Guide\n', 'tests/t.c': 'int t;\n', 'meson.build': "project('x')\n" };
  for (let i = 0; i < pairs + 20; i++) init[`src/mod${i}.c`] = modFile(i, 0);
  c.init = r.commit('core: initial import', init);
  c.v10 = r.tag('v1.0');
  r.branch('stable-1.0');
  const trainFixes: string[] = [];
  const trainFeatures: string[] = [];
  const ver: number[] = [];
  for (let i = 0; i < pairs; i++) {
    ver[i] = 1;
    const fix = r.commit(
      `mod${i}: fix NULL dereference in mod${i}_${i % 8}`,
      { [`src/mod${i}.c`]: modFile(i, 1) },
      {
        body: `A crash when the list is empty.\n\nFixes: ${short(c.init)} ("core: initial import")\nSigned-off-by: Dev One <one@example.org>`,
        author: 'Dev One <one@example.org>',
      },
    );
    trainFixes.push(fix);
    const feat = r.commit(
      `feat${i}: add support for widget ${i}`,
      { [`feat/w${i}.c`]: `int w${i};\n` },
      {
        body: 'Introduce a new widget.\n\nSigned-off-by: Dev Two <two@example.org>',
        author: 'Dev Two <two@example.org>',
      },
    );
    trainFeatures.push(feat);
    if (i % 3 === 2) {
      // The stable team picks a few days later.
      r.checkout('stable-1.0');
      for (const f of trainFixes.slice(-3)) r.cherryPick(f, { marker: 'cherry-picked' });
      r.checkout('main');
    }
  }
  c.docTrain = r.commit('doc: describe widgets', { 'doc/guide.md': '# Guide\n\nWidgets.\n' });
  c.newFile = r.commit('feat: add the gizmo driver', { 'src/gizmo.c': 'int gizmo;\n' }, { author: 'Dev Two <two@example.org>' });
  c.v11 = r.tag('v1.1');
  r.branch('stable-1.1');
  // The window v1.1..v1.2: one commit per rule.
  const base = pairs;
  c.fixOld = r.commit(
    `mod${base}: fix crash on empty list`,
    { [`src/mod${base}.c`]: modFile(base, 1) },
    {
      body: `Fixes: ${short(c.init)} ("core: initial import")\nSigned-off-by: Dev One <one@example.org>`,
      author: 'Dev One <one@example.org>',
    },
  );
  c.featNew = r.commit('feat: add support for sprockets', { 'feat/sprocket.c': 'int s;\n' }, { author: 'Dev Two <two@example.org>' });
  c.fixNew = r.commit(
    'feat: fix sprocket leak',
    { 'feat/sprocket.c': 'int s = 0;\n' },
    {
      body: `Fixes: ${short(c.featNew)} ("feat: add support for sprockets")\nSigned-off-by: Dev Two <two@example.org>`,
      author: 'Dev Two <two@example.org>',
    },
  );
  c.tagged = r.commit(
    `mod${base + 1}: handle short reads`,
    { [`src/mod${base + 1}.c`]: modFile(base + 1, 1) },
    { body: 'Cc: stable@vger.kernel.org\nSigned-off-by: Dev One <one@example.org>' },
  );
  c.noautosel = r.commit(
    `mod${base + 2}: tune defaults`,
    { [`src/mod${base + 2}.c`]: modFile(base + 2, 1) },
    { body: 'Cc: stable+noautosel@kernel.org # needs manual review\nSigned-off-by: Dev One <one@example.org>' },
  );
  c.revertHeld = r.revert(nth(trainFixes, 0));
  c.featCog = r.commit('feat: add support for cogs', { 'feat/cog.c': 'int cog;\n' }, { author: 'Dev Two <two@example.org>' });
  c.revertWindow = r.revert(c.featCog);
  c.gizmoFix = r.commit('gizmo: fix init', { 'src/gizmo.c': 'int gizmo = 1;\n' });
  c.docWindow = r.commit('doc: fix a typo in the guide', { 'doc/guide.md': '# Guide\n\nWidgets!\n' });
  c.fixOfFix = r.commit(
    `mod${base}: fix the crash fix`,
    { [`src/mod${base}.c`]: modFile(base, 2) },
    {
      body: `Fixes: ${short(c.fixOld)} ("mod${base}: fix crash on empty list")\nSigned-off-by: Dev One <one@example.org>`,
      author: 'Dev One <one@example.org>',
    },
  );
  c.renamed = r.commit(`mod${base + 3}: move to lib`, { [`src/mod${base + 3}.c`]: null, [`lib/mod${base + 3}.c`]: modFile(base + 3, 0) });
  c.renamedFix = r.commit(
    `mod${base + 3}: fix overflow`,
    { [`lib/mod${base + 3}.c`]: modFile(base + 3, 5) },
    {
      body: `Fixes: ${short(c.init)} ("core: initial import")`,
    },
  );
  c.v12 = r.tag('v1.2');
  // Later, stable-1.1 picks the old-bug fix (after the window opened).
  r.checkout('stable-1.1');
  c.lateFixPick = r.cherryPick(c.fixOld, { marker: 'cherry-picked' });
  r.checkout('main');
  const dir = mkdtempSync(path.join(tmpdir(), 'stablepick-select-db-'));
  const dbFile = path.join(dir, 'index.sqlite');
  return {
    repo: r,
    dbFile,
    c,
    trainFixes,
    trainFeatures,
    async index() {
      const db = openDb(dbFile);
      await indexRepository(await openRepository(r.dir), db, { conventions: DEFAULT_CONVENTIONS });
      return db;
    },
    cleanup() {
      r.cleanup();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
