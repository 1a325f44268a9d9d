/** `stablepick serve` as a process: prints the address with the token, serves, stops on SIGTERM; clear errors. */
import { spawn, spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Overview } from '../../src/server/api-types.js';
import { openDb } from '../../src/history/db.js';
import { runDemo, type DemoResult } from '../../src/demo/run-demo.js';
import { makeTempDir } from '../helpers/repo-builder.js';
import { ROOT } from './build-web.js';
import { prepareDemo } from './demo-dashboard.js';

const MAIN = path.join(ROOT, 'test', 'web', 'serve-main.ts');
let demo: DemoResult;
const children: { kill(sig: NodeJS.Signals): boolean }[] = [];

beforeAll(async () => {
  demo = await prepareDemo();
}, 120_000);

afterAll(() => {
  for (const c of children) c.kill('SIGKILL');
});

describe('stablepick serve', () => {
  it('judges the range, prints the address with the token, serves the API and stops on SIGTERM', async () => {
    const child = spawn(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'serve',
        '--repo',
        demo.repoDir,
        '--db',
        demo.dbPath,
        '--range',
        'v6.17..master',
        '--branch',
        'linux-6.12.y,linux-6.17.y',
        '--port',
        '0',
        '--who',
        'Cli Tester <cli@example.org>',
        '--no-open',
      ],
      {
        cwd: ROOT,
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    children.push(child);
    let out = '';
    let err = '';
    child.stderr.on('data', (b: Buffer) => (err += b.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (b: Buffer) => {
        out += b.toString();
        const m = /(http:\/\/127\.0\.0\.1:\d+\/\?token=[0-9a-f]{64})\n/.exec(out);
        if (m) resolve(m[1]!);
      });
      child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
    });
    expect(out).toContain('stablepick dashboard for v6.17..master (linux-6.12.y: 9, linux-6.17.y: 9)');
    const u = new URL(url);
    const r = await fetch(`${u.origin}/api/overview`, { headers: { 'X-Stablepick-Token': u.searchParams.get('token')! } });
    expect(r.status).toBe(200);
    const o = (await r.json()) as Overview;
    expect(o.reviewer).toBe('Cli Tester <cli@example.org>');
    expect(o.branches.map((b) => b.total)).toEqual([9, 9]);
    const code = await new Promise<number | null>((resolve) => {
      child.on('exit', (c) => resolve(c));
      child.kill('SIGTERM');
    });
    expect(code).toBe(0);
    expect(err).toBe('');
  }, 60_000);

  it('says what to do when the index has no trained model, and for a bad port', async () => {
    const untrained = await runDemo({ dir: path.join(makeTempDir('stablepick-web-untrained-'), 'demo') });
    const db = openDb(untrained.dbPath, { mustExist: true });
    try {
      db.prepare('DELETE FROM select_models').run();
    } finally {
      db.close();
    }
    const r = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'serve',
        '--repo',
        untrained.repoDir,
        '--db',
        untrained.dbPath,
        '--range',
        'v6.17..master',
        '--branch',
        'linux-6.12.y',
        '--port',
        '0',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 40_000 },
    );
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(/^stablepick: .*model.*— .*stablepick train/);
    const bad = spawnSync(
      process.execPath,
      [
        '--import',
        'tsx',
        MAIN,
        'serve',
        '--repo',
        demo.repoDir,
        '--db',
        demo.dbPath,
        '--range',
        'v6.17..master',
        '--branch',
        'linux-6.12.y',
        '--port',
        '99999',
      ],
      { cwd: ROOT, encoding: 'utf8', timeout: 40_000 },
    );
    expect(bad.status).toBe(1);
    expect(bad.stderr).toBe('stablepick: --port 99999 is not a port number — give 0-65535 (0: any free port)\n');
  }, 60_000);
});
