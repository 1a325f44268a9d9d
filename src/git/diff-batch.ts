/**
 * Per-commit diffs in bulk: `git diff-tree --stdin` over a list of commits, for line counts (--numstat)
 * and patch ids (-p piped into `git patch-id --stable`). git dies on the first commit whose blob is
 * missing (partial clones, DPDK's GitHub copy); then the batch is split in halves until the commits that
 * cannot be diffed are isolated, and those get `null` instead of failing everything.
 */
import { StablepickError } from '../errors.js';
import { classifyGitFailure, runGit, spawnFailure, spawnGit, type GitTarget } from './run.js';

export interface NumStat {
  added: number;
  deleted: number;
  files: number;
  binaryFiles: number;
}

const BATCH = 200;

function isMissing(e: unknown): boolean {
  return e instanceof StablepickError && (e.code === 'MISSING_OBJECT' || e.code === 'GIT_FAILED');
}

/** Runs `work` on batches; a batch that fails for a missing object is bisected. */
async function bisecting<T>(shas: readonly string[], work: (batch: readonly string[]) => Promise<Map<string, T>>, out: Map<string, T | null>): Promise<void> {
  const batches: string[][] = [];
  for (let i = 0; i < shas.length; i += BATCH) batches.push(shas.slice(i, i + BATCH));
  // Two pipelines at a time: git diffs on one core while the other finishes the previous batch.
  let next = 0;
  const lane = async (): Promise<void> => {
    while (next < batches.length) await bisectOne(batches[next++]!, work, out);
  };
  await Promise.all([lane(), lane()]);
}

async function bisectOne<T>(batch: readonly string[], work: (b: readonly string[]) => Promise<Map<string, T>>, out: Map<string, T | null>): Promise<void> {
  try {
    const res = await work(batch);
    for (const s of batch) out.set(s, res.get(s) ?? null);
  } catch (e) {
    if (!isMissing(e)) throw e;
    if (batch.length === 1) {
      out.set(batch[0]!, null);
      return;
    }
    const mid = batch.length >> 1;
    await bisectOne(batch.slice(0, mid), work, out);
    await bisectOne(batch.slice(mid), work, out);
  }
}

/** Added/deleted line counts per commit (against its first parent); null when git cannot diff it. */
export async function numstats(target: GitTarget, shas: readonly string[]): Promise<Map<string, NumStat | null>> {
  const out = new Map<string, NumStat | null>();
  await bisecting(shas, (b) => numstatBatch(target, b), out);
  return out;
}

/** Runs `git <args>` with the shas on its standard input, each line of its output to `onLine`; resolves when git exits 0. */
function linesOfGit(target: GitTarget, args: readonly string[], shas: readonly string[], onLine: (line: string) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const child = spawnGit(target, [...args], { GIT_FLUSH: '0' });
    let pending = '';
    let errText = '';
    let failed = false;
    child.on('error', (e: NodeJS.ErrnoException) => {
      failed = true;
      reject(spawnFailure(e));
    });
    child.stdout.setEncoding('utf8');
    child.stdout.on('data', (s: string) => {
      pending += s;
      const lines = pending.split('\n');
      pending = lines.pop() ?? '';
      for (const l of lines) onLine(l);
    });
    child.stderr.on('data', (b: Buffer) => (errText += b.toString('utf8')));
    child.stdin.on('error', () => undefined);
    child.stdin.end(`${shas.join('\n')}\n`);
    child.on('close', (code) => {
      if (failed) return;
      if (pending) onLine(pending);
      if (code !== 0) reject(classifyGitFailure([...args], errText, code));
      else resolve();
    });
  });
}

async function numstatBatch(target: GitTarget, shas: readonly string[]): Promise<Map<string, NumStat>> {
  const res = new Map<string, NumStat>();
  let cur: NumStat | null = null;
  await linesOfGit(target, ['diff-tree', '--stdin', '--numstat', '--no-renames', '-r', '--root'], shas, (line) => {
    if (/^[0-9a-f]{40}$/.test(line)) {
      cur = { added: 0, deleted: 0, files: 0, binaryFiles: 0 };
      res.set(line, cur);
      return;
    }
    if (!cur || !line) return;
    const t1 = line.indexOf('\t');
    const t2 = line.indexOf('\t', t1 + 1);
    if (t1 < 0 || t2 < 0) return;
    const a = line.slice(0, t1);
    const d = line.slice(t1 + 1, t2);
    cur.files++;
    if (a === '-' || d === '-') cur.binaryFiles++;
    else {
      cur.added += Number(a);
      cur.deleted += Number(d);
    }
  });
  // Commits with no file changes print nothing: they are 0/0.
  for (const s of shas) if (!res.has(s)) res.set(s, { added: 0, deleted: 0, files: 0, binaryFiles: 0 });
  return res;
}

/**
 * `git patch-id --stable` of each commit's diff against its first parent. null for a commit with an empty
 * diff (merges, empty commits) or one git cannot diff.
 */
export async function commitPatchIds(target: GitTarget, shas: readonly string[]): Promise<Map<string, string | null>> {
  const out = new Map<string, string | null>();
  await bisecting(shas, (b) => patchIdBatch(target, b), out);
  return out;
}

function patchIdBatch(target: GitTarget, shas: readonly string[]): Promise<Map<string, string>> {
  return new Promise((resolve, reject) => {
    const diffArgs = ['diff-tree', '--stdin', '-p', '--no-renames', '-r', '--root', '--no-color', '--full-index'];
    const diff = spawnGit(target, diffArgs, { GIT_FLUSH: '0' });
    const pid = spawnGit(target, ['patch-id', '--stable']);
    const res = new Map<string, string>();
    let diffErr = '';
    let pidErr = '';
    let out = '';
    let done = 0;
    let diffCode: number | null = null;
    let pidCode: number | null = null;
    let failed = false;
    const fail = (e: Error): void => {
      if (failed) return;
      failed = true;
      diff.kill();
      pid.kill();
      reject(e);
    };
    diff.on('error', (e: NodeJS.ErrnoException) => fail(spawnFailure(e)));
    pid.on('error', (e: NodeJS.ErrnoException) => fail(spawnFailure(e)));
    diff.stdout.pipe(pid.stdin);
    pid.stdin.on('error', () => undefined);
    diff.stdin.on('error', () => undefined);
    diff.stderr.on('data', (b: Buffer) => (diffErr += b.toString('utf8')));
    pid.stderr.on('data', (b: Buffer) => (pidErr += b.toString('utf8')));
    pid.stdout.setEncoding('utf8');
    pid.stdout.on('data', (s: string) => (out += s));
    const finish = (): void => {
      if (failed || ++done < 2) return;
      if (diffCode !== 0) return fail(classifyGitFailure(diffArgs, diffErr, diffCode));
      if (pidCode !== 0) return fail(classifyGitFailure(['patch-id'], pidErr, pidCode));
      for (const line of out.split('\n')) {
        const [p, c] = line.split(' ');
        if (p && c) res.set(c, p);
      }
      resolve(res);
    };
    diff.on('close', (code) => {
      diffCode = code;
      finish();
    });
    pid.on('close', (code) => {
      pidCode = code;
      finish();
    });
    diff.stdin.end(`${shas.join('\n')}\n`);
  });
}

/**
 * The changed lines of each commit against its first parent (`git diff-tree -p -U0`), as '+text' and
 * '-text', trimmed; lines shorter than 4 characters (a lone brace) left out. null for a commit git cannot
 * diff. For telling an adapted backport from an unrelated commit of the same subject (holdings).
 */
/** Per commit: its changed lines (sign + trimmed text, 4 characters or more) and its paths (`\\0path`). */
export async function commitChangedLines(target: GitTarget, shas: readonly string[]): Promise<Map<string, Set<string> | null>> {
  const out = new Map<string, Set<string> | null>();
  await bisecting(shas, (b) => changedLinesBatch(target, b), out);
  return out;
}

async function changedLinesBatch(target: GitTarget, shas: readonly string[]): Promise<Map<string, Set<string>>> {
  const args = ['diff-tree', '--stdin', '-p', '-U0', '--no-renames', '-r', '--root', '--no-color', '--no-ext-diff', '--no-textconv'];
  const r = await runGit(target, args, { input: `${shas.join('\n')}\n` });
  const res = new Map<string, Set<string>>();
  let cur: Set<string> | null = null;
  for (const line of r.stdout.toString('utf8').split('\n')) {
    if (/^[0-9a-f]{40}$/.test(line)) {
      res.set(line, (cur = new Set()));
      continue;
    }
    if (!cur) continue;
    // The paths a commit changes, as entries of their own ("\0path"): a pick changes the same files.
    if (line.startsWith('+++ b/') || line.startsWith('--- a/')) {
      cur.add(`\0${line.slice(6)}`);
      continue;
    }
    if (line.startsWith('+++ ') || line.startsWith('--- ')) continue;
    const c = line.charCodeAt(0);
    if (c !== 43 /* + */ && c !== 45 /* - */) continue;
    const t = line.slice(1).trim();
    if (t.length >= 4) cur.add(`${line[0]}${t}`);
  }
  for (const s of shas) if (!res.has(s)) res.set(s, new Set());
  return res;
}

/** What reads one commit's patch line by line (`diff --git`, `+++ b/path`, `@@ ...`, `+text`, `-text`). */
export interface PatchSink<T> {
  line(l: string): void;
  done(): T;
}

/**
 * Each commit's zero-context patch against its first parent (`git diff-tree -p -U0`), streamed line by line
 * into a sink made per commit; the sinks' results by sha. null for a commit git cannot diff.
 */
export async function streamPatches<T>(target: GitTarget, shas: readonly string[], sink: () => PatchSink<T>): Promise<Map<string, T | null>> {
  const out = new Map<string, T | null>();
  await bisecting(shas, (b) => patchStreamBatch(target, b, sink), out);
  return out;
}

async function patchStreamBatch<T>(target: GitTarget, shas: readonly string[], sink: () => PatchSink<T>): Promise<Map<string, T>> {
  const args = ['diff-tree', '--stdin', '-p', '-U0', '--no-renames', '-r', '--root', '--no-color', '--no-ext-diff', '--no-textconv'];
  const res = new Map<string, T>();
  let sha: string | null = null;
  let cur: PatchSink<T> | null = null;
  const close = (): void => {
    if (sha && cur) res.set(sha, cur.done());
  };
  await linesOfGit(target, args, shas, (line) => {
    if (line.length === 40 && /^[0-9a-f]{40}$/.test(line)) {
      close();
      sha = line;
      cur = sink();
      return;
    }
    cur?.line(line);
  });
  close();
  for (const s of shas) if (!res.has(s)) res.set(s, sink().done());
  return res;
}
