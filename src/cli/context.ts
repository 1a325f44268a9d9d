/** What every command needs: the repository, its index, its conventions, and how to print. */
import type { Command } from 'commander';
import { loadConfig, resolveConventions } from '../conventions/config.js';
import { detectedOverrides } from '../conventions/detect.js';
import { DEFAULT_CONVENTIONS, type Conventions } from '../conventions/types.js';
import { storedDetection } from '../history/detect.js';
import { openRepository, type Repository } from '../git/repo.js';
import { defaultDbPath, openDb, type DB } from '../history/db.js';

export interface CommonOptions {
  repo?: string;
  db?: string;
  json?: boolean;
  config?: string;
}

export interface Context {
  repo: Repository;
  db: DB;
  dbPath: string;
  conventions: Conventions;
  json: boolean;
  close(): void;
}

/** Adds --repo, --db, --config and --json to a command. */
export function withCommonOptions(cmd: Command): Command {
  return cmd
    .option('--repo <dir>', 'the git repository (default: the current directory)')
    .option('--db <file>', 'the index file (default: one per repository in ~/.cache/stablepick)')
    .option('--config <file>', 'a stablepick.config.json to use instead of the repository\'s')
    .option('--json', 'machine-readable output, no progress');
}

/**
 * How a command uses the index. `mustExist`: it reads an index `index` built. `writes`: it records into it
 * (review decisions, mails, models); a command that only reads opens an index it cannot write (a shared
 * copy, mode 0444 or a read-only folder) read-only, and its caches then go uncached. `integrity`: run
 * SQLite's quick_check first (`index`).
 */
export interface ContextMode {
  mustExist?: boolean;
  writes?: boolean;
  integrity?: boolean;
}

export async function openContext(opts: CommonOptions, mode: ContextMode = {}): Promise<Context> {
  const repo = await openRepository(opts.repo);
  const { config } = loadConfig(repo.workTree ?? repo.gitDir, opts.config);
  const dbPath = opts.db ?? defaultDbPath(repo.commonDir);
  const db = openDb(dbPath, { mustExist: mode.mustExist === true, readonlyOk: mode.mustExist === true && mode.writes !== true, integrity: mode.integrity === true });
  // Precedence: config, then what the index detected from history, then the defaults.
  const detected = storedDetection(db);
  const conventions = resolveConventions(config, detected ? detectedOverrides(DEFAULT_CONVENTIONS, detected) : undefined);
  return {
    repo,
    db,
    dbPath,
    conventions,
    json: opts.json === true,
    close: () => db.close(),
  };
}

/** Runs `fn` with a context and always closes the index. */
export async function withContext<T>(opts: CommonOptions, fn: (ctx: Context) => Promise<T> | T, mode: ContextMode = {}): Promise<T> {
  const ctx = await openContext(opts, mode);
  try {
    return await fn(ctx);
  } finally {
    ctx.close();
  }
}
