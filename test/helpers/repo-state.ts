/**
 * The state of a repository that stablepick must never change, as a hash (for a quick before/after
 * equality) and as separate parts (so a failing test can say WHAT changed).
 *
 * Covered: every ref with its object id and symref target (`git for-each-ref`), the HEAD file, the index
 * file's bytes, packed-refs, shallow, config, every other file of the git directory (ORIG_HEAD, logs,
 * hooks, info/, sequencer state, ...), the listing of the object directory (name and size of every loose
 * object, pack, idx, commit-graph, info/alternates; the content of objects/info/* files), and the work
 * tree (every path with its type, mode and content; `.git` excluded).
 *
 * Usage:
 *   const before = snapshotRepoState(repo.dir);
 *   await runStablepick(...);
 *   expectRepoUnchanged(repo.dir, before);   // throws "repository ... changed: refs: + refs/heads/x ..."
 */
import { createHash } from 'node:crypto';
import { existsSync, lstatSync, readdirSync, readFileSync, readlinkSync, statSync } from 'node:fs';
import path from 'node:path';
import { runGitSync } from './repo-builder.js';

export interface RepoStateSnapshot {
  /** Absolute git directory (the `.git` folder or the bare repository). */
  gitDir: string;
  /** Absolute common directory (differs from gitDir in a linked worktree). */
  commonDir: string;
  /** Lines `<refname> <objectname> <symref target or empty>`, sorted. */
  refs: string[];
  /** Content of the HEAD file. */
  head: string;
  /** sha256 of the index file, null if there is none. */
  index: string | null;
  /** Content of packed-refs, null if absent. */
  packedRefs: string | null;
  /** Content of the shallow file, null if absent. */
  shallow: string | null;
  /** Content of config. */
  config: string;
  /** Every file under objects/, relative path to size in bytes. */
  objects: Record<string, number>;
  /** Content of the small files under objects/info/ (alternates, packs, commit-graphs). */
  objectsInfo: Record<string, string>;
  /** Every other file of the git (and common) directory, relative path to sha256; directories as 'dir'. */
  gitFiles: Record<string, string>;
  /** Work tree path to `file:<mode>:<sha256>`, `link:<target>` or `dir`; null for a bare repository. */
  worktree: Record<string, string> | null;
  /**
   * Only with `{ mtimes: true }`: the modification time (ms) of every file of the work tree and the git
   * directory outside objects/, so that a rewrite with the same bytes counts as a change too.
   */
  mtimes: Record<string, number> | null;
}

export interface SnapshotOptions {
  /** Record file modification times (see RepoStateSnapshot.mtimes); default false. */
  mtimes?: boolean;
}

const NAMED_PARTS = new Set(['HEAD', 'index', 'packed-refs', 'shallow', 'config', 'objects']);

function sha256(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

function readOrNull(file: string): Buffer | null {
  try {
    return readFileSync(file);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw e;
  }
}

/** Every file (and directory) under `root`, relative '/'-paths, sorted; `skip(rel)` prunes. */
function walk(root: string, skip: (rel: string) => boolean, visit: (rel: string, abs: string, isDir: boolean) => void): void {
  const rec = (relDir: string): void => {
    const absDir = relDir ? path.join(root, relDir) : root;
    const names = readdirSync(absDir).sort();
    for (const name of names) {
      const rel = relDir ? `${relDir}/${name}` : name;
      if (skip(rel)) continue;
      const abs = path.join(absDir, name);
      const st = lstatSync(abs);
      if (st.isDirectory()) {
        visit(rel, abs, true);
        rec(rel);
      } else {
        visit(rel, abs, false);
      }
    }
  };
  if (existsSync(root)) rec('');
}

/** Where the git directory, common directory and work tree of `dir` are (fs only, no git). */
export function locateRepo(dir: string): { gitDir: string; commonDir: string; worktree: string | null } {
  const abs = path.resolve(dir);
  const dotGit = path.join(abs, '.git');
  let gitDir: string;
  let worktree: string | null;
  if (existsSync(dotGit)) {
    worktree = abs;
    if (statSync(dotGit).isDirectory()) {
      gitDir = dotGit;
    } else {
      const m = /^gitdir:\s*(.*?)\s*$/m.exec(readFileSync(dotGit, 'utf8'));
      if (!m?.[1]) throw new Error(`${dotGit}: not a gitdir file`);
      gitDir = path.resolve(abs, m[1]);
    }
  } else if (existsSync(path.join(abs, 'HEAD')) && existsSync(path.join(abs, 'objects'))) {
    gitDir = abs;
    worktree = null;
  } else {
    throw new Error(`${abs} is neither a work tree top level nor a bare repository`);
  }
  const commonFile = readOrNull(path.join(gitDir, 'commondir'));
  const commonDir = commonFile ? path.resolve(gitDir, commonFile.toString('utf8').trim()) : gitDir;
  return { gitDir, commonDir, worktree };
}

/** All parts of the repository state that stablepick must leave alone. */
export function snapshotRepoState(dir: string, opts: SnapshotOptions = {}): RepoStateSnapshot {
  const { gitDir, commonDir, worktree } = locateRepo(dir);
  const refsOut = runGitSync(gitDir, ['--git-dir', gitDir, 'for-each-ref', '--format=%(refname) %(objectname) %(symref)'], {
    env: { GIT_OPTIONAL_LOCKS: '0' },
  });
  const refs = refsOut.split('\n').filter(Boolean).sort();
  const headBuf = readOrNull(path.join(gitDir, 'HEAD'));
  const indexBuf = readOrNull(path.join(gitDir, 'index'));
  const packed = readOrNull(path.join(commonDir, 'packed-refs'));
  const shallow = readOrNull(path.join(commonDir, 'shallow'));
  const config = readOrNull(path.join(commonDir, 'config'));

  const objectsDir = path.join(commonDir, 'objects');
  const objects: Record<string, number> = {};
  const objectsInfo: Record<string, string> = {};
  walk(
    objectsDir,
    () => false,
    (rel, abs, isDir) => {
      if (isDir) return;
      const st = lstatSync(abs);
      objects[rel] = st.size;
      if (rel.startsWith('info/') && st.size <= 1 << 20 && !rel.endsWith('.graph')) objectsInfo[rel] = readFileSync(abs).toString('utf8');
    },
  );

  const gitFiles: Record<string, string> = {};
  const collect = (root: string, label: string, skipTop: (top: string) => boolean): void => {
    walk(
      root,
      (rel) => {
        const top = rel.split('/')[0] ?? rel;
        return skipTop(top) && rel === top;
      },
      (rel, abs, isDir) => {
        gitFiles[`${label}${rel}`] = isDir ? 'dir' : sha256(readFileSync(abs));
      },
    );
  };
  // In a linked worktree, the main worktree's HEAD and index live in the common directory: keep them.
  collect(commonDir, '', (top) => NAMED_PARTS.has(top) && (gitDir === commonDir || (top !== 'HEAD' && top !== 'index')));
  if (gitDir !== commonDir) collect(gitDir, 'worktree-gitdir:', (top) => NAMED_PARTS.has(top) || top === 'commondir' || top === 'gitdir');

  let tree: Record<string, string> | null = null;
  if (worktree) {
    const wt: Record<string, string> = {};
    walk(
      worktree,
      (rel) => rel === '.git' || rel.endsWith('/.git'),
      (rel, abs, isDir) => {
        if (isDir) {
          wt[rel] = 'dir';
          return;
        }
        const st = lstatSync(abs);
        if (st.isSymbolicLink()) wt[rel] = `link:${readlinkSync(abs)}`;
        else wt[rel] = `file:${(st.mode & 0o111) !== 0 ? '755' : '644'}:${sha256(readFileSync(abs))}`;
      },
    );
    tree = wt;
  }

  let mtimes: Record<string, number> | null = null;
  if (opts.mtimes) {
    const m: Record<string, number> = {};
    const stamp = (label: string, root: string, skip: (rel: string) => boolean): void =>
      walk(root, skip, (rel, abs, isDir) => {
        if (!isDir) m[`${label}${rel}`] = lstatSync(abs).mtimeMs;
      });
    stamp('', commonDir, (rel) => rel === 'objects');
    if (gitDir !== commonDir) stamp('worktree-gitdir:', gitDir, () => false);
    if (worktree) stamp('work tree:', worktree, (rel) => rel === '.git' || rel.endsWith('/.git'));
    mtimes = m;
  }

  return {
    gitDir,
    commonDir,
    refs,
    head: headBuf ? headBuf.toString('utf8') : '',
    index: indexBuf ? sha256(indexBuf) : null,
    packedRefs: packed ? packed.toString('utf8') : null,
    shallow: shallow ? shallow.toString('utf8') : null,
    config: config ? config.toString('utf8') : '',
    objects,
    objectsInfo,
    gitFiles,
    worktree: tree,
    mtimes,
  };
}

/** JSON with object keys sorted, so equal states serialise identically. */
function canonical(value: unknown): string {
  if (value === null || typeof value !== 'object') return JSON.stringify(value);
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  const entries = Object.entries(value as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(',')}}`;
}

/** sha256 over a snapshot. */
export function hashRepoState(snapshot: RepoStateSnapshot): string {
  return sha256(canonical(snapshot));
}

/** sha256 over everything stablepick must not change in the repository at `dir`. */
export function repoStateHash(dir: string, opts: SnapshotOptions = {}): string {
  return hashRepoState(snapshotRepoState(dir, opts));
}

const MAX_LISTED = 20;

function diffMaps<T>(label: string, a: Record<string, T> | null, b: Record<string, T> | null, out: string[]): void {
  if (a === null || b === null) {
    if (a !== b) out.push(`${label}: ${a === null ? 'appeared' : 'disappeared'}`);
    return;
  }
  const lines: string[] = [];
  for (const k of Object.keys(b).sort()) {
    if (!(k in a)) lines.push(`+ ${k} (${String(b[k])})`);
    else if (a[k] !== b[k]) lines.push(`~ ${k} (${String(a[k])} -> ${String(b[k])})`);
  }
  for (const k of Object.keys(a).sort()) if (!(k in b)) lines.push(`- ${k}`);
  if (lines.length === 0) return;
  const shown = lines.slice(0, MAX_LISTED);
  if (lines.length > MAX_LISTED) shown.push(`... and ${lines.length - MAX_LISTED} more`);
  out.push(`${label}:\n    ${shown.join('\n    ')}`);
}

function diffText(label: string, a: string | null, b: string | null, out: string[]): void {
  if (a === b) return;
  const show = (s: string | null): string => (s === null ? '(absent)' : JSON.stringify(s.length > 200 ? `${s.slice(0, 200)}...` : s));
  out.push(`${label}: ${show(a)} -> ${show(b)}`);
}

/** Readable differences between two snapshots; empty when nothing changed. */
export function diffRepoState(before: RepoStateSnapshot, after: RepoStateSnapshot): string[] {
  const out: string[] = [];
  const asMap = (lines: string[]): Record<string, string> => {
    const m: Record<string, string> = {};
    for (const l of lines) {
      const sp = l.indexOf(' ');
      m[l.slice(0, sp)] = l.slice(sp + 1).trim();
    }
    return m;
  };
  diffMaps('refs', asMap(before.refs), asMap(after.refs), out);
  diffText('HEAD', before.head, after.head, out);
  diffText('index (sha256)', before.index, after.index, out);
  diffText('packed-refs', before.packedRefs, after.packedRefs, out);
  diffText('shallow', before.shallow, after.shallow, out);
  diffText('config', before.config, after.config, out);
  diffMaps('objects (bytes)', before.objects, after.objects, out);
  diffMaps('objects/info', before.objectsInfo, after.objectsInfo, out);
  diffMaps('git directory files', before.gitFiles, after.gitFiles, out);
  diffMaps('work tree', before.worktree, after.worktree, out);
  if (before.mtimes && after.mtimes) diffMaps('modification times (ms)', before.mtimes, after.mtimes, out);
  return out;
}

/** Throws a readable error naming every part of the repository that changed since `before` (taken with the same options). */
export function expectRepoUnchanged(dir: string, before: RepoStateSnapshot): void {
  const diffs = diffRepoState(before, snapshotRepoState(dir, { mtimes: before.mtimes !== null }));
  if (diffs.length > 0) throw new Error(`repository ${dir} changed:\n  ${diffs.join('\n  ')}`);
}
