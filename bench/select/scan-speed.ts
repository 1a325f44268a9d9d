/**
 * Speed: `stablepick scan v22.11..v23.03 --branch 22.11` on an indexed (and trained) DPDK against DPDK's
 * own devtools/git-log-fixes.sh on the same range, in the same run. The script runs in a temporary
 * `git clone --shared` of the mirror under /tmp (never in the mirror).
 *
 *   npx tsx bench/select/scan-speed.ts [--runs 3] [--skip-peer] [--db FILE]
 *
 * FILE (default /tmp/sel/dpdk.sqlite) must hold a model: `stablepick train --repo <mirror> --db FILE`.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { argv, opt } from '../args.js';

const MIRROR = '/work/.mirror/DPDK+dpdk/repo';
const RANGE = 'v22.11..v23.03';
const DB = opt('--db') ?? '/tmp/sel/dpdk.sqlite';
const WORK = path.dirname(DB);
const runs = Number(opt('--runs') ?? 3) || 3;
const skipPeer = argv.includes('--skip-peer');

function timed(cmd: string, argv: string[], cwd: string): { seconds: number; stdout: string } {
  const t0 = performance.now();
  const r = spawnSync(cmd, argv, { cwd, encoding: 'utf8', maxBuffer: 1 << 28 });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  return { seconds, stdout: r.stdout };
}

const root = path.resolve('.');
const scanArgs = (db: string): string[] => [
  '--import',
  'tsx',
  path.join(root, 'src/cli/bin.ts'),
  'scan',
  RANGE,
  '--branch',
  '22.11',
  '--json',
  '--repo',
  MIRROR,
  '--db',
  db,
];
const result: Record<string, unknown> = { range: RANGE, runs };

// Warm: the model and line counts stored by `train`. Cold: a copy of the index without cached line counts.
const warm: number[] = [];
let lines = 0;
for (let i = 0; i < runs; i++) {
  const r = timed(process.execPath, scanArgs(DB), root);
  warm.push(r.seconds);
  lines = r.stdout.trim().split('\n').length;
}
const cold = path.join(WORK, 'dpdk-cold.sqlite');
copyFileSync(DB, cold);
for (const ext of ['-wal', '-shm']) if (existsSync(DB + ext)) copyFileSync(DB + ext, cold + ext);
const cdb = new Database(cold);
cdb.exec('DELETE FROM select_numstat');
cdb.close();
const coldRun = timed(process.execPath, scanArgs(cold), root).seconds;
rmSync(cold, { force: true });
result.stablepick = {
  warmSeconds: warm,
  medianWarm: [...warm].sort((a, b) => a - b)[Math.floor(warm.length / 2)],
  coldLineCountsSeconds: coldRun,
  verdicts: lines,
};

if (!skipPeer) {
  const clone = path.join(WORK, 'dpdk-clone');
  rmSync(clone, { recursive: true, force: true });
  execFileSync('git', ['clone', '-q', '--shared', MIRROR, clone]);
  mkdirSync(path.join(clone, 'devtools'), { recursive: true });
  const script = execFileSync('git', ['--git-dir', MIRROR, 'show', 'main:devtools/git-log-fixes.sh'], { encoding: 'utf8' });
  writeFileSync(path.join(clone, 'git-log-fixes.sh'), script);
  const peer = timed('bash', ['git-log-fixes.sh', RANGE], clone);
  result.gitLogFixes = { seconds: peer.seconds, lines: peer.stdout.trim().split('\n').length };
  rmSync(clone, { recursive: true, force: true });
  const med = (result.stablepick as { medianWarm: number }).medianWarm;
  result.ratio = med / peer.seconds;
}
mkdirSync('bench/out/select', { recursive: true });
writeFileSync('bench/out/select/scan-speed.json', `${JSON.stringify(result, null, 1)}\n`);
process.stdout.write(`${JSON.stringify(result, null, 1)}\n`);
