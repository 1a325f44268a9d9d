/**
 * A commit's patch against its first parent, as files and zero-context hunks (`git diff -U0 -M`), with
 * the removed and added lines kept (the hunk-to-function mapping and MAINTAINERS `K:` patterns need them).
 */
import { unquoteGitPath } from './quoted-path.js';
import { memoized } from './memo.js';
import { gitText, runGit, type GitTarget } from './run.js';

/** The empty tree's object name (diffs of a root commit). */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

export interface Hunk {
  oldStart: number;
  oldCount: number;
  newStart: number;
  newCount: number;
  /** The text git puts after the second `@@` (its own guess at the enclosing function). */
  header: string;
  removed: string[];
  added: string[];
}

export interface FileDiff {
  /** Null for an added file. */
  oldPath: string | null;
  /** Null for a deleted file. */
  newPath: string | null;
  status: 'added' | 'deleted' | 'modified' | 'renamed' | 'copied';
  binary: boolean;
  hunks: Hunk[];
}

export interface CommitDiff {
  sha: string;
  /** First parent, or null for a root commit. */
  parent: string | null;
  files: FileDiff[];
}

/** The patch of `sha` against its first parent. `sha` must be a full commit sha. */
export function commitDiff(target: GitTarget, sha: string): Promise<CommitDiff> {
  return memoized(target, [sha], 'commitDiff', () => diffOf(target, sha));
}

async function diffOf(target: GitTarget, sha: string): Promise<CommitDiff> {
  const parents = await gitText(target, ['rev-list', '--parents', '-n', '1', sha]);
  const parent = parents.split(' ')[1] ?? null;
  const r = await runGit(target, ['diff', '--no-color', '--no-ext-diff', '--no-textconv', '-U0', '-M', '--full-index', parent ?? EMPTY_TREE, sha, '--']);
  return { sha, parent, files: parseUnifiedDiff(r.stdout.toString('utf8')) };
}

function stripSide(p: string): string | null {
  const u = unquoteGitPath(p.replace(/\t$/, ''));
  if (u === '/dev/null') return null;
  return u.replace(/^[ab]\//, '');
}

/** Parses `git diff` output (any context size). */
export function parseUnifiedDiff(text: string): FileDiff[] {
  const files: FileDiff[] = [];
  let cur: FileDiff | null = null;
  let hunk: Hunk | null = null;
  const lines = text.split('\n');
  for (const l of lines) {
    if (l.startsWith('diff --git ')) {
      // Only a first guess (a name may hold " b/"): the ---/+++ and rename lines below say it exactly.
      const m = /^diff --git ("(?:[^"\\]|\\.)*"|a\/.*?) ("(?:[^"\\]|\\.)*"|b\/.*)$/.exec(l);
      const side = (x: string | undefined): string | null => (x === undefined ? null : unquoteGitPath(x).replace(/^[ab]\//, ''));
      cur = { oldPath: side(m?.[1]), newPath: side(m?.[2]), status: 'modified', binary: false, hunks: [] };
      files.push(cur);
      hunk = null;
      continue;
    }
    if (!cur) continue;
    if (hunk) {
      const c = l.charCodeAt(0);
      if (c === 45 /* - */) {
        hunk.removed.push(l.slice(1));
        continue;
      }
      if (c === 43 /* + */) {
        hunk.added.push(l.slice(1));
        continue;
      }
      if (c === 32 /* space */ || c === 92 /* \ No newline */) continue;
      hunk = null;
    }
    if (l.startsWith('@@ ')) {
      const m = /^@@ -(\d+)(?:,(\d+))? \+(\d+)(?:,(\d+))? @@ ?(.*)$/.exec(l);
      if (!m) continue;
      hunk = {
        oldStart: Number(m[1]),
        oldCount: m[2] === undefined ? 1 : Number(m[2]),
        newStart: Number(m[3]),
        newCount: m[4] === undefined ? 1 : Number(m[4]),
        header: m[5] ?? '',
        removed: [],
        added: [],
      };
      cur.hunks.push(hunk);
    } else if (l.startsWith('new file mode')) {
      cur.status = 'added';
      cur.oldPath = null;
    } else if (l.startsWith('deleted file mode')) {
      cur.status = 'deleted';
      cur.newPath = null;
    } else if (l.startsWith('rename from ')) {
      cur.status = 'renamed';
      cur.oldPath = unquoteGitPath(l.slice('rename from '.length));
    } else if (l.startsWith('rename to ')) {
      cur.newPath = unquoteGitPath(l.slice('rename to '.length));
    } else if (l.startsWith('copy from ')) {
      cur.status = 'copied';
      cur.oldPath = unquoteGitPath(l.slice('copy from '.length));
    } else if (l.startsWith('copy to ')) {
      cur.newPath = unquoteGitPath(l.slice('copy to '.length));
    } else if (l.startsWith('--- ')) {
      if (cur.status !== 'added') cur.oldPath = stripSide(l.slice(4)) ?? cur.oldPath;
    } else if (l.startsWith('+++ ')) {
      if (cur.status !== 'deleted') cur.newPath = stripSide(l.slice(4)) ?? cur.newPath;
    } else if (l.startsWith('Binary files ')) {
      cur.binary = true;
    }
  }
  return files;
}
