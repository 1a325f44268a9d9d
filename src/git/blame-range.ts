/**
 * `git blame --porcelain` on line ranges of one file at one revision, optionally stopping at commits
 * reachable from `exclude` (their lines come back as `boundary`): which commit last touched each line.
 *
 * Commits a project lists as not worth blaming (reformatting, renames) are passed over as
 * `git blame --ignore-revs-file` does: the list is the union of `.git-blame-ignore-revs` at the blamed
 * revision, the same file in the work tree, and the files the user's `blame.ignoreRevsFile` names (a
 * missing file is skipped, where git itself would stop). The user's setting never reaches git directly
 * (`--no-ignore-revs-file`): stablepick passes the commits itself, and says on each line which ignored
 * commits it passed over (`skipped`).
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { unquoteGitPath } from './quoted-path.js';
import { memoized } from './memo.js';
import { runGit, type GitTarget } from './run.js';

export interface BlamedLine {
  /** Line number in the blamed revision's file (1-based). */
  line: number;
  commit: string;
  /** Line number in `commit`'s version of the file. */
  origLine: number;
  origPath: string;
  /** The commit is a boundary: reachable from `exclude` (or the root), i.e. not the real author of a change. */
  boundary: boolean;
  summary: string;
  /** Commits of the ignore list that last touched this line and were passed over to reach `commit`. */
  skipped?: string[];
}

export interface LineRange {
  /** 1-based, inclusive. */
  start: number;
  end: number;
}

/** The file a project lists its ignored commits in, by convention (GitHub, GitLab and git's docs use it). */
const IGNORE_REVS_FILE = '.git-blame-ignore-revs';

/** Full object ids of an ignore-revs file's text: one per line, `#` comments and blank lines skipped. */
export function parseIgnoreRevs(text: string): string[] {
  const out: string[] = [];
  for (const raw of text.split('\n')) {
    const l = raw.replace(/#.*$/, '').trim().toLowerCase();
    if (/^(?:[0-9a-f]{40}|[0-9a-f]{64})$/.test(l)) out.push(l);
  }
  return out;
}

function readIfFile(file: string): string | null {
  try {
    return readFileSync(file, 'utf8');
  } catch {
    return null;
  }
}

const userFilesCache = new Map<string, Promise<string[]>>();
const atRevCache = new Map<string, Promise<string[]>>();

/** The ids in the files `blame.ignoreRevsFile` names in the user's and the repository's own configuration. */
function userIgnoreRevs(target: GitTarget): Promise<string[]> {
  const key = `${target.gitDir}\0${target.workTree ?? ''}`;
  let p = userFilesCache.get(key);
  if (!p) {
    p = (async () => {
      const r = await runGit(target, ['config', '--show-scope', '--path', '--get-all', 'blame.ignoreRevsFile'], { okCodes: [1] });
      const ids: string[] = [];
      for (const line of r.stdout.toString('utf8').split('\n')) {
        const tab = line.indexOf('\t');
        if (tab < 0) continue;
        const scope = line.slice(0, tab);
        const file = line.slice(tab + 1);
        if (scope === 'command') continue; // stablepick's own settings
        if (file === '') {
          ids.length = 0; // as git: an empty value clears the list so far
          continue;
        }
        const text = readIfFile(path.resolve(target.workTree ?? target.gitDir, file));
        if (text !== null) ids.push(...parseIgnoreRevs(text));
      }
      if (target.workTree) {
        const text = readIfFile(path.join(target.workTree, IGNORE_REVS_FILE));
        if (text !== null) ids.push(...parseIgnoreRevs(text));
      }
      return ids;
    })();
    userFilesCache.set(key, p);
  }
  return p;
}

/** The ids in `.git-blame-ignore-revs` at `rev`. */
function ignoreRevsAt(target: GitTarget, rev: string): Promise<string[]> {
  const key = `${target.gitDir}\0${rev}`;
  let p = atRevCache.get(key);
  if (!p) {
    p = runGit(target, ['cat-file', '-p', `${rev}:${IGNORE_REVS_FILE}`], { okCodes: [128] }).then((r) =>
      r.code === 0 ? parseIgnoreRevs(r.stdout.toString('utf8')) : [],
    );
    atRevCache.set(key, p);
  }
  return p;
}

/** Every commit blame passes over when blaming at `rev`. */
async function ignoredRevs(target: GitTarget, rev: string): Promise<Set<string>> {
  const [a, b] = await Promise.all([ignoreRevsAt(target, rev), userIgnoreRevs(target)]);
  return new Set([...a, ...b]);
}

function blameOnce(
  target: GitTarget,
  rev: string,
  file: string,
  ranges: readonly LineRange[],
  exclude: readonly string[],
  ignore: readonly string[],
): Promise<BlamedLine[]> {
  const key = `blame\0${file}\0${ranges.map((r) => `${r.start},${r.end}`).join(' ')}`;
  return memoized(target, [rev, ...exclude, ...ignore], key, () => blameRun(target, rev, file, ranges, exclude, ignore));
}

async function blameRun(
  target: GitTarget,
  rev: string,
  file: string,
  ranges: readonly LineRange[],
  exclude: readonly string[],
  ignore: readonly string[],
): Promise<BlamedLine[]> {
  const args = ['blame', '--porcelain', '--no-ignore-revs-file'];
  for (const i of ignore) args.push('--ignore-rev', i);
  for (const r of ranges) args.push('-L', `${r.start},${r.end}`);
  args.push(rev, ...exclude.map((e) => `^${e}`), '--', file);
  const r = await runGit(target, args);
  return parseBlamePorcelain(r.stdout.toString('utf8'));
}

export async function blameRanges(
  target: GitTarget,
  rev: string,
  file: string,
  ranges: readonly LineRange[],
  exclude: readonly string[] = [],
  opts: { ignoreRevs?: boolean } = {},
): Promise<BlamedLine[]> {
  const good = ranges.filter((r) => r.start >= 1 && r.end >= r.start);
  if (!good.length) return [];
  let lines = await blameOnce(target, rev, file, good, exclude, []);
  const ignore = opts.ignoreRevs === false ? new Set<string>() : await ignoredRevs(target, rev);
  if (!ignore.size) return lines;
  // Pass only the ignored commits blame actually names (git refuses an id it does not have), again until
  // no line is left on one: a reformatting of a reformatting is passed over too.
  const passed: string[] = [];
  const skipped = new Map<number, string[]>();
  for (let round = 0; round < 8; round++) {
    const hit = [...new Set(lines.filter((l) => ignore.has(l.commit) && !passed.includes(l.commit)).map((l) => l.commit))];
    if (!hit.length) break;
    for (const l of lines) {
      if (!ignore.has(l.commit)) continue;
      const s = skipped.get(l.line) ?? [];
      if (!s.includes(l.commit)) s.push(l.commit);
      skipped.set(l.line, s);
    }
    passed.push(...hit);
    lines = await blameOnce(target, rev, file, good, exclude, passed);
  }
  for (const l of lines) {
    const s = skipped.get(l.line)?.filter((c) => c !== l.commit);
    if (s?.length) l.skipped = s;
  }
  return lines;
}

export function parseBlamePorcelain(text: string): BlamedLine[] {
  const info = new Map<string, { summary: string; boundary: boolean; filename: string }>();
  const out: BlamedLine[] = [];
  const lines = text.split('\n');
  let cur: { commit: string; orig: number; final: number } | null = null;
  let pendingFile = '';
  for (const l of lines) {
    if (l.startsWith('\t')) {
      if (cur) {
        const i = info.get(cur.commit);
        out.push({
          line: cur.final,
          commit: cur.commit,
          origLine: cur.orig,
          origPath: i?.filename || pendingFile,
          boundary: i?.boundary ?? false,
          summary: i?.summary ?? '',
        });
      }
      cur = null;
      continue;
    }
    const head = /^([0-9a-f]{40,64}) (\d+) (\d+)(?: \d+)?$/.exec(l);
    if (head) {
      cur = { commit: head[1] ?? '', orig: Number(head[2]), final: Number(head[3]) };
      if (!info.has(cur.commit)) info.set(cur.commit, { summary: '', boundary: false, filename: '' });
      continue;
    }
    if (!cur) continue;
    const i = info.get(cur.commit);
    if (!i) continue;
    if (l.startsWith('summary ')) i.summary = l.slice(8);
    else if (l === 'boundary') i.boundary = true;
    else if (l.startsWith('filename ')) {
      i.filename = unquoteGitPath(l.slice(9)); // C-quoted when it holds a quote, backslash or control character
      pendingFile = i.filename;
    }
  }
  return out;
}
