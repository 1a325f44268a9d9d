/**
 * MAINTAINERS files (Linux, DPDK, QEMU, Xen all share the format): sections of `X:` lines, each section
 * titled by the line before its first tag. For a set of files (or a commit's files and patch), the
 * sections that cover them, with maintainers (M), reviewers (R) and lists (L): the mail's To/Cc.
 *
 * Matching follows scripts/get_maintainer.pl: `F:` a path, a directory (trailing `/`: everything below),
 * or a glob (`*` and `?` do not cross `/`; a pattern with no `/` after a `*` matches in that directory
 * only); `X:` the same, excluding; `N:` a regex on the path; `K:` a regex on the patch text. Sections
 * are ordered most specific first (deepest matching pattern).
 */
import type { GitTarget } from '../../git/run.js';
import { commitDiff } from '../../git/diff.js';
import { BlobReader, resolveCommit } from '../../git/show.js';
import { StablepickError } from '../../errors.js';

export interface MaintainersSection {
  name: string;
  /** 1-based line of the title in the MAINTAINERS file. */
  line: number;
  maintainers: string[];
  reviewers: string[];
  lists: string[];
  status: string | null;
  files: string[];
  excludes: string[];
  regexes: string[];
  keywords: string[];
  trees: string[];
}

export interface SectionMatch {
  section: string;
  line: number;
  status: string | null;
  /** The files (of those asked about) the section covers, and the pattern that matched. */
  files: Array<{ path: string; pattern: string }>;
  /** `K:` matched the patch text. */
  keyword?: string;
  maintainers: string[];
  reviewers: string[];
  lists: string[];
}

export interface MaintainersResult {
  /** Where the MAINTAINERS file was read: path and commit. */
  source: { path: string; rev: string };
  files: string[];
  sections: SectionMatch[];
  maintainers: string[];
  reviewers: string[];
  lists: string[];
  /** Maintainers and reviewers, then lists, without repeats: who a patch mail goes to. */
  recipients: string[];
  /** Files no section covers (other than a catch-all). */
  uncovered: string[];
}

const TAG = /^([A-Z]):\s*(.*)$/;

/** Parses a MAINTAINERS file. Text before the first section with a tag (the preamble) is ignored. */
export function parseMaintainers(text: string): MaintainersSection[] {
  const lines = text.split('\n');
  const out: MaintainersSection[] = [];
  let cur: MaintainersSection | null = null;
  let title: { name: string; line: number } | null = null;
  for (let i = 0; i < lines.length; i++) {
    const raw = lines[i] ?? '';
    const l = raw.trimEnd();
    const m = TAG.exec(l);
    if (m && m[1] && (cur || title)) {
      if (!cur) {
        cur = {
          name: title?.name ?? '',
          line: title?.line ?? i + 1,
          maintainers: [],
          reviewers: [],
          lists: [],
          status: null,
          files: [],
          excludes: [],
          regexes: [],
          keywords: [],
          trees: [],
        };
        out.push(cur);
      }
      const v = (m[2] ?? '').trim();
      switch (m[1]) {
        case 'M':
          cur.maintainers.push(v);
          break;
        case 'R':
          cur.reviewers.push(v);
          break;
        case 'L':
          cur.lists.push(v.replace(/\s*\(.*\)\s*$/, ''));
          break;
        case 'S':
          cur.status = v;
          break;
        case 'F':
          cur.files.push(v);
          break;
        case 'X':
          cur.excludes.push(v);
          break;
        case 'N':
          cur.regexes.push(v);
          break;
        case 'K':
          cur.keywords.push(v);
          break;
        case 'T':
          cur.trees.push(v);
          break;
        default:
          break;
      }
      continue;
    }
    if (l.trim() === '' || /^-{3,}$|^={3,}$/.test(l.trim())) {
      cur = null;
      if (l.trim() === '') title = null;
      continue;
    }
    if (m && !cur && !title) continue; // a tag line without a title: preamble text such as "M: Mail patches to"
    // A non-tag, non-blank line: a new title (the last such line before the tags wins).
    cur = null;
    title = { name: l.trim(), line: i + 1 };
  }
  return out.filter((s) => s.files.length || s.regexes.length || s.keywords.length || s.maintainers.length);
}

function globToRegExp(glob: string): RegExp {
  let re = '';
  for (const ch of glob) {
    if (ch === '*') re += '[^/]*';
    else if (ch === '?') re += '[^/]';
    else re += ch.replace(/[.+^${}()|[\]\\]/g, '\\$&');
  }
  return new RegExp(`^${re}`);
}

/** Whether an F:/X: pattern covers `path`; returns the pattern's depth (for ordering) or -1. */
export function patternMatches(pattern: string, path: string): number {
  const p = pattern.replace(/^\.\//, '');
  const depth = p.split('/').filter(Boolean).length;
  if (p.endsWith('/')) return path.startsWith(p) ? depth : -1;
  if (/[*?[]/.test(p)) {
    const re = globToRegExp(p);
    const m = re.exec(path);
    if (!m) return -1;
    const rest = path.slice(m[0].length);
    // get_maintainer.pl: a glob matches files in that directory only, or everything below a matched directory.
    if (rest === '') return depth;
    if (rest.startsWith('/')) return depth;
    return -1;
  }
  if (path === p) return depth;
  // A pattern naming a directory without the trailing slash covers it too.
  return path.startsWith(`${p}/`) ? depth : -1;
}

function uniq(xs: Iterable<string>): string[] {
  const seen = new Set<string>();
  const out: string[] = [];
  for (const x of xs) {
    const k = x.toLowerCase();
    if (!x || seen.has(k)) continue;
    seen.add(k);
    out.push(x);
  }
  return out;
}

function safeRegExp(src: string, flags = ''): RegExp | null {
  try {
    return new RegExp(src, flags);
  } catch {
    return null;
  }
}

/** Sections covering `files` (and, with `patch`, sections whose K: matches the patch text). */
export function matchMaintainers(sections: readonly MaintainersSection[], files: readonly string[], patch?: string): Omit<MaintainersResult, 'source'> {
  const hits: Array<SectionMatch & { depth: number; catchAll: boolean }> = [];
  for (const s of sections) {
    const matched: Array<{ path: string; pattern: string }> = [];
    let depth = -1;
    let catchAll = false;
    for (const f of files) {
      if (s.excludes.some((x) => patternMatches(x, f) >= 0)) continue;
      let best = -1;
      let bestPat = '';
      for (const pat of s.files) {
        const d = patternMatches(pat, f);
        if (d > best) {
          best = d;
          bestPat = pat;
        }
      }
      for (const n of s.regexes) {
        if (safeRegExp(n)?.test(f) && best < 0) {
          best = 1;
          bestPat = `N: ${n}`;
        }
      }
      if (best >= 0) {
        matched.push({ path: f, pattern: bestPat });
        if (bestPat === '*' || bestPat === '*/') catchAll = true;
        depth = Math.max(depth, best);
      }
    }
    let keyword: string | undefined;
    if (patch && s.keywords.length) {
      for (const k of s.keywords) {
        if (safeRegExp(k)?.test(patch)) {
          keyword = k;
          break;
        }
      }
    }
    if (!matched.length && !keyword) continue;
    const m: SectionMatch & { depth: number; catchAll: boolean } = {
      section: s.name,
      line: s.line,
      status: s.status,
      files: matched,
      maintainers: s.maintainers,
      reviewers: s.reviewers,
      lists: s.lists,
      depth: matched.length ? depth : 0,
      catchAll,
    };
    if (keyword) m.keyword = keyword;
    hits.push(m);
  }
  hits.sort((a, b) => Number(a.catchAll) - Number(b.catchAll) || b.depth - a.depth || a.line - b.line);
  const covered = new Set(hits.filter((h) => !h.catchAll).flatMap((h) => h.files.map((f) => f.path)));
  const sectionsOut: SectionMatch[] = hits.map(({ depth: _d, catchAll: _c, ...rest }) => rest);
  const maintainers = uniq(sectionsOut.flatMap((s) => s.maintainers));
  const reviewers = uniq(sectionsOut.flatMap((s) => s.reviewers));
  const lists = uniq(sectionsOut.flatMap((s) => s.lists));
  return {
    files: [...files],
    sections: sectionsOut,
    maintainers,
    reviewers,
    lists,
    recipients: uniq([...maintainers, ...reviewers, ...lists]),
    uncovered: files.filter((f) => !covered.has(f)),
  };
}

export interface MaintainersOptions {
  /** Revision whose MAINTAINERS file to read (default: the commit asked about, else HEAD). */
  rev?: string;
  /** Path of the MAINTAINERS file in the tree (default `MAINTAINERS`). */
  file?: string;
}

/** MAINTAINERS entries for some paths at a revision. */
export async function maintainersForPaths(target: GitTarget, paths: readonly string[], opts: MaintainersOptions = {}): Promise<MaintainersResult> {
  const rev = await resolveCommit(target, opts.rev ?? 'HEAD');
  const sections = await readSections(target, rev, opts.file ?? 'MAINTAINERS');
  return { source: { path: opts.file ?? 'MAINTAINERS', rev }, ...matchMaintainers(sections, paths) };
}

/** MAINTAINERS entries for a commit: its files, and K: patterns against its patch. */
export async function maintainersForCommit(target: GitTarget, commit: string, opts: MaintainersOptions = {}): Promise<MaintainersResult & { sha: string }> {
  const sha = await resolveCommit(target, commit);
  const rev = opts.rev ? await resolveCommit(target, opts.rev) : sha;
  const diff = await commitDiff(target, sha);
  const files = [...new Set(diff.files.flatMap((f) => [f.newPath, f.oldPath]).filter((p): p is string => !!p))];
  const patch = diff.files.flatMap((f) => f.hunks.flatMap((h) => [...h.removed, ...h.added])).join('\n');
  const sections = await readSections(target, rev, opts.file ?? 'MAINTAINERS');
  return { sha, source: { path: opts.file ?? 'MAINTAINERS', rev }, ...matchMaintainers(sections, files, patch) };
}

async function readSections(target: GitTarget, rev: string, file: string): Promise<MaintainersSection[]> {
  const reader = new BlobReader(target);
  try {
    const text = await reader.readText(rev, file);
    if (text === null)
      throw new StablepickError('NOT_FOUND', {
        what: 'file',
        file,
        at: rev.slice(0, 12),
        fix: 'this project has no MAINTAINERS file at that revision; pass --file if it has another name',
      });
    return parseMaintainers(text);
  } finally {
    reader.close();
  }
}
