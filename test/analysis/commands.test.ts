/** The deps, affected and audit commands, run through commander in-process with stdout captured. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { affectedCommand } from '../../src/cli/commands/affected.js';
import { auditCommand } from '../../src/cli/commands/audit.js';
import { depsCommand } from '../../src/cli/commands/deps.js';
import type { CommandModule } from '../../src/cli/command-module.js';
import { runInProcess } from '../helpers/in-process.js';
import { snapshotRepoState, expectRepoUnchanged, type RepoStateSnapshot } from '../helpers/repo-state.js';
import { depsRepo, type DepsFixture } from './builder.js';
import { indexedContext, type TestContext } from './ctx.js';

let fx: DepsFixture;
let ctx: TestContext;
let before: RepoStateSnapshot;

beforeAll(async () => {
  fx = depsRepo();
  ctx = await indexedContext(fx.repo.dir);
  ctx.db.close();
  before = snapshotRepoState(fx.repo.dir);
});
afterAll(() => {
  ctx?.close();
  fx?.cleanup();
});

const run = (mod: CommandModule, args: string[]): Promise<string> => runInProcess(mod, [...args, '--repo', fx.repo.dir, '--db', ctx.dbPath]);

describe('commands', () => {
  it('deps --json prints the ordered queue', async () => {
    const q = JSON.parse(await run(depsCommand, ['deps', fx.p3.slice(0, 10), '--branch', 'stable-1.0', '--json'])) as {
      queue: { role: string; sha: string }[];
      verdict: string;
    };
    expect(q.queue.map((m) => m.sha)).toEqual([fx.p1, fx.p3]);
  });

  it('deps prints a readable queue', async () => {
    const text = await run(depsCommand, ['deps', fx.caller, '--branch', 'stable-1.0']);
    expect(text).toContain('[prerequisite]');
    expect(text).toContain('helper_new');
  });

  it('affected prints vulnerable-since : fixed-by per branch', async () => {
    const r = JSON.parse(await run(affectedCommand, ['affected', fx.fix1, '--json'])) as { branches: { branch: string; status: string }[] };
    expect(r.branches).toEqual([expect.objectContaining({ branch: 'stable-1.0', status: 'fixed' })]);
    const text = await run(affectedCommand, ['affected', fx.fix1]);
    expect(text).toMatch(/stable-1\.0\s+fixed\s+[0-9a-f]{12}\s+[0-9a-f]{12}/);
    expect(text).toContain('Target:');
  });

  it('audit lists the missing fixes', async () => {
    const r = JSON.parse(await run(auditCommand, ['audit', '--branch', 'stable-1.0', '--json'])) as { missing: { sha: string }[] };
    expect(r.missing.map((m) => m.sha)).toContain(fx.fix2);
    const text = await run(auditCommand, ['audit', '--branch', 'stable-1.0', '--as-of', '2024-01-01T05:00:00Z']);
    expect(text).toContain('missing fix(es) for stable-1.0');
  });

  it('an unknown branch is a typed error', async () => {
    await expect(run(auditCommand, ['audit', '--branch', 'nope'])).rejects.toMatchObject({ code: 'UNKNOWN_BRANCH' });
  });

  it('writes nothing to the repository', () => {
    expectRepoUnchanged(fx.repo.dir, before);
  });
});
