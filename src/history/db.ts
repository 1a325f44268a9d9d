/**
 * Opening the index: one SQLite file per repository (WAL, so readers never wait for the indexer), kept in
 * the user's cache directory unless --db says otherwise, never inside the repository.
 *
 * A damaged index is named as such (INDEX_CORRUPT): `index` runs SQLite's quick_check before it adds to
 * one, and any SQLite "corrupt" answer later becomes the same message. An index the user cannot write (a
 * shared team copy: mode 0444, a read-only folder or file system) is opened read-only when the command
 * allows it (`readonlyOk`); a read-only folder holding a WAL index without its -shm file is read into
 * memory (see `readableWal`). Disk full and I/O errors become one-line IO errors (see `userErrorOf`).
 */
import { env } from '../env.js';
import { createHash } from 'node:crypto';
import { accessSync, constants as fsConstants, existsSync, mkdirSync, readFileSync, statfsSync } from 'node:fs';
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
  /** Open read-only when the index cannot be written (the command only reads, or degrades without writes). */
  readonlyOk?: boolean;
  /** Run SQLite's quick_check on an existing index and refuse a damaged one (before `index` adds to it). */
  integrity?: boolean;
}

/** The index files this process opened (an unexpected failure checks them for damage, see `damagedIndex`). */
const opened = new Set<string>();

/** Whether `file` (an existing index) cannot be written by this process: its mode, its folder or its file system. */
function unwritable(file: string): boolean {
  if (!existsSync(file)) return false;
  try {
    accessSync(file, fsConstants.W_OK);
    accessSync(path.dirname(file), fsConstants.W_OK);
    return false;
  } catch {
    return true;
  }
}

export function openDb(file: string, opts: OpenOptions = {}): DB {
  if (file !== ':memory:' && !opts.readonly && opts.readonlyOk && opts.mustExist && unwritable(file)) {
    return openDb(file, { ...opts, readonly: true });
  }
  if (file !== ':memory:' && !opts.readonly) {
    try {
      mkdirSync(path.dirname(file), { recursive: true });
    } catch (e) {
      throw new StablepickError('IO', {
        op: 'create',
        target: `the index folder ${path.dirname(file)}`,
        path: path.dirname(file),
        why: (e as Error).message,
        fix: 'give --db a writable path',
      });
    }
  }
  let db: DB;
  try {
    db = new Database(file, { fileMustExist: opts.mustExist === true || opts.readonly === true, readonly: opts.readonly === true });
    if (opts.readonly && file !== ':memory:') db = readableWal(db, file);
  } catch (e) {
    const msg = (e as Error).message;
    if (opts.mustExist && !existsSync(file) && /unable to open|does not exist/i.test(msg)) {
      throw new StablepickError('INDEX_MISSING', { file, why: 'none' });
    }
    const user = userErrorOf(e, file);
    if (user && user.code !== 'IO') throw user;
    throw new StablepickError('IO', { op: 'open', target: `the index ${file}`, path: file, why: msg, fix: 'give --db a writable path' });
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
    if (opts.integrity && file !== ':memory:') checkIntegrity(db, file);
  } catch (e) {
    db.close();
    if (e instanceof StablepickError) throw e;
    const msg = (e as Error).message;
    if (/locked|busy/i.test(msg)) {
      throw new StablepickError('INDEX_BUSY', { file });
    }
    const user = userErrorOf(e, file);
    // A command that only reads may still read an index it cannot open for writing (a full disk, a
    // read-only file system the access check did not see).
    if (user?.code === 'IO' && opts.readonlyOk && opts.mustExist && !opts.readonly && file !== ':memory:') {
      try {
        return openDb(file, { ...opts, readonly: true });
      } catch {
        throw user;
      }
    }
    throw user ?? e;
  }
  if (file !== ':memory:') opened.add(path.resolve(file));
  return db;
}

/**
 * A WAL index in a folder this process cannot write, without its -shm file (closed cleanly, then copied or
 * shared), cannot be read by SQLite at all (SQLITE_READONLY_DIRECTORY or SQLITE_CANTOPEN). Nobody can
 * write it through that folder, so its bytes are read into memory instead, marked as a rollback-journal
 * file (header bytes 18-19), and queried there. Costs memory the size of the file.
 */
function readableWal(db: DB, file: string): DB {
  try {
    db.prepare('SELECT 1 FROM sqlite_master LIMIT 1').get();
    return db;
  } catch (e) {
    const code = String((e as { code?: unknown }).code ?? '');
    if (!/^SQLITE_(CANTOPEN|READONLY)/.test(code) || existsSync(`${file}-wal`)) throw e;
    db.close();
    const bytes = readFileSync(file);
    if (bytes.length >= 20 && bytes[18] === 2 && bytes[19] === 2) {
      bytes[18] = 1;
      bytes[19] = 1;
    }
    return new Database(bytes, { readonly: true });
  }
}

/** SQLite's quick_check (every page read once, no index cross-check): refuses a damaged index. */
export function checkIntegrity(db: DB, file: string): void {
  if (currentVersion(db) === 0) return;
  const rows = db.pragma('quick_check(5)', { simple: false }) as { quick_check: string }[];
  const problems = rows.map((r) => r.quick_check).filter((x) => x !== 'ok');
  if (problems.length) throw corrupt(file, problems[0]!);
}

function corrupt(file: string, what: string): StablepickError {
  return new StablepickError('INDEX_CORRUPT', { file, what });
}

const SQLITE_FULL = /^SQLITE_FULL/;
const SQLITE_IO = /^SQLITE_IOERR/;
const SQLITE_READONLY = /^SQLITE_READONLY/;
const SQLITE_CORRUPT = /^SQLITE_(CORRUPT|NOTADB)/;

/**
 * The user's problem behind an error, as a one-line StablepickError, or null when it is not one: a full
 * disk or quota, an I/O error, a read-only index or file system, a damaged index (SQLite's codes and
 * Node's errno codes alike).
 */
export function userErrorOf(e: unknown, file?: string): StablepickError | null {
  if (e instanceof StablepickError) return e;
  if (!(e instanceof Error)) return null;
  const code = String((e as { code?: unknown }).code ?? '');
  // SQLite answers a full disk while it grows its -shm or -wal file as an I/O error: ask the file system.
  const target = file ?? [...opened][0];
  const full = SQLITE_IO.test(code) && target !== undefined && noSpaceLeft(target);
  if (full || SQLITE_FULL.test(code) || code === 'ENOSPC' || code === 'EDQUOT' || /database or disk is full/i.test(e.message)) {
    return new StablepickError('IO', { op: 'disk-full', ...(file ? { path: file } : {}) });
  }
  if (SQLITE_CORRUPT.test(code) || /database disk image is malformed|file is not a database/i.test(e.message)) {
    return corrupt(file ?? [...opened][0] ?? 'file', e.message);
  }
  if (code === 'EROFS') {
    return new StablepickError('IO', {
      op: 'write',
      target: file ?? 'the output',
      ...(file ? { path: file } : {}),
      why: 'the file system is read-only',
      fix: 'give a path on a writable file system',
    });
  }
  if (SQLITE_READONLY.test(code) || /attempt to write a readonly database/i.test(e.message)) {
    const index = file ?? [...opened][0];
    return new StablepickError('IO', {
      op: 'write',
      target: file ?? (index ? `the index ${index}` : 'the output'),
      ...(index ? { path: index } : {}),
      why: 'it is read-only',
      fix: 'this command records to the index: use a writable copy (--db), or run only commands that read',
    });
  }
  if (code === 'SQLITE_CANTOPEN') {
    return new StablepickError('IO', {
      op: 'open',
      target: file ? `the index ${file}` : 'the index',
      ...(file ? { path: file } : {}),
      why: e.message,
      fix: 'check that its folder can be read (and written, for commands that record), or give --db another path',
    });
  }
  if (SQLITE_IO.test(code) || code === 'EIO') {
    return new StablepickError('IO', { op: 'io-error', ...(file ? { path: file } : {}), why: e.message.split('\n')[0] ?? '' });
  }
  return null;
}

/** Whether the file system holding `file` has no block left for this user. */
function noSpaceLeft(file: string): boolean {
  try {
    const s = statfsSync(existsSync(file) ? file : path.dirname(file));
    return s.bavail * s.bsize < 64 * 1024;
  } catch {
    return false;
  }
}

/** The first index this process opened that SQLite's quick_check finds damaged, as an INDEX_CORRUPT error. */
export function damagedIndex(): StablepickError | null {
  for (const file of opened) {
    try {
      const db = new Database(file, { readonly: true, fileMustExist: true });
      try {
        checkIntegrity(db, file);
      } finally {
        db.close();
      }
    } catch (e) {
      if (e instanceof StablepickError && e.code === 'INDEX_CORRUPT') return e;
      const u = userErrorOf(e, file);
      if (u?.code === 'INDEX_CORRUPT') return u;
    }
  }
  return null;
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
    throw new StablepickError('INDEX_NEWER', { file, version: v, supported: SCHEMA_VERSION });
  }
  if (v === 0) throw new StablepickError('INDEX_MISSING', { file, why: 'empty' });
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

type Mode = 'rows' | 'pluck' | 'raw';
const statements = new WeakMap<DB, Map<string, Database.Statement>>();

/**
 * A prepared statement of `db`, prepared once per handle and mode (the owner modules' queries run per
 * commit, thousands of times). Only for `get`/`all`/`run`: an iteration needs its own statement
 * (`db.prepare`), since a statement that is iterating cannot run again until the iteration ends.
 */
export function cachedStatement(db: DB, sql: string, mode: Mode = 'rows'): Database.Statement {
  let m = statements.get(db);
  if (!m) statements.set(db, (m = new Map()));
  const key = `${mode} ${sql}`;
  let st = m.get(key);
  if (!st) {
    st = db.prepare(sql);
    if (mode === 'pluck') st.pluck();
    else if (mode === 'raw') st.raw();
    m.set(key, st);
  }
  return st;
}

/** SQLite's data_version: changes when another connection commits to the file (the dashboard's reload signal). */
export function dataVersion(db: DB): number {
  return db.pragma('data_version', { simple: true }) as number;
}

/** Whether the index file holds a table of this name (owner modules create theirs on first use). */
export function hasTable(db: DB, name: string): boolean {
  return cachedStatement(db, "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(name) !== undefined;
}

/** `?,?,?` for a list of n values in an SQL `IN (...)`. */
export function placeholders(n: number): string {
  return Array.from({ length: n }, () => '?').join(',');
}
