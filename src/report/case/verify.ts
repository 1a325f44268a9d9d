/**
 * The gate every case passes before it is printed or mailed: each citation is checked against the
 * repository and the index (the sha exists, the file has that line with that text at that revision, the
 * function is defined there, the tag is in the message, the branch tip is what the case says), and the
 * rendered text may name no sha and no path:line that is not cited. A case that fails is not output.
 */
import { FACT_CHECK, InternalError } from '../../errors.js';
import { BlobReader } from '../../git/show.js';
import type { GitTarget } from '../../git/run.js';
import type { DB } from '../../history/db.js';
import type { Citation, WrittenCase } from './types.js';
import { commitMessage, commitRecord } from '../../history/tables/commits.js';
import { branchTip } from '../../history/tables/branches.js';
import { isReleaseTag } from '../../history/tables/tags.js';

export interface VerifyProblem {
  citation: Citation | null;
  problem: string;
}

function describe(c: Citation): string {
  switch (c.kind) {
    case 'sha':
      return `commit ${c.sha}`;
    case 'ref':
      return `branch ${c.name} at ${c.sha.slice(0, 12)}`;
    case 'tag':
      return `tag line "${c.line}" of ${c.sha.slice(0, 12)}`;
    case 'file-line':
      return `${c.path}:${c.line} at ${c.rev.slice(0, 12)}`;
    case 'function':
      return `${c.name}() at ${c.path}:${c.line} (${c.rev.slice(0, 12)})`;
    case 'quote':
      return `quote "${c.text.length > 60 ? `${c.text.slice(0, 57)}...` : c.text}" of ${c.sha.slice(0, 12)}`;
    case 'release':
      return `first release ${c.tag} of ${c.sha.slice(0, 12)}`;
  }
}

/** White space folded, for quotes that span lines of a message. */
const fold = (s: string): string => s.replace(/\s+/g, ' ').trim();

/** Every problem found (empty when the case stands). */
export async function findProblems(repo: GitTarget, db: DB, c: WrittenCase, texts: readonly string[] = []): Promise<VerifyProblem[]> {
  const problems: VerifyProblem[] = [];
  const blobs = new BlobReader(repo);
  const fileCache = new Map<string, string[] | null>();
  const lines = async (rev: string, path: string): Promise<string[] | null> => {
    const k = `${rev}:${path}`;
    if (!fileCache.has(k)) {
      const t = await blobs.readText(rev, path);
      fileCache.set(k, t === null ? null : t.split('\n'));
    }
    return fileCache.get(k)!;
  };
  try {
    for (const cit of c.citations) {
      const fail = (problem: string): void => void problems.push({ citation: cit, problem: `${describe(cit)}: ${problem}` });
      switch (cit.kind) {
        case 'sha':
          if (!/^[0-9a-f]{40}$/.test(cit.sha) || commitMessage(db, cit.sha) === undefined) fail('no such commit in the index');
          break;
        case 'ref': {
          const tip = branchTip(db, cit.name);
          if (tip !== cit.sha) fail(tip ? `the branch is at ${tip.slice(0, 12)}` : 'no such branch in the index');
          break;
        }
        case 'tag': {
          const msg = commitMessage(db, cit.sha);
          if (msg === undefined) fail('no such commit');
          else if (!msg.split('\n').some((l) => l.trim() === cit.line.trim())) fail('the message has no such line');
          break;
        }
        case 'quote': {
          const msg = commitMessage(db, cit.sha);
          if (msg === undefined) fail('no such commit');
          else if (!fold(msg).includes(fold(cit.text))) fail('the message says no such thing');
          break;
        }
        case 'release': {
          const rel = commitRecord(db, cit.sha)?.first_release;
          if (rel === undefined) fail('no such commit in the index');
          else if (rel !== cit.tag) fail(rel ? `its first release is ${rel}` : 'no release contains it');
          else if (!isReleaseTag(db, cit.tag)) fail('no such tag in the index');
          break;
        }
        case 'file-line': {
          const ls = await lines(cit.rev, cit.path);
          if (!ls) fail('no such file at that revision');
          else if (cit.line < 1 || cit.line > ls.length) fail(`the file has ${ls.length} lines`);
          else if (cit.text !== undefined && ls[cit.line - 1] !== cit.text) fail(`the line reads "${ls[cit.line - 1]}"`);
          break;
        }
        case 'function': {
          const ls = await lines(cit.rev, cit.path);
          if (!ls) fail('no such file at that revision');
          else {
            const around = ls.slice(Math.max(0, cit.line - 1), cit.line + 4).join('\n');
            if (!new RegExp(`\\b${cit.name}\\b`).test(around)) fail('the function is not defined there');
          }
          break;
        }
      }
    }
  } finally {
    blobs.close();
  }
  problems.push(...textProblems(c, texts));
  return problems;
}

/** Names in the rendered text that no citation backs: shas (7-40 hex digits) and path:line pairs. */
export function textProblems(c: WrittenCase, texts: readonly string[]): VerifyProblem[] {
  const shas = new Set<string>();
  const places = new Set<string>();
  const quoted: string[] = [];
  for (const cit of c.citations) {
    if (cit.kind === 'sha' || cit.kind === 'ref') shas.add(cit.sha);
    if (cit.kind === 'tag') {
      shas.add(cit.sha);
      quoted.push(cit.line);
    }
    if (cit.kind === 'quote' || cit.kind === 'release') {
      shas.add(cit.sha);
      if (cit.kind === 'quote') quoted.push(cit.text);
    }
    if (cit.kind === 'file-line' || cit.kind === 'function') {
      shas.add(cit.rev);
      places.add(`${cit.path}:${cit.line}`);
      if (cit.kind === 'file-line' && cit.text !== undefined) quoted.push(cit.text);
    }
  }
  const cited = [...shas];
  const problems: VerifyProblem[] = [];
  for (const raw of texts) {
    // Quoted message lines and code lines are checked as a whole by their citation; scan the rest.
    // White space folded on both sides: a quote wrapped over lines of a plain-text mail still matches.
    let t = fold(raw);
    for (const q of quoted) if (q.trim().length > 3) t = t.split(fold(q)).join(' ');
    for (const m of t.matchAll(/(?<![\w/.-])[0-9a-f]{7,40}(?![\w/-])/g)) {
      const tok = m[0];
      if (!/[a-f]/.test(tok) || !/[0-9]/.test(tok)) continue;
      if (!cited.some((s) => s.startsWith(tok))) problems.push({ citation: null, problem: `the text names ${tok}, which no citation backs` });
    }
    for (const m of t.matchAll(/(?<![\w/.-])((?:[\w.+-]+\/)*[\w.+-]+\.[A-Za-z0-9]{1,5}):(\d+)\b/g)) {
      const key = `${m[1]}:${m[2]}`;
      if (!places.has(key)) problems.push({ citation: null, problem: `the text names ${key}, which no citation backs` });
    }
  }
  return problems;
}

/** Throws when any citation fails or the text names an uncited fact. */
export async function verifyCase(repo: GitTarget, db: DB, c: WrittenCase, texts: readonly string[] = []): Promise<void> {
  const problems = await findProblems(repo, db, c, texts);
  if (problems.length) {
    throw new InternalError(
      FACT_CHECK,
      `the case for ${c.sha.slice(0, 12)} names a fact that does not check out: ${problems[0]!.problem}${problems.length > 1 ? ` (and ${problems.length - 1} more)` : ''}; nothing was written`,
    );
  }
}
