/**
 * Grounding a model's prose in the computed facts. Every claim a sentence makes that can be checked —
 * a commit id, a function `name()`, a `path:line`, a number, a branch name — is looked up in the facts
 * the model was given; a sentence with one claim that does not check is removed and listed, with why.
 * Nothing is repaired or guessed: a sentence is kept whole or dropped whole.
 */

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

/** Every number of a text, whole and by its dotted parts (6.17.1 → 6.17.1, 6, 17, 1). */
export function addNumbers(out: Set<string>, text: string): void {
  for (const m of text.matchAll(/\d+(?:\.\d+)*/g)) {
    out.add(m[0]);
    for (const part of m[0].split('.')) out.add(part);
    out.add(String(Number(m[0])));
  }
}

/** Sentences of a paragraph (on ., ! or ? followed by a space, and on line breaks). */
function sentences(text: string): string[] {
  return text
    .split(/\n+/)
    .flatMap((l) => l.split(/(?<=[.!?])\s+(?=[A-Z`"'([])/))
    .map((s) => s.trim())
    .filter(Boolean);
}

/** A further test of a sentence by the caller (e.g. the mail's check for working notes): why it fails, or null. */
export type SentenceCheck = (sentence: string) => string | null;

/** Why a sentence does not check (empty: it stands). */
function claimProblems(sentence: string, f: Facts, check?: SentenceCheck): string[] {
  const why: string[] = [];
  let rest = sentence;
  const cut = (s: string): void => void (rest = rest.split(s).join(' '));
  for (const m of sentence.matchAll(PATH_LINE_RE)) {
    const pl = `${m[1]}:${m[2]}`;
    if (!f.pathLines.has(pl))
      why.push(f.paths.has(m[1]!) ? `${pl}: the facts cite no line ${m[2]} of ${m[1]}` : `${pl}: ${m[1]} is not among the files of the facts`);
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
  const other = check?.(sentence);
  if (other) why.push(other);
  return [...new Set(why)];
}

/** Keeps the sentences whose every checkable claim is in the facts; lists the others with why. */
export function ground(text: string, f: Facts, check?: SentenceCheck): Grounded {
  const out: Grounded = { kept: [], dropped: [] };
  for (const s of sentences(text)) {
    const why = claimProblems(s, f, check);
    if (why.length) out.dropped.push({ sentence: s, why });
    else out.kept.push(s);
  }
  return out;
}
