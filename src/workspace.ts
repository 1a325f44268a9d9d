/**
 * A workspace: what every use of stablepick needs - the repository, its index, its conventions (the
 * config file, then what the index detected from history, then the defaults). The CLI, the dashboard,
 * the MCP server, the benches and the tests all open one here.
 */
import { loadConfig, resolveConventions } from './conventions/config.js';
import { detectedOverrides } from './conventions/detect.js';
import { DEFAULT_CONVENTIONS, type Conventions } from './conventions/types.js';
import { storedDetection } from './history/detect.js';
import { openRepository, type Repository } from './git/repo.js';
import { defaultDbPath, openDb, type DB } from './history/db.js';
import { requestBranches } from './history/requested.js';

export interface CommonOptions {
  repo?: string;
  db?: string;
  json?: boolean;
  config?: string;
}

/** An open workspace; `close()` closes its index. */
export interface Context {
  repo: Repository;
  db: DB;
  dbPath: string;
  conventions: Conventions;
  json: boolean;
  close(): void;
}

/**
 * How a use of the workspace needs the index. `mustExist`: it reads an index `index` built. `writes`: it
 * records into it (review decisions, mails, models); a use that only reads opens an index it cannot write
 * (a shared copy, mode 0444 or a read-only folder) read-only, and its caches then go uncached. `integrity`:
 * run SQLite's quick_check first (`index`).
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
  const db = openDb(dbPath, {
    mustExist: mode.mustExist === true,
    readonlyOk: mode.mustExist === true && mode.writes !== true,
    integrity: mode.integrity === true,
  });
  // Precedence: config, then what the index detected from history, then the defaults.
  const detected = storedDetection(db);
  const conventions = resolveConventions(config, detected ? detectedOverrides(DEFAULT_CONVENTIONS, detected) : undefined);
  await takeNamedBranches(repo, db, conventions, (opts as { branch?: unknown }).branch);
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

/**
 * Every branch given with `--branch` is a target whatever its name: one the index did not find stable is
 * indexed as one now, and stderr says how it was classified.
 */
async function takeNamedBranches(repo: Repository, db: DB, conventions: Conventions, option: unknown): Promise<void> {
  const given = typeof option === 'string' ? [option] : Array.isArray(option) ? option.filter((x): x is string => typeof x === 'string') : [];
  const names = given
    .flatMap((g) => g.split(','))
    .map((s) => s.trim())
    .filter(Boolean);
  if (!names.length) return;
  for (const b of await requestBranches(repo, db, conventions, names)) {
    process.stderr.write(
      `stablepick: ${b.name}: taken as a stable branch because --branch names it (not found stable by the index: ${b.notDetected}); ` +
        `${b.ownCommits} commits of its own, base ${b.base ? b.base.slice(0, 12) : 'unknown'}\n`,
    );
  }
}
