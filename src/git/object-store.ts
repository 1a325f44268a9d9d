/**
 * A private object directory for trial merges. Every object stablepick creates (synthetic commits, merged
 * trees and blobs) goes into a temporary directory; the user's objects are read through
 * GIT_ALTERNATE_OBJECT_DIRECTORIES. A private GIT_INDEX_FILE keeps any git command away from the user's
 * index. Nothing is written into the user's repository. When a merge writes an object the repository
 * already has, git "freshens" it (bumps the time of that loose object or pack file, also in a repository
 * it borrows from); the times are recorded at open and put back at close (`object-times.ts`).
 */
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync, existsSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { deflateSync } from 'node:zlib';
import { InternalError, StablepickError } from '../errors.js';
import { recordObjectTimes } from './object-times.js';
import { gitText, type GitTarget } from './run.js';

export type HashAlgorithm = 'sha1' | 'sha256';
export type ObjectType = 'commit' | 'tree' | 'blob' | 'tag';

export interface PrivateObjectStore {
  /** Target for git calls that may write objects: same repository, private object directory. */
  readonly target: GitTarget;
  /** The private object directory (removed by close()). */
  readonly objectDir: string;
  /** The user's object directory, read through alternates. */
  readonly userObjectDir: string;
  readonly hashAlgorithm: HashAlgorithm;
  /** Writes a loose object into the private directory (in process, no git) and returns its id. */
  writeObject(type: ObjectType, body: Buffer): string;
  /** Hashes without writing. */
  hashObject(type: ObjectType, body: Buffer): string;
  /** Removes the private directory. Idempotent. */
  close(): void;
}

/** The fields of a commit object, written verbatim (author/committer lines are `Name <mail> ts tz`). */
export interface CommitFields {
  tree: string;
  parents: readonly string[];
  author: string;
  committer: string;
  /** Extra headers written after committer (e.g. `encoding`), in order. */
  extraHeaders?: readonly (readonly [string, string])[];
  message: string;
}

/** Serialises a commit object body. */
export function commitBody(c: CommitFields): Buffer {
  let head = `tree ${c.tree}\n`;
  for (const p of c.parents) head += `parent ${p}\n`;
  head += `author ${c.author}\ncommitter ${c.committer}\n`;
  for (const [k, v] of c.extraHeaders ?? []) head += `${k} ${v.replace(/\n/g, '\n ')}\n`;
  return Buffer.concat([Buffer.from(`${head}\n`, 'utf8'), Buffer.from(c.message, 'utf8')]);
}

/** Stores not closed yet: removed when the process exits (a signal that kills node outright skips this). */
const open = new Set<() => void>();
let exitHook = false;

/**
 * Opens a private object store for `repo`. The caller must close() it (use try/finally).
 * `repo.gitDir` is only read.
 */
export async function openPrivateObjectStore(repo: GitTarget, opts: { tmpRoot?: string } = {}): Promise<PrivateObjectStore> {
  const userObjectDir = path.resolve(repo.gitDir, await gitText({ gitDir: repo.gitDir, env: repo.env }, ['rev-parse', '--git-path', 'objects']));
  if (!existsSync(userObjectDir)) {
    throw new StablepickError('NOT_A_REPOSITORY', { path: repo.gitDir, why: 'no-objects' });
  }
  const format = await gitText({ gitDir: repo.gitDir, env: repo.env }, ['rev-parse', '--show-object-format']).catch(() => 'sha1');
  const hashAlgorithm: HashAlgorithm = format.trim() === 'sha256' ? 'sha256' : 'sha1';
  const alternatesFromEnv = (repo.env?.GIT_ALTERNATE_OBJECT_DIRECTORIES ?? '').split(path.delimiter).filter(Boolean);
  const times = recordObjectTimes(userObjectDir, { alternates: alternatesFromEnv });
  const root = mkdtempSync(path.join(opts.tmpRoot ?? os.tmpdir(), 'stablepick-objects-'));
  const objectDir = path.join(root, 'objects');
  mkdirSync(path.join(objectDir, 'info'), { recursive: true });
  mkdirSync(path.join(objectDir, 'pack'), { recursive: true });
  const env: Record<string, string> = {
    ...(repo.env ?? {}),
    GIT_OBJECT_DIRECTORY: objectDir,
    GIT_ALTERNATE_OBJECT_DIRECTORIES: userObjectDir,
    GIT_INDEX_FILE: path.join(root, 'index'),
  };
  // No work tree: none of our commands needs one, and without it nothing can touch the user's files.
  const target: GitTarget = { gitDir: repo.gitDir, env };
  let closed = false;
  let seq = 0;

  const hashObject = (type: ObjectType, body: Buffer): string => {
    const h = createHash(hashAlgorithm);
    h.update(`${type} ${body.length}\0`);
    h.update(body);
    return h.digest('hex');
  };

  const writeObject = (type: ObjectType, body: Buffer): string => {
    if (closed) throw new InternalError('object-store-closed', 'the private object store is closed');
    const id = hashObject(type, body);
    const dir = path.join(objectDir, id.slice(0, 2));
    const file = path.join(dir, id.slice(2));
    if (existsSync(file)) return id;
    mkdirSync(dir, { recursive: true });
    const tmp = path.join(objectDir, `tmp_obj_${process.pid}_${seq++}`);
    writeFileSync(tmp, deflateSync(Buffer.concat([Buffer.from(`${type} ${body.length}\0`), body]), { level: 1 }));
    renameSync(tmp, file);
    return id;
  };

  const close = (): void => {
    if (closed) return;
    closed = true;
    open.delete(close);
    rmSync(root, { recursive: true, force: true });
    times.restore();
  };
  open.add(close);
  if (!exitHook) {
    exitHook = true;
    process.on('exit', () => {
      for (const c of [...open]) c();
    });
  }
  return { target, objectDir, userObjectDir, hashAlgorithm, writeObject, hashObject, close };
}
