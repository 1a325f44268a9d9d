/**
 * One config model: a stablepick.config.json holding every documented section works with EVERY command
 * (each command loads only its own module, yet the file is checked as a whole), unknown keys are still
 * refused, and SMTP settings are never taken from a file inside the repository.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { COMMANDS } from '../../src/cli/commands/index.js';
import { CONFIG_FILE_NAME } from '../../src/conventions/config.js';
import { smtpSettings } from '../../src/report/mail/smtp-config.js';
import { runCli, type CliResult } from '../helpers/cli.js';
import { buildSelectRepo, type SelectFixture } from '../select/builder.js';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');

/** Every section docs/config.md, docs/selection.md, docs/mail.md and docs/review.md document. */
const FULL = {
  '// note': 'every documented section',
  conventions: { fixesKeys: ['...', 'bug-introduced-by'] },
  select: { optOutPaths: ['doc/**'], lag: 'weight' },
  mail: { from: 'Stable Tester <tester@example.org>', to: ['stable@example.org'], cc: ['list@example.org'] },
  review: {
    reviewers: ['Stable Tester <tester@example.org>'],
    optOutPaths: [{ paths: ['doc/**'], branches: ['stable-1.0'], reason: 'docs are not backported' }],
    ackPaths: [{ paths: ['mm/**'], reason: 'mm needs an ACK' }],
  },
};

let fx: SelectFixture;
let tmp: string;
let cache: string;

const cli = (args: string[], env: Record<string, string> = {}): CliResult =>
  runCli([...args, ...(args[0] === 'code' || args[0] === 'apply-check' ? [] : ['--db', fx.dbFile]), '--repo', fx.repo.dir], {
    env: { STABLEPICK_CACHE_DIR: cache, XDG_CONFIG_HOME: path.join(tmp, 'xdg'), ...env },
  });

beforeAll(() => {
  fx = buildSelectRepo({ trainPairs: 6 });
  tmp = mkdtempSync(path.join(os.tmpdir(), 'stablepick-fullcfg-'));
  cache = path.join(tmp, 'cache');
  writeFileSync(path.join(fx.repo.dir, CONFIG_FILE_NAME), `${JSON.stringify(FULL, null, 2)}\n`);
}, 120_000);
afterAll(() => {
  fx?.cleanup();
  if (tmp) rmSync(tmp, { recursive: true, force: true });
});

/** Runs `serve` until it prints its address, then stops it. */
function serveOnce(): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        path.join(ROOT, 'src', 'cli', 'bin.ts'),
        'serve',
        '--range',
        'v1.1..v1.2',
        '--branch',
        'stable-1.1',
        '--port',
        '0',
        '--who',
        'T <t@example.org>',
        '--json',
        '--repo',
        fx.repo.dir,
        '--db',
        fx.dbFile,
      ],
      {
        cwd: ROOT,
        env: { ...process.env, STABLEPICK_CACHE_DIR: cache, XDG_CONFIG_HOME: path.join(tmp, 'xdg') },
      },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => {
      stdout += b.toString('utf8');
    });
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString('utf8');
      if (stderr.includes('Press Ctrl-C')) child.kill('SIGTERM');
    });
    child.on('error', reject);
    child.on('close', () => resolve({ stdout, stderr }));
  });
}

describe('a config with every documented section', () => {
  it('every command runs with it', async () => {
    const runs: [string, string[], number[]][] = [
      ['index', ['index'], [0]],
      ['stats', ['stats'], [0]],
      ['branches', ['branches'], [0]],
      ['show', ['show', 'HEAD'], [0]],
      ['train', ['train'], [0]],
      ['scan', ['scan', 'v1.1..v1.2', '--branch', 'stable-1.1'], [0]],
      ['eval', ['eval', '--window', 'v1.0..v1.1', '--branch', 'stable-1.0', '--out', path.join(tmp, 'eval.jsonl')], [0]],
      ['deps', ['deps', 'v1.2', '--branch', 'stable-1.1'], [0]],
      ['affected', ['affected', 'v1.2'], [0]],
      ['audit', ['audit', '--branch', 'stable-1.1'], [0]],
      ['apply-check', ['apply-check', 'v1.2', '--branch', 'stable-1.1'], [0, 1]],
      ['code', ['code', 'touched', 'v1.2'], [0]],
      ['explain', ['explain', 'v1.2', '--branch', 'stable-1.1', '--no-apply'], [0]],
      ['mail', ['mail', 'v1.1..v1.2', '--branch', 'stable-1.1', '--out', path.join(tmp, 'series.mbox')], [0]],
      ['review', ['review', 'list'], [0]],
    ];
    const covered = new Set(runs.map(([name]) => name));
    for (const [name, args, ok] of runs) {
      // With --json too: the rule of docs/cli.md, checked over every command (JSON Lines, nothing else).
      const r = cli([...args, '--json']);
      expect({ name, code: ok.includes(r.code) ? 'ok' : r.code, stderr: r.stderr.includes('config') ? r.stderr : '' }).toEqual({
        name,
        code: 'ok',
        stderr: '',
      });
      const lines = r.stdout.split('\n');
      expect(lines.pop()).toBe('');
      expect(lines.length).toBeGreaterThan(0);
      for (const l of lines) expect(() => JSON.parse(l) as unknown, `${name}: ${l.slice(0, 80)}`).not.toThrow();
    }
    const s = await serveOnce();
    expect(s.stderr).not.toMatch(/unknown key|stablepick\.config\.json/);
    // It got past the config to judging the range: it serves, or (web/ not built here) says so.
    if (s.stdout) expect(JSON.parse(s.stdout.trim())).toMatchObject({ range: 'v1.1..v1.2' });
    else expect(s.stderr).toMatch(/the dashboard's page is not built/);
    covered.add('serve');
    // demo builds its own sample repository and reads no repository's config.
    covered.add('demo');
    // mcp serves on stdin until it ends (here at once): it got past the config.
    const m = cli(['mcp']);
    expect({ code: m.code, stderr: m.stderr }).toEqual({ code: 0, stderr: '' });
    covered.add('mcp');
    expect([...covered].sort()).toEqual(COMMANDS.map(([n]) => n).sort());
  }, 300_000);

  it('an unknown section is still refused, by every command', () => {
    writeFileSync(path.join(fx.repo.dir, CONFIG_FILE_NAME), JSON.stringify({ ...FULL, mial: {} }));
    try {
      for (const args of [['stats'], ['show', 'HEAD']]) {
        const r = cli(args);
        expect(r.code).toBe(1);
        expect(r.stderr).toMatch(/unknown key "mial" — known sections: conventions, .*mail/);
      }
    } finally {
      writeFileSync(path.join(fx.repo.dir, CONFIG_FILE_NAME), `${JSON.stringify(FULL, null, 2)}\n`);
    }
  });
});

describe('SMTP settings', () => {
  it('a repository config that sets mail.smtp is refused by mail, saying where to move it', () => {
    const gitDirConfig = path.join(fx.repo.dir, '.git', CONFIG_FILE_NAME);
    rmSync(path.join(fx.repo.dir, CONFIG_FILE_NAME));
    writeFileSync(gitDirConfig, JSON.stringify({ mail: { to: ['stable@example.org'], smtp: { host: 'smtp.attacker.example', port: 25 } } }));
    try {
      const r = cli(['mail', 'v1.1..v1.2', '--branch', 'stable-1.1', '--from', 'T <t@example.org>', '--out', path.join(tmp, 'refused.mbox'), '--send'], {
        STABLEPICK_SMTP_PASS: 'secret',
      });
      expect(r.code).toBe(1);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
      expect(r.stderr).toContain('mail.smtp (SMTP host, port, user) is not taken from a file inside the repository');
      expect(r.stderr).toContain(`move "smtp" to ${path.join(tmp, 'xdg', 'stablepick', 'config.json')}`);
    } finally {
      rmSync(gitDirConfig);
      writeFileSync(path.join(fx.repo.dir, CONFIG_FILE_NAME), `${JSON.stringify(FULL, null, 2)}\n`);
    }
  });

  it('host, port and user come from the command line, the environment, then the user config file', () => {
    const xdg = path.join(tmp, 'xdg-user');
    mkdirSync(path.join(xdg, 'stablepick'), { recursive: true });
    writeFileSync(path.join(xdg, 'stablepick', 'config.json'), JSON.stringify({ mail: { smtp: { host: 'smtp.mine.example', port: 465, user: 'me' } } }));
    const saved = process.env.XDG_CONFIG_HOME;
    process.env.XDG_CONFIG_HOME = xdg;
    try {
      expect(smtpSettings({}, {})).toEqual({ host: 'smtp.mine.example', port: 465, secure: true, user: 'me' });
      expect(smtpSettings({}, { STABLEPICK_SMTP_HOST: 'smtp.env.example', STABLEPICK_SMTP_PORT: '587', STABLEPICK_SMTP_PASS: 'p' })).toEqual({
        host: 'smtp.env.example',
        port: 587,
        secure: false,
        user: 'me',
        pass: 'p',
      });
      expect(smtpSettings({ host: 'smtp.cli.example', port: '2525', user: 'u' }, { STABLEPICK_SMTP_HOST: 'smtp.env.example' })).toMatchObject({
        host: 'smtp.cli.example',
        port: 2525,
        user: 'u',
      });
      process.env.XDG_CONFIG_HOME = path.join(tmp, 'none');
      expect(smtpSettings({}, {})).toBeNull();
    } finally {
      if (saved === undefined) delete process.env.XDG_CONFIG_HOME;
      else process.env.XDG_CONFIG_HOME = saved;
    }
  });
});
