/**
 * Generates a kernel-scale synthetic git repository through `git fast-import`.
 *
 *   npx tsx bench/synthetic/generate.ts --out DIR --commits 1000000 [--seed 1] [--stable-branches 8]
 *       [--stable-ratio 0.1] [--files 30000] [--worktree] [--truth FILE] [--compression N]
 *
 * Progress goes to stderr, a JSON summary to stdout. See README.md in this folder.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { cleanGitEnv, FastImport } from './fast-import.js';
import { HistoryGenerator } from './history.js';

function git(cwd: string, args: readonly string[]): string {
  const r = spawnSync('git', args, { cwd, env: cleanGitEnv(), encoding: 'utf8', maxBuffer: 1 << 26 });
  if (r.status !== 0) throw new Error(`git ${args.join(' ')}: ${(r.stderr || r.error?.message || '').trim()}`);
  return r.stdout.trim();
}

function num(v: string | undefined, name: string, def: number, min: number): number {
  if (v === undefined) return def;
  const x = Number(v);
  if (!Number.isFinite(x) || x < min) throw new Error(`--${name} must be a number >= ${min}`);
  return x;
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      out: { type: 'string' },
      commits: { type: 'string' },
      seed: { type: 'string' },
      'stable-branches': { type: 'string' },
      'stable-ratio': { type: 'string' },
      files: { type: 'string' },
      worktree: { type: 'boolean' },
      truth: { type: 'string' },
      compression: { type: 'string' },
    },
    strict: true,
  });
  if (!values.out) throw new Error('usage: generate.ts --out DIR --commits N [--seed S] [--stable-branches K] [--worktree] [--truth FILE]');
  const out = path.resolve(values.out);
  const commits = Math.floor(num(values.commits, 'commits', 1000, 300));
  const seed = Math.floor(num(values.seed, 'seed', 1, 0));
  const stableBranches = Math.floor(num(values['stable-branches'], 'stable-branches', 8, 0));
  const stableRatio = num(values['stable-ratio'], 'stable-ratio', 0.1, 0);
  const files = Math.floor(num(values.files, 'files', 30000, 1000));
  const compression = Math.floor(num(values.compression, 'compression', 1, -1));
  if (existsSync(out) && readdirSync(out).length > 0) throw new Error(`${out} exists and is not empty`);
  mkdirSync(out, { recursive: true });

  const started = Date.now();
  const bare = !values.worktree;
  git(out, ['init', '-q', ...(bare ? ['--bare'] : []), '-b', 'master', '.']);
  const gitDir = bare ? out : path.join(out, '.git');
  const fi = new FastImport(gitDir, ['--quiet', `--active-branches=${stableBranches + 16}`], ['-c', `pack.compression=${compression}`]);
  const log = (line: string): void => void process.stderr.write(`[synthetic] ${line}\n`);
  const gen = new HistoryGenerator(fi, { commits, seed, stableBranches, stableRatio, files, progress: log });
  try {
    await gen.run();
    await fi.finish();
  } catch (e) {
    fi.kill();
    throw e;
  }
  const imported = (Date.now() - started) / 1000;
  log(`fast-import done in ${imported.toFixed(1)}s`);
  git(out, ['pack-refs', '--all']);
  if (!bare) git(out, ['reset', '-q', '--hard']);
  const total = Number(git(out, ['rev-list', '--all', '--count']));
  const mainline = Number(git(out, ['rev-list', '--count', 'master']));
  if (values.truth) {
    const lines = gen.truth.map((t) =>
      JSON.stringify({ type: t.type, commit: fi.knownSha(t.mark), target: fi.knownSha(t.target), form: t.form, ...(t.branch ? { branch: t.branch } : {}) }),
    );
    writeFileSync(values.truth, lines.length ? `${lines.join('\n')}\n` : '');
  }
  const c = gen.counts;
  const summary = {
    commits: total,
    mainline,
    stable: c.stable,
    tags: c.releases + c.rcTags,
    fixes: c.fixes,
    stableTags: c.stableTags,
    markers: c.markers,
    seconds: Math.round((Date.now() - started) / 100) / 10,
    detail: {
      releases: c.releases,
      rcTags: c.rcTags,
      merges: c.merges,
      octopus: c.octopus,
      fixesLines: c.fixesLines,
      fixesShort: c.fixesShort,
      fixesMalformed: c.fixesMalformed,
      ccStable: c.ccStable,
      reverts: c.reverts,
      treewide: c.treewide,
      stableBranches: gen.branchNames,
      stablePicks: c.stablePicks,
      markerUpstream: c.markerUpstream,
      markerBracket: c.markerBracket,
      markerCherry: c.markerCherry,
      markerChained: c.markerChained,
      markerNone: c.markerNone,
      adaptedPicks: c.adapted,
      importSeconds: Math.round(imported * 10) / 10,
      seed,
      bare,
    },
  };
  if (total !== c.mainline + c.stable) log(`warning: git counts ${total} commits, the generator wrote ${c.mainline + c.stable}`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
}

main().catch((e: unknown) => {
  process.stderr.write(`generate: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
