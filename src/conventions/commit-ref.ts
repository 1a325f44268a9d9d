/**
 * Reading a value that names a commit: `14c1da3895a1 ("sched_ext: Allocate ...")`, `commit 14c1da3895a1`,
 * `14C1DA38`, `https://github.com/o/r/commit/<sha>`, and telling apart values that name an issue or a
 * URL instead (`#1234`, `https://.../issues/12`), which are reported as malformed.
 */

export interface CommitRef {
  /** Lower-case hex as written, 4..40 characters (64 in SHA-256 repositories). */
  prefix: string;
  /** The quoted subject, if any. */
  subject: string | null;
}

/**
 * Why parsing stopped with text still open, so a caller holding the next line can append it and parse
 * again: 'subject' = a '("...' subject not yet closed; 'bare' = a bare id, the subject may follow on the
 * next line (glibc wraps `Fixes commit <sha>` / `("subject")`); 'list' = the value ends in ',' or 'and'.
 */
export type RefPending = 'subject' | 'bare' | 'list' | null;

export interface RefParse {
  ref: CommitRef | null;
  /** Further ids in the same value: `Follow-up for 0123abc and 4567def.` */
  more: CommitRef[];
  malformed: string | null;
  pending: RefPending;
}

const HEX_RUN = /^[0-9a-fA-F]+/;
const HAS_DIGIT = /\d/;
const HAS_HEX_LETTER = /[a-fA-F]/;
const ALL_DIGITS = /^\d+$/;
const COMMIT_WORD = /^commit[\s:]+/i;
const ISSUE_WORD = /^(?:#|gh-?\d|gh#|bz|bug\b|bugs\b|issue|cid|lp[#:]|bsc#|boo#|rhbz|jira|coverity|cve-|[a-z]+#\d)/i;
const JIRA_KEY = /^[A-Z][A-Z0-9]+-\d+\b/;
const URL_START = /^[a-z][a-z0-9+.-]*:\/\//i;
/** .../commit/<sha> (GitHub, GitLab /-/commit/), cgit .../commit/?id=<sha>, gitweb ;a=commit;h=<sha>, hg /rev/<sha>. */
const URL_COMMIT = /(?:\/commits?\/(?:\?(?:[^#\s]*[&;])?(?:id|h)=)?|[?&;]a=commit[^#\s]*?[&;]h=|\/rev\/)([0-9a-f]{7,64})(?![0-9a-z])/i;
const MORE_REF = /^\s*(?:,|;|&|\band\b|\bor\b)?\s*(?:commit\s+)?([0-9a-fA-F]{7,64})(?![0-9a-zA-Z_-])/;
const LIST_TAIL = /(?:,|;|&|\band|\bor)\s*$/i;
/** Characters that may follow a commit id. */
const ID_END = /[\s(),.;:"'“”‘’«»\]]/;

const CLOSERS: Record<string, string> = {
  '"': '"”“',
  "'": "'’‘",
  '“': '”“"',
  '”': '”“"',
  '‘': "’‘'",
  '’': "’‘'",
  '«': '»',
  '`': "`'",
};

function validId(hex: string): string | null {
  const n = hex.length;
  if (n < 4) return `commit id too short (${n} hex digits, need at least 4)`;
  if (n > 40 && n !== 64) return 'not a commit id (too long)';
  return null;
}

/**
 * Parse a fixes-like value. `final` = no more text will be appended: unclosed subjects are then read as
 * far as they go instead of being reported as pending.
 */
export function parseCommitRef(value: string, final = true): RefParse {
  let s = value.trim();
  const out: RefParse = { ref: null, more: [], malformed: null, pending: null };
  if (!s) {
    out.malformed = 'empty value';
    return out;
  }
  const cw = COMMIT_WORD.exec(s);
  if (cw) s = s.slice(cw[0].length);
  if (URL_START.test(s)) {
    const m = URL_COMMIT.exec(s.split(/\s/, 1)[0] ?? '');
    if (m?.[1]) {
      out.ref = { prefix: m[1].toLowerCase(), subject: null };
      return out;
    }
    out.malformed = 'a URL, not a commit id';
    return out;
  }
  if (ISSUE_WORD.test(s) || JIRA_KEY.test(s)) {
    out.malformed = 'an issue reference, not a commit id';
    return out;
  }
  const hm = HEX_RUN.exec(s);
  const hex = hm?.[0] ?? '';
  const after = s.charAt(hex.length);
  if (!hex || (after !== '' && !ID_END.test(after))) {
    out.malformed = 'not a commit id';
    return out;
  }
  const bad = validId(hex);
  if (bad) {
    out.malformed = bad;
    return out;
  }
  let rest = s.slice(hex.length).trimStart();
  const opensSubject = rest.startsWith('(') || (rest.length > 0 && CLOSERS[rest.charAt(0)] !== undefined);
  if (!opensSubject) {
    if (!HAS_DIGIT.test(hex)) {
      out.malformed = 'not a commit id (no digits)';
      return out;
    }
    if (hex.length < 7 && ALL_DIGITS.test(hex)) {
      out.malformed = 'looks like an issue number, not a commit id';
      return out;
    }
  }
  out.ref = { prefix: hex.toLowerCase(), subject: null };
  if (opensSubject) {
    const sub = readSubject(rest, final);
    if (sub === null) {
      out.pending = 'subject';
      return out;
    }
    out.ref.subject = sub.subject;
    rest = sub.rest;
  } else if (rest === '' || rest === '.') {
    if (!final) out.pending = 'bare';
    return out;
  }
  // Further ids: '0123abc and 4567def', '0123abc, 4567def'.
  while (rest) {
    const m = MORE_REF.exec(rest);
    if (!m?.[1] || !HAS_DIGIT.test(m[1]) || !HAS_HEX_LETTER.test(m[1])) break;
    const more: CommitRef = { prefix: m[1].toLowerCase(), subject: null };
    rest = rest.slice(m[0].length).trimStart();
    if (rest.startsWith('(') || (rest.length > 0 && CLOSERS[rest.charAt(0)] !== undefined)) {
      const sub = readSubject(rest, true);
      if (sub) {
        more.subject = sub.subject;
        rest = sub.rest;
      }
    }
    out.more.push(more);
  }
  if (!final && LIST_TAIL.test(rest)) out.pending = 'list';
  return out;
}

/**
 * Read `("subject")`, `('subject')`, `(subject)` or `"subject"` at the start of `text`. Quotes inside the
 * subject are kept: the subject runs to the LAST closing quote that is followed by ')'. Returns null
 * when the subject is still open and `final` is false.
 */
function readSubject(text: string, final: boolean): { subject: string | null; rest: string } | null {
  let i = 0;
  const paren = text.charAt(0) === '(';
  if (paren) {
    i = 1;
    while (text.charAt(i) === ' ') i++;
  }
  const q = text.charAt(i);
  const closers = CLOSERS[q];
  const lastParen = paren ? text.lastIndexOf(')') : -1;
  if (closers === undefined) {
    // (subject without quotes)
    if (lastParen > i) return { subject: text.slice(i, lastParen).trim() || null, rest: text.slice(lastParen + 1) };
    if (!final) return null;
    return { subject: text.slice(i).trim() || null, rest: '' };
  }
  const start = i + 1;
  if (paren && lastParen > start) {
    let j = lastParen - 1;
    while (j >= start && text.charAt(j) === ' ') j--;
    if (j >= start && closers.includes(text.charAt(j))) {
      return { subject: text.slice(start, j).trim() || null, rest: text.slice(lastParen + 1) };
    }
  }
  // `("subject)"`: quote and parenthesis swapped.
  const afterParen = paren && lastParen > start ? text.slice(lastParen + 1).trim() : '';
  if (afterParen.length === 1 && closers.includes(afterParen)) {
    return { subject: text.slice(start, lastParen).trim() || null, rest: '' };
  }
  const end = paren && lastParen > start ? lastParen : text.length;
  let k = -1;
  for (let j = end - 1; j >= start; j--) {
    if (closers.includes(text.charAt(j))) {
      k = j;
      break;
    }
  }
  // "subject" without parentheses: to the last closing quote.
  if (!paren && k >= start) return { subject: text.slice(start, k).trim() || null, rest: text.slice(k + 1) };
  if (!final) return null;
  // Not closed properly: `("Extend the range abstraction"...)` → to the last closing quote, else all.
  if (k >= start) return { subject: text.slice(start, k).trim() || null, rest: end < text.length ? text.slice(end + 1) : '' };
  return { subject: text.slice(start, end).trim() || null, rest: lastParen > start ? text.slice(lastParen + 1) : '' };
}
