/**
 * Grounding a model's prose in the computed facts. Every claim a sentence makes that can be checked —
 * a commit id, a function `name()`, a `path:line`, a number, a branch name — is looked up in the facts
 * the model was given; a sentence with one claim that does not check is removed and listed, with why.
 * Nothing is repaired or guessed: a sentence is kept whole or dropped whole.
 */
import { checkAnalysisText } from '../report/mail/check.js';
import type { WrittenCase } from '../report/case/types.js';

export interface Facts {
  shas: string[];
  functions: Set<string>;
  /** `path:line` pairs the facts cite. */
  pathLines: Set<string>;
  paths: Set<string>;
  numbers: Set<string>;
  branches: Set<string>;
}

export interface Dropped {
  sentence: string;
  why: string[];
}

export interface Grounded {
  kept: string[];
  dropped: Dropped[];
}

const SHA_RE = /\b[0-9a-f]{7,64}\b/g;
const PATH_LINE_RE = /\b((?:[\w.+-]+\/)*[\w.+-]+\.[A-Za-z0-9]+):(\d+)\b/g;
const FUNC_RE = /\b([A-Za-z_]\w*)\s*\(\)/g;
const BRANCH_RE = /\b(?:linux-\d+\.\d+\.y|stable-\d+\.\d+|\d+\.\d+(?:\.y|-staging)|[A-Za-z][\w-]*-\d+\.\d+(?:\.\d+)?\.y)\b/g;
const NUMBER_RE = /(?<![\w.])\d+(?:\.\d+)*(?![\w])/g;

function addNumbers(out: Set<string>, text: string): void {
  for (const m of text.matchAll(/\d+(?:\.\d+)*/g)) {
    out.add(m[0]);
    for (const part of m[0].split('.')) out.add(part);
    out.add(String(Number(m[0])));
  }
}

/** Everything the model may cite: what the case holds, plus the names of the index's branches. */
export function factsOf(c: WrittenCase, branchNames: readonly string[]): Facts {
  const shas = new Set<string>();
  const functions = new Set<string>();
  const pathLines = new Set<string>();
  const paths = new Set<string>();
  const numbers = new Set<string>();
  const json = JSON.stringify(c);
  for (const m of json.matchAll(/\b[0-9a-f]{40}\b|\b[0-9a-f]{64}\b/g)) shas.add(m[0]);
  for (const cit of c.citations) {
    if (cit.kind === 'file-line' || cit.kind === 'function') {
      pathLines.add(`${cit.path}:${cit.line}`);
      paths.add(cit.path);
    }
    if (cit.kind === 'function') functions.add(cit.name);
  }
  for (const f of c.code.functions) {
    functions.add(f.name);
    pathLines.add(`${f.path}:${f.line}`);
    paths.add(f.path);
  }
  for (const k of c.code.callers) {
    functions.add(k.callee);
    if (k.caller) functions.add(k.caller);
    pathLines.add(`${k.path}:${k.line}`);
    paths.add(k.path);
  }
  for (const e of c.code.entryPoints) {
    functions.add(e.function);
    pathLines.add(`${e.path}:${e.line}`);
  }
  for (const l of [...c.bug.removed, ...c.bug.added]) {
    pathLines.add(`${l.path}:${l.line}`);
    paths.add(l.path);
    for (const m of l.text.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) functions.add(m[1]!);
  }
  for (const f of c.changes.files) paths.add(f.path);
  // Functions the upstream message names.
  for (const m of c.message.matchAll(/\b([A-Za-z_]\w*)\s*\(/g)) functions.add(m[1]!);
  addNumbers(numbers, json.replace(/\b[0-9a-f]{40,64}\b/g, ''));
  const branches = new Set<string>([...branchNames, ...c.branches.map((b) => b.branch)]);
  return { shas: [...shas], functions, pathLines, paths, numbers, branches };
}

/** Sentences of a paragraph (on ., ! or ? followed by a space, and on line breaks). */
export function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((l) => l.split(/(?<=[.!?])\s+(?=[A-Z`"'([])/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** Why a sentence does not check (empty: it stands). */
export function claimProblems(sentence: string, f: Facts): string[] {
  const why: string[] = [];
  let rest = sentence;
  const cut = (s: string): void => void (rest = rest.split(s).join(' '));
  for (const m of sentence.matchAll(PATH_LINE_RE)) {
    const pl = `${m[1]}:${m[2]}`;
    if (!f.pathLines.has(pl)) why.push(f.paths.has(m[1]!) ? `${pl}: the facts cite no line ${m[2]} of ${m[1]}` : `${pl}: ${m[1]} is not among the files of the facts`);
    cut(m[0]);
  }
  for (const m of rest.matchAll(SHA_RE)) {
    const id = m[0];
    if (!/\d/.test(id) || !/[a-f]/.test(id)) continue; // a plain number or a word, not an id
    if (!f.shas.some((s) => s.startsWith(id))) why.push(`commit ${id} is not among the commits of the facts`);
    cut(id);
  }
  for (const m of rest.matchAll(FUNC_RE)) {
    if (!f.functions.has(m[1]!)) why.push(`function ${m[1]}() is not among the functions of the facts`);
  }
  for (const m of rest.matchAll(BRANCH_RE)) {
    if (!f.branches.has(m[0])) why.push(`branch ${m[0]} is not a branch of the facts`);
    cut(m[0]);
  }
  // Numbers that are not part of a name (identifiers, file names) or of something checked above.
  const plain = rest.replace(/\b[A-Za-z_][\w-]*\d[\w-]*\b/g, ' ').replace(/\S+\.[A-Za-z]\w*\b/g, ' ');
  for (const m of plain.matchAll(NUMBER_RE)) {
    const n = m[0];
    if (!f.numbers.has(n) && !f.numbers.has(String(Number(n)))) why.push(`the number ${n} is not in the facts`);
  }
  try {
    checkAnalysisText(sentence);
  } catch (e) {
    why.push((e as Error).message.replace(/ at line \d+/, ''));
  }
  return [...new Set(why)];
}

/** Keeps the sentences whose every checkable claim is in the facts; lists the others with why. */
export function ground(text: string, f: Facts): Grounded {
  const out: Grounded = { kept: [], dropped: [] };
  for (const s of sentences(text)) {
    const why = claimProblems(s, f);
    if (why.length) out.dropped.push({ sentence: s, why });
    else out.kept.push(s);
  }
  return out;
}
