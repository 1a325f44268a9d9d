/**
 * The fix graph read per commit (fixLinks: the rows that name a commit or that it carries, by sha through
 * the index) answers exactly as the whole graph (loadFixGraph) for every commit of a built repository
 * whose history has resolved, ambiguous and subject-only Fixes: ids, reverts and a revert of a revert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { fixLinks, loadFixGraph } from '../../src/analysis/fixes/graph.js';
import { openDb, type DB } from '../../src/history/db.js';
import { everyCommitSummary } from '../../src/history/tables/commits.js';
import { depsRepo, type DepsFixture } from './builder.js';
import { indexedContext, type TestContext } from './ctx.js';

let fx: DepsFixture;
let ctx: TestContext;
let fresh: DB;

beforeAll(async () => {
  fx = depsRepo();
  ctx = await indexedContext(fx.repo.dir);
  // A second handle: fixLinks on the first would answer from the whole graph once that is loaded.
  fresh = openDb(ctx.dbPath, { readonly: true });
});
afterAll(() => {
  fresh?.close();
  ctx?.close();
  fx?.cleanup();
});

describe('fix links per commit', () => {
  it('equal the whole fix graph for every commit, in the same order', () => {
    const full = loadFixGraph(ctx.db);
    const lazy = fixLinks(fresh);
    expect(lazy).not.toBe(full);
    const shas = [...everyCommitSummary(fresh)].map((r) => r[1]);
    expect(shas.length).toBeGreaterThan(30);
    for (const s of shas) {
      expect(lazy.namedBy(s), `namedBy ${s}`).toEqual(full.namedBy(s));
      expect(lazy.names(s), `names ${s}`).toEqual(full.names(s));
    }
    // The history exercises every way an edge is settled but the stable copy.
    const resolutions = new Set(full.edges.map((e) => e.evidence.resolution));
    for (const r of ['index', 'ancestry', 'subject'] as const) expect(resolutions).toContain(r);
    expect(full.edges.some((e) => e.kind === 'reverts')).toBe(true);
    expect(lazy.namedBy(fx.beta).map((e) => e.from)).toContain(fx.betaRevert);
  });
});
