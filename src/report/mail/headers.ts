/**
 * Mail header text as `git format-patch` writes it: RFC 2047 encoded words (UTF-8, Q encoding) for
 * non-ASCII text, display names quoted when they hold RFC 5322 specials, lines folded at 78 columns,
 * RFC 5322 dates. Also the reverse for what stablepick reads back: splitting `Name <email>` and
 * checking that an address is well formed.
 */
import { StablepickError } from '../../errors.js';

/** Where header lines are folded (RFC 5322's "SHOULD"; format-patch's limit). */
export const FOLD_AT = 78;
/** Longest encoded word (RFC 2047). */
const MAX_WORD = 75;

export interface Mailbox {
  name: string;
  email: string;
}

const PRINTABLE_ASCII = /^[\x20-\x7e]*$/;
/** RFC 5322 specials (and the double quote) that force a display name into quotes; format-patch's set. */
const SPECIALS = /[()<>@,;:\\".[\]]/;
/** Characters a Q-encoded word may carry as themselves inside a phrase (RFC 2047 5.(3)). */
const Q_PLAIN = /[A-Za-z0-9!*+\-/]/;

/** Throws when a header value would break the header block (a CR, LF or NUL in it). */
export function assertHeaderSafe(name: string, value: string): void {
  if (/[\r\n\0]/.test(value)) {
    throw new StablepickError('BAD_MAIL', {
      input: `mail header ${name}`,
      why: `holds a line break: ${JSON.stringify(value.slice(0, 80))}`,
      fix: 'header values are one line; remove the line break',
    });
  }
}

/** One encoded word's payload for `s` (UTF-8 bytes, Q encoding: space as `_`). */
function qEncode(s: string): string {
  let out = '';
  for (const ch of s) {
    if (ch === ' ') out += '_';
    else if (Q_PLAIN.test(ch)) out += ch;
    else for (const b of Buffer.from(ch, 'utf8')) out += `=${b.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * `s` as RFC 2047 encoded words, each at most 75 characters and never splitting a character, joined by
 * `sep` (a folding white space: decoders drop it between encoded words). `firstRoom` is what the first
 * line has left.
 */
export function encodeWords(s: string, firstRoom = MAX_WORD, sep = '\n '): string {
  const pre = '=?UTF-8?q?';
  const post = '?=';
  const words: string[] = [];
  let cur = '';
  let room = Math.min(MAX_WORD, Math.max(firstRoom, pre.length + post.length + 12));
  for (const ch of s) {
    const enc = qEncode(ch);
    if (cur && pre.length + cur.length + enc.length + post.length > room) {
      words.push(`${pre}${cur}${post}`);
      cur = '';
      room = MAX_WORD;
    }
    cur += enc;
  }
  if (cur || words.length === 0) words.push(`${pre}${cur}${post}`);
  return words.join(sep);
}

/** True when `s` can stand in a header as it is (printable ASCII, nothing a decoder would take as an encoded word). */
function isPlainHeaderText(s: string): boolean {
  return PRINTABLE_ASCII.test(s) && !s.includes('=?');
}

/**
 * An unstructured header (Subject, X-*) as `Name: value` lines: plain ASCII folded at white space so no
 * line passes 78 columns (a word longer than that stays whole), anything else as encoded words.
 */
export function unstructuredHeader(name: string, value: string): string {
  assertHeaderSafe(name, value);
  const head = `${name}: `;
  if (!isPlainHeaderText(value)) return head + encodeWords(value, FOLD_AT - head.length);
  return foldAtSpaces(head + value);
}

/** Folds a header line before single spaces so each line stays within 78 columns when it can. */
function foldAtSpaces(line: string): string {
  const out: string[] = [];
  let rest = line;
  // Never fold right after the field name's colon, nor where the line before would be all blank.
  let min = line.indexOf(':') + 2;
  while (rest.length > FOLD_AT) {
    let cut = rest.lastIndexOf(' ', FOLD_AT);
    if (cut < min || rest.slice(0, cut).trim() === '') cut = rest.indexOf(' ', Math.max(min, FOLD_AT + 1));
    if (cut < 0) break;
    min = 1;
    out.push(rest.slice(0, cut));
    rest = rest.slice(cut); // the space starts the continuation line
  }
  out.push(rest);
  return out.join('\n');
}

/** A display name as a header phrase: as is, quoted (specials) or encoded (non-ASCII). */
function encodePhrase(name: string): string {
  if (!isPlainHeaderText(name)) return encodeWords(name, MAX_WORD, ' ');
  if (SPECIALS.test(name)) return `"${name.replace(/(["\\])/g, '\\$1')}"`;
  return name;
}

/** `Name <email>` for a header (encoded or quoted as needed); the bare address when there is no name. */
export function formatMailbox(m: Mailbox): string {
  assertHeaderSafe('address', `${m.name} ${m.email}`);
  const name = m.name.trim();
  return name ? `${encodePhrase(name)} <${m.email}>` : m.email;
}

/** `Name <email>` for people to read (no encoding); the bare address when there is no name. */
export function displayMailbox(m: Mailbox): string {
  const name = m.name.trim();
  if (!name) return m.email;
  return PRINTABLE_ASCII.test(name) && SPECIALS.test(name) ? `"${name.replace(/(["\\])/g, '\\$1')}" <${m.email}>` : `${name} <${m.email}>`;
}

/**
 * An address header (From, To, Cc) with addresses as given (`Name <email>`, made header-safe), folded
 * before an address when the line would pass 78 columns, continuation lines starting with a tab (as
 * `git send-email` writes them).
 */
export function addressHeader(name: string, addresses: readonly (string | Mailbox)[]): string {
  const parts = addresses.map((a) => formatMailbox(typeof a === 'string' ? parseMailbox(a) : a));
  let line = `${name}: `;
  const lines: string[] = [];
  parts.forEach((p, i) => {
    const piece = i < parts.length - 1 ? `${p},` : p;
    const sep = i === 0 ? '' : ' ';
    if (i > 0 && line.length + sep.length + piece.length > FOLD_AT) {
      lines.push(line);
      line = `\t${piece}`;
    } else {
      line += sep + piece;
    }
  });
  lines.push(line);
  return lines.join('\n');
}

/** A well-formed address: local part of common characters, a domain of at least two labels. */
const EMAIL_RE = /^[A-Za-z0-9!#$%&'*+/=?^_`{|}~.-]+@[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?)+$/;

/** Why `email` is not a usable address, or null when it is. */
export function emailProblem(email: string): string | null {
  if (!email) return 'no address';
  if (email.length > 254) return 'address longer than 254 characters';
  if (!EMAIL_RE.test(email)) return `not an address: ${email}`;
  const local = email.slice(0, email.lastIndexOf('@'));
  if (local.startsWith('.') || local.endsWith('.') || local.includes('..')) return `not an address: ${email}`;
  return null;
}

/** Splits `Name <email>`, `"Last, First" <email>` or a bare `email`; throws when there is no well-formed address. */
export function parseMailbox(s: string): Mailbox {
  const v = s.trim();
  const m = /^(.*?)\s*<([^<>\s]+)>$/.exec(v);
  let name = '';
  let email = v;
  if (m) {
    name = (m[1] ?? '').trim();
    email = m[2] ?? '';
    if (name.length >= 2 && name.startsWith('"') && name.endsWith('"')) name = name.slice(1, -1).replace(/\\(["\\])/g, '$1');
  }
  const problem = emailProblem(email);
  if (problem) throw new StablepickError('BAD_ADDRESS', { value: s, why: 'invalid', detail: problem });
  return { name, email };
}

const DAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** RFC 5322 date in UTC, as format-patch writes it: `Mon, 3 Nov 2025 18:02:15 +0000`. */
export function rfc2822Date(d: Date): string {
  if (Number.isNaN(d.getTime())) throw new StablepickError('BAD_MAIL', { input: 'mail date', why: 'is not a valid date', fix: 'give a Date or unix seconds' });
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${DAYS[d.getUTCDay()]}, ${d.getUTCDate()} ${MONTHS[d.getUTCMonth()]} ${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())} +0000`;
}
