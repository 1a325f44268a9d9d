/**
 * Opening the index: one SQLite file per repository (WAL, so readers never wait for the indexer), kept in
 * the user's cache directory unless --db says otherwise, never inside the repository.
 */
import { env } from '../env.js';
import { createHash } from 'node:crypto';
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import { StablepickError } from '../errors.js';
import { MIGRATIONS, SCHEMA_VERSION, SECONDARY_INDEXES } from './schema.js';

export type DB = Database.Database;

/** The default index file for a repository: $XDG_CACHE_HOME/stablepick/<name>-<hash>.sqlite. */
export function defaultDbPath(commonGitDir: string): string {
  const base = env.cacheDir();
  const h = createHash('sha256').update(commonGitDir).digest('hex').slice(0, 16);
  const name = path.basename(commonGitDir === '.git' ? path.dirname(commonGitDir) : commonGitDir.replace(/\/\.git$/, '')).replace(/[^A-Za-z0-9._-]/g, '_');
  return path.join(base, `${name}-${h}.sqlite`);
}

export interface OpenOptions {
  /** Refuse to create a missing database (for read-only commands). */
  mustExist?: boolean;
  readonly?: boolean;
}

export function openDb(file: string, opts: OpenOptions = {}): DB {
  if (file !== ':memory:') {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      throw new StablepickError('IO', `cannot create the index folder ${path.dirname(file)}: ${(e as Error).message}`, 'give --db a writable path');
    }
  }
  let db: DB;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist === true, readonly: opts.readonly === true });
  } catch (e) {
    const msg = (e as Error).message;
    if (opts.mustExist && /unable to open|does not exist/i.test(msg)) {
      throw new StablepickError('INDEX_MISSING', `no index at ${file}`, 'run `stablepick index` first');
    }
    throw new StablepickError('IO', `cannot open the index ${file}: ${msg}`, 'give --db a writable path');
  }
  try {
    db.pragma('busy_timeout = 60000');
    // Switching a new file to WAL while another process does the same can answer SQLITE_BUSY without
    // calling the busy handler: retry for as long as the busy timeout would wait.
    retryBusy(() => {
      if (!opts.readonly) {
        // Larger pages suit rows that carry whole commit messages (only takes effect on a new file).
        if (currentVersion(db) === 0) db.pragma(`page_size = ${env.pageSize() ?? 16384}`);
        db.pragma('journal_mode = WAL');
        db.pragma('synchronous = NORMAL');
      }
      db.pragma('cache_size = -64000');
      db.pragma('temp_store = MEMORY');
      if (!opts.readonly) migrate(db, file);
      else checkVersion(db, file);
    });
  } catch (e) {
    db.close();
    if (e instanceof StablepickError) throw e;
    const msg = (e as Error).message;
    if (/not a database|malformed|corrupt/i.test(msg)) {
      throw new StablepickError('INDEX_CORRUPT', `the index ${file} is damaged (${msg})`, 'delete it and run `stablepick index` again');
    }
    if (/locked|busy/i.test(msg)) {
      throw new StablepickError('INDEX_BUSY', `the index ${file} is busy`, 'another stablepick is writing it; try again when it is done');
    }
    throw e;
  }
  return db;
}

/** Runs `fn` again while SQLite answers "busy"/"locked", for at most `ms`. */
function retryBusy(fn: () => void, ms = 60_000): void {
  const until = Date.now() + ms;
  const pause = new Int32Array(new SharedArrayBuffer(4));
  for (;;) {
    try {
      fn();
      return;
    } catch (e) {
      if (!/locked|busy/i.test((e as Error).message) || Date.now() > until) throw e;
      Atomics.wait(pause, 0, 0, 25 + Math.floor(Math.random() * 50));
    }
  }
}

function currentVersion(db: DB): number {
  return db.pragma('user_version', { simple: true }) as number;
}

function checkVersion(db: DB, file: string): void {
  const v = currentVersion(db);
  if (v > SCHEMA_VERSION) {
    throw new StablepickError('INDEX_NEWER', `the index ${file} was written by a newer stablepick (schema ${v} > ${SCHEMA_VERSION})`, 'upgrade stablepick or use another --db');
  }
  if (v === 0) throw new StablepickError('INDEX_MISSING', `the index ${file} is empty`, 'run `stablepick index` first');
}

function migrate(db: DB, file: string): void {
  const v = currentVersion(db);
  if (v > SCHEMA_VERSION) checkVersion(db, file);
  if (v === SCHEMA_VERSION) return;
  const run = db.transaction(() => {
    // Re-read inside the write transaction: another process may have migrated meanwhile.
    const now = currentVersion(db);
    for (const m of MIGRATIONS) {
      if (m.version <= now) continue;
      db.exec(m.sql);
      db.pragma(`user_version = ${m.version}`);
    }
  });
  run.immediate();
}

/** Creates the secondary indexes (idempotent). */
export function ensureSecondaryIndexes(db: DB, onEach?: (what: string) => void): void {
  for (const sql of SECONDARY_INDEXES) {
    db.exec(sql);
    onEach?.(/INDEX IF NOT EXISTS (\w+)/.exec(sql)![1]!);
  }
}

export function getMeta(db: DB, key: string): string | null {
  const row = db.prepare('SELECT value FROM meta WHERE key = ?').get(key) as { value: string } | undefined;
  return row ? row.value : null;
}

export function setMeta(db: DB, key: string, value: string): void {
  db.prepare('INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value').run(key, value);
}
