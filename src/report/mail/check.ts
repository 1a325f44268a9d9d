/**
 * What must never go out in a mail: a commit whose verdict is not YES (or that the branch already
 * holds), working notes, error text and program values leaked into the written case, and lines that
 * `git mailinfo` or `git apply` would take for the patch when they are part of the explanation.
 */
import { StablepickError } from '../../errors.js';

/** Throws unless the verdict is YES and the branch does not already hold the commit. */
export function assertMailable(v: { verdict: string; already?: string | null; sha?: string; branch?: string }): void {
  const what = `${v.sha ? v.sha.slice(0, 12) : 'this commit'}${v.branch ? ` for ${v.branch}` : ''}`;
  if (v.already) {
    throw new StablepickError('NOT_MAILABLE', { what, why: 'already', already: v.already });
  }
  if (v.verdict !== 'YES') {
    throw new StablepickError('NOT_MAILABLE', { what, why: 'verdict', verdict: v.verdict });
  }
}

interface Leak {
  re: RegExp;
  what: string;
}

/**
 * Text that a computed case never holds: a leak of working notes, an error, or a program value.
 * "undefined" is allowed in the C sense (undefined behaviour, reference, symbol, instruction).
 */
const LEAKS: readonly Leak[] = [
  { re: /^\s*(?:[-*#>]+\s*)?(?:TODO|FIXME|XXX)\b/, what: 'a working note (TODO/FIXME/XXX)' },
  { re: /Traceback \(most recent call last\)/, what: 'a Python traceback' },
  { re: /\b[A-Za-z]*Error: /, what: 'error text' },
  { re: /^\s*(?:error|fatal|panic): /, what: 'error text' },
  { re: /^\s+at (?:async )?\S+ \(?(?:file:|node:|\/)\S*:\d+:\d+\)?$/, what: 'a stack trace' },
  { re: /\bundefined\b(?! (?:behaviou?r|reference|symbol|instruction|opcode))/, what: "a program value ('undefined')" },
  { re: /\bNaN\b/, what: "a program value ('NaN')" },
  { re: /\[object Object\]/, what: "a program value ('[object Object]')" },
  { re: /\bI think\b/, what: "a working note ('I think')" },
  { re: /\blet me\b/i, what: "a working note ('Let me')" },
  { re: /\bI(?:'ll| will| need to| should)\b/, what: 'a working note (first person)' },
];

/** Throws for the first leaked working note, error text or program value in a written case. */
export function checkAnalysisText(analysis: string, firstLine = 1): void {
  const lines = analysis.split('\n');
  for (const [i, line] of lines.entries()) {
    for (const l of LEAKS) {
      if (l.re.test(line)) {
        const quote = line.trim().length > 72 ? `${line.trim().slice(0, 69)}...` : line.trim();
        throw new StablepickError('BAD_MAIL', {
          input: "the mail's analysis",
          why: `holds ${l.what} at line ${i + firstLine}: "${quote}"`,
          fix: 'the case must be computed facts only: fix what wrote that line and build the mail again',
        });
      }
    }
  }
}

/**
 * The analysis part of an AUTOSEL mail: between the first `---` line of the body and the diffstat (or
 * the diff when there is no diffstat). Returns the text and its first line's number in the mail.
 */
export function analysisOfMail(text: string): { analysis: string; firstLine: number } {
  const cut = text.indexOf('\n\n');
  const head = cut < 0 ? text : text.slice(0, cut);
  // A quoted-printable body is read decoded (line numbers are then those of the decoded mail).
  const qp = cut >= 0 && /^Content-Transfer-Encoding:\s*quoted-printable\s*$/im.test(head);
  const lines = (qp ? `${head}\n\n${decodeQuotedPrintable(text.slice(cut + 2))}` : text).split('\n');
  const bodyStart = lines.indexOf('');
  const sep = lines.indexOf('---', bodyStart < 0 ? 0 : bodyStart);
  if (sep < 0) return { analysis: '', firstLine: lines.length + 1 };
  let end = lines.findIndex((l, i) => i > sep && l.startsWith('diff --git '));
  if (end < 0) end = lines.length;
  // Back over blank lines, then over the diffstat block when the block ends with the summary line.
  let k = end;
  while (k > sep + 1 && lines[k - 1] === '') k--;
  let j = k;
  while (j > sep + 1 && lines[j - 1] !== '') j--;
  const block = lines.slice(j, k);
  const summary = block.findIndex((l) => /^ \d+ files? changed/.test(l));
  if (summary >= 0 && block.slice(0, summary).every((l) => / \| /.test(l))) end = j;
  return { analysis: lines.slice(sep + 1, end).join('\n'), firstLine: sep + 2 };
}

/** Decodes RFC 2045 quoted-printable text (soft line breaks, =XX as UTF-8 bytes). */
export function decodeQuotedPrintable(text: string): string {
  const joined = text.replace(/=\r?\n/g, '');
  const bytes: number[] = [];
  for (let i = 0; i < joined.length; i++) {
    const c = joined[i] as string;
    const hex = c === '=' ? /^[0-9A-Fa-f]{2}$/.exec(joined.slice(i + 1, i + 3)) : null;
    if (hex) {
      bytes.push(parseInt(hex[0], 16));
      i += 2;
    } else {
      for (const b of Buffer.from(c, 'utf8')) bytes.push(b);
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

/** Throws when the analysis part of a built mail holds a leaked note, error text or program value. */
export function checkMailText(text: string): void {
  const { analysis, firstLine } = analysisOfMail(text);
  checkAnalysisText(analysis, firstLine);
}

/**
 * Lines that `git mailinfo` takes for the end of the message (patchbreak: `diff -`, `Index: `, `---`
 * followed by a space and a name, or by white space only) or that `git apply` takes for a patch header
 * or fragment (`diff --git`, `--- ` then `+++ `, `@@ -`), plus `GIT binary patch` and `Binary files`.
 */
const PATCHY = /^(?:diff[ -]|Index: |---|\+\+\+|@@|GIT binary patch|Binary files |rename (?:from|to) |similarity index )/;

/** True when `line` would be read as the patch by git am. */
export function looksLikePatchLine(line: string): boolean {
  return PATCHY.test(line);
}

/** Indents (one space) every line git am would take for the patch, so the text stays text. */
export function escapePatchLines(text: string): string {
  return text
    .split('\n')
    .map((l) => (PATCHY.test(l) ? ` ${l}` : l))
    .join('\n');
}
