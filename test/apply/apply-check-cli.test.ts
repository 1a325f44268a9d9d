import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Command } from 'commander';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { applyCheckCommand } from '../../src/cli/commands/apply-check.js';
import { patchSlug } from '../../src/cli/context.js';
import type { RepoBuilder } from '../helpers/repo-builder.js';
import { repoStateHash } from '../helpers/repo-state.js';
import { fixAndConflictRepo } from './scenario.js';

let repo: RepoBuilder;
let fix: string;
let conflict: string;
let outDir: string;

beforeAll(() => {
  ({ repo, fix, conflict } = fixAndConflictRepo());
  outDir = mkdtempSync(path.join(os.tmpdir(), 'sp-apply-cli-'));
});

afterAll(() => {
  repo?.cleanup();
  rmSync(outDir, { recursive: true, force: true });
});

async function run(args: string[]): Promise<string> {
  const program = new Command().exitOverride();
  applyCheckCommand.register(program);
  let out = '';
  const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
    out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
    return true;
  });
  try {
    await program.parseAsync(args, { from: 'user' });
  } finally {
    spy.mockRestore();
  }
  return out;
}

describe('stablepick apply-check', () => {
  it('prints one JSON object per commit and writes the patches', async () => {
    const before = repoStateHash(repo.dir, { mtimes: true });
    const out = await run(['apply-check', fix, conflict, '--branch', 'stable', '--json', '--repo', repo.dir, '--patch-dir', outDir]);
    const rows = out
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    expect(rows.map((r) => [r.sha, r.branch, r.result])).toEqual([
      [fix, 'stable', 'clean'],
      [conflict, 'stable', 'conflict'],
    ]);
    expect(rows[0]?.conflicts).toEqual([]);
    expect(String(rows[0]?.patch)).toContain('Subject: [PATCH] a: fix two');
    expect((rows[1]?.conflicts as { path: string }[]).map((c) => c.path)).toEqual(['a.c']);
    expect(readdirSync(outDir)).toEqual(['0001-a-fix-two.patch']);
    expect(readFileSync(path.join(outDir, '0001-a-fix-two.patch'), 'utf8')).toBe(rows[0]?.patch);
    expect(repoStateHash(repo.dir, { mtimes: true })).toBe(before);
  });

  it('queues: the second applies on the first', async () => {
    const out = await run(['apply-check', fix, conflict, '--branch', 'stable', '--queue', '--repo', repo.dir]);
    expect(out).toContain('queue onto stable: all 2 apply');
    expect(out).toMatch(/a: fix two again\n {2}onto stable \([0-9a-f]{12}\): clean/);
  });

  it('takes any commit as the tip and explains an unknown one in one line', async () => {
    const out = await run(['apply-check', conflict, '--branch', fix, '--repo', repo.dir]);
    expect(out).toContain(`onto ${fix}`);
    expect(out).toContain(': clean');
    await expect(run(['apply-check', fix, '--branch', 'no-such-branch', '--repo', repo.dir])).rejects.toMatchObject({ code: 'UNKNOWN_REVISION' });
  });

  it('names patch files like format-patch', () => {
    expect(patchSlug('net/mlx5: fix Rx queue (again)')).toBe('net-mlx5-fix-Rx-queue-again');
  });
});
