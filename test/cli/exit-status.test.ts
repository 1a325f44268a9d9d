/** Exit statuses scripts can use: apply-check as `git apply --check`, and every command's --help lists them. */
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadCommandModules } from '../../src/cli/commands/index.js';
import { buildProgram } from '../../src/cli/main.js';
import type { Command } from 'commander';
import { runCli } from '../helpers/cli.js';
import type { RepoBuilder } from '../helpers/repo-builder.js';
import { fixAndConflictRepo } from '../apply/scenario.js';

let repo: RepoBuilder;
let fix: string;
let conflict: string;

beforeAll(() => {
  ({ repo, fix, conflict } = fixAndConflictRepo());
});
afterAll(() => repo?.cleanup());

describe('apply-check exit status', () => {
  it('0 when the pick applies, 1 when it conflicts (as git apply --check)', () => {
    const ok = runCli(['apply-check', fix, '--branch', 'stable', '--repo', repo.dir]);
    expect(ok.code).toBe(0);
    expect(ok.stdout).toContain('clean');
    const bad = runCli(['apply-check', conflict, '--branch', 'stable', '--repo', repo.dir, '--json']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toBe('');
    expect(JSON.parse(bad.stdout.trim()) as { result: string }).toMatchObject({ result: 'conflict' });
  });

  it('--queue: 0 when the queue applies to its end, 1 when it stops early', () => {
    expect(runCli(['apply-check', fix, conflict, '--branch', 'stable', '--queue', '--repo', repo.dir]).code).toBe(0);
    const stops = runCli(['apply-check', conflict, fix, '--branch', 'stable', '--queue', '--repo', repo.dir]);
    expect(stops.code).toBe(1);
    expect(stops.stdout).toMatch(/stops at 1\/2/);
  });
});

describe('--help', () => {
  it('every command and subcommand ends its help with its exit statuses', async () => {
    const program = buildProgram(await loadCommandModules());
    const all: [string, Command][] = [];
    const walk = (c: Command, prefix: string): void => {
      for (const s of c.commands) {
        all.push([`${prefix}${s.name()}`, s]);
        walk(s, `${prefix}${s.name()} `);
      }
    };
    walk(program, '');
    expect(all.length).toBeGreaterThan(17);
    for (const [name, cmd] of all) {
      let out = '';
      const spy = vi.spyOn(process.stdout, 'write').mockImplementation((s: string | Uint8Array) => {
        out += typeof s === 'string' ? s : Buffer.from(s).toString('utf8');
        return true;
      });
      try {
        cmd.outputHelp();
      } finally {
        spy.mockRestore();
      }
      expect(out, name).toMatch(/Exit status:\n {2}0 .*\n {2}1 .*\n {2}2 .*\n {2}70 /);
    }
    const applyHelp = all.find(([n]) => n === 'apply-check')![1];
    expect(applyHelp).toBeDefined();
  });
});
