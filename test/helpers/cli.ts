/**
 * Running the real stablepick CLI from source in a child process, as a user would: arguments, exit code,
 * stdout, stderr. The index goes to a per-test cache folder, never into the user's ~/.cache.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..');
const BIN = path.join(ROOT, 'src', 'cli', 'bin.ts');

export interface CliResult {
  code: number;
  stdout: string;
  stderr: string;
}

export interface CliOptions {
  cwd?: string;
  env?: Record<string, string>;
  input?: string;
}

/** A fresh folder for index files. */
export function tempCacheDir(): string {
  return mkdtempSync(path.join(os.tmpdir(), 'stablepick-cache-'));
}

export function runCli(args: readonly string[], opts: CliOptions = {}): CliResult {
  const r = spawnSync(process.execPath, ['--import', 'tsx', BIN, ...args], {
    cwd: opts.cwd ?? ROOT,
    env: { ...process.env, STABLEPICK_CACHE_DIR: opts.env?.STABLEPICK_CACHE_DIR ?? tempCacheDir(), ...opts.env },
    input: opts.input ?? '',
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
  });
  return { code: r.status ?? -1, stdout: r.stdout, stderr: r.stderr };
}

/** Parses the CLI's JSON output, with the raw text in the error when it is not JSON. */
export function parseJson<T>(r: CliResult): T {
  try {
    return JSON.parse(r.stdout) as T;
  } catch {
    throw new Error(`not JSON (exit ${r.code}):\nstdout: ${r.stdout.slice(0, 2000)}\nstderr: ${r.stderr.slice(0, 2000)}`);
  }
}
