/**
 * Index benchmark: full index of a repository (all refs) against the raw `git log` that streams the same
 * fields, in the same run; then an incremental update after one new commit. Runs the built CLI
 * (`npm run build` first) as a user would, and reads peak memory with /usr/bin/time.
 *
 *   npx tsx bench/index/bench-index.ts --repo /work/.mirror/DPDK+dpdk/repo [--runs 3]
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const args = process.argv.slice(2);
const opt = (name: string, dflt: string): string => {
  const i = args.indexOf(`--${name}`);
  return i >= 0 && args[i + 1] ? args[i + 1]! : dflt;
};
const repo = opt('repo', '/work/.mirror/DPDK+dpdk/repo');
const runs = Number(opt('runs', '3'));
const skipIncremental = args.includes('--no-incremental');
const root = path.resolve(path.dirname(new URL(import.meta.url).pathname), '..', '..');
const bin = path.join(root, 'bin', 'stablepick.js');
const FORMAT = '%x1e%H%x00%P%x00%an%x00%ae%x00%at%x00%cn%x00%ce%x00%ct%x00%B';

interface Timed {
  seconds: number;
  maxRssMb: number;
  stdout: string;
}

function timed(cmd: string, argv: string[], env: NodeJS.ProcessEnv = process.env): Timed {
  const t0 = performance.now();
  const r = spawnSync('/usr/bin/time', ['-f', '%M', cmd, ...argv], { env, encoding: 'utf8', maxBuffer: 1 << 30, stdio: ['ignore', 'pipe', 'pipe'] });
  const seconds = (performance.now() - t0) / 1000;
  if (r.status !== 0) throw new Error(`${cmd} ${argv.join(' ')} failed: ${r.stderr}`);
  const lines = r.stderr.trim().split('\n');
  return { seconds, maxRssMb: Number(lines[lines.length - 1]) / 1024, stdout: r.stdout };
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

const rawTimes: number[] = [];
const pipedTimes: number[] = [];
const fullTimes: number[] = [];
let fullRss = 0;
let report: Record<string, unknown> = {};
for (let i = 0; i < runs; i++) {
  const raw = timed('/bin/sh', ['-c', `git --git-dir='${repo}' log --all -z '--format=${FORMAT}' --raw --no-renames --no-abbrev > /dev/null`]);
  rawTimes.push(raw.seconds);
  // The same output read through a pipe by another process (as any indexer must read it).
  const piped = timed('/bin/sh', ['-c', `git --git-dir='${repo}' log --all -z '--format=${FORMAT}' --raw --no-renames --no-abbrev | cat > /dev/null`]);
  pipedTimes.push(piped.seconds);
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-bench-'));
  const full = timed(process.execPath, [bin, 'index', '--repo', repo, '--db', path.join(dir, 'i.sqlite'), '--json']);
  fullTimes.push(full.seconds);
  fullRss = Math.max(fullRss, full.maxRssMb);
  report = JSON.parse(full.stdout) as Record<string, unknown>;
  rmSync(dir, { recursive: true, force: true });
}
const revCount = Number(execFileSync('git', ['--git-dir', repo, 'rev-list', '--all', '--count'], { encoding: 'utf8' }).trim());
const result: Record<string, unknown> = {
  repo,
  runs,
  commits_indexed: report.totalCommits,
  rev_list_all_count: revCount,
  raw_git_log_s: median(rawTimes),
  raw_git_log_piped_s: median(pipedTimes),
  full_index_s: median(fullTimes),
  ratio: median(fullTimes) / median(rawTimes),
  ratio_to_piped: median(fullTimes) / median(pipedTimes),
  full_index_peak_rss_mb: Math.round(fullRss),
  raw_times: rawTimes,
  full_times: fullTimes,
};

if (!skipIncremental) {
  // Incremental: a clone that borrows the mirror's objects (alternates), indexed, then one new commit.
  const dir = mkdtempSync(path.join(os.tmpdir(), 'sp-bench-inc-'));
  const clone = path.join(dir, 'clone.git');
  execFileSync('git', ['clone', '-q', '--bare', '--shared', repo, clone]);
  const db = path.join(dir, 'i.sqlite');
  timed(process.execPath, [bin, 'index', '--repo', clone, '--db', db, '--json']);
  const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
  const head = execFileSync('git', ['--git-dir', clone, 'symbolic-ref', 'HEAD'], { encoding: 'utf8' }).trim();
  const tree = execFileSync('git', ['--git-dir', clone, 'rev-parse', `${head}^{tree}`], { encoding: 'utf8' }).trim();
  const parent = execFileSync('git', ['--git-dir', clone, 'rev-parse', head], { encoding: 'utf8' }).trim();
  const incTimes: number[] = [];
  let last = parent;
  for (let i = 0; i < runs; i++) {
    const c = execFileSync(
      'git',
      ['--git-dir', clone, 'commit-tree', tree, '-p', last, '-m', `bench: one more commit ${i}\n\nFixes: ${parent.slice(0, 12)} ("x")`],
      { encoding: 'utf8', env },
    ).trim();
    execFileSync('git', ['--git-dir', clone, 'update-ref', head, c]);
    last = c;
    const inc = timed(process.execPath, [bin, 'index', '--repo', clone, '--db', db, '--json']);
    const rep = JSON.parse(inc.stdout) as { newCommits: number };
    if (rep.newCommits !== 1) throw new Error(`incremental indexed ${rep.newCommits} commits, expected 1`);
    incTimes.push(inc.seconds);
  }
  const nodeStart = timed(process.execPath, ['-e', '0']);
  result.incremental_one_commit_s = median(incTimes);
  result.incremental_times = incTimes;
  result.node_startup_s = nodeStart.seconds;
  rmSync(dir, { recursive: true, force: true });
}
process.stdout.write(`${JSON.stringify(result, null, 2)}\n`);
