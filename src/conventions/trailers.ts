/**
 * Trailers of a commit message: `Key: value` lines. Known keys (fixes-like keys, people, Cc, Link, ...)
 * count anywhere in the body after the subject, because people put `Fixes:` mid-body; unknown keys count
 * only in the trailer block. One pass over the lines, no per-call regex construction.
 */
import { canonicalKey, compileConventions, type CompiledConventions } from './compiled.js';
import { parseCommitRef, type CommitRef, type RefParse } from './commit-ref.js';
import { isStableAddress, parseStableAddressValue, parseStableKeyValue, type StableTag } from './stable-tag.js';
import { DEFAULT_CONVENTIONS, type Conventions } from './types.js';

export type { CommitRef } from './commit-ref.js';
export type { StableTag } from './stable-tag.js';

export type TrailerKind =
  | 'fixes'
  | 'stable'
  | 'reported-by'
  | 'reviewed-by'
  | 'tested-by'
  | 'acked-by'
  | 'suggested-by'
  | 'co-developed-by'
  | 'signed-off-by'
  | 'link'
  | 'closes'
  | 'message-id'
  | 'backport-to'
  | 'cc'
  | 'stable-dep-of'
  | 'other';

export interface Person {
  name: string;
  email: string | null;
}

export interface Trailer {
  kind: TrailerKind;
  /** The key as written ('Fixes', 'CC', 'Follow-up for'). For prose forms, the words before the id. */
  key: string;
  /** The value, trimmed; a subject wrapped onto following lines is joined with single spaces. */
  value: string;
  /** 0-based line index of the key in the message (line 0 = subject). */
  line: number;
  /** fixes / stable-dep-of: the commit named. */
  ref?: CommitRef;
  /** fixes / stable-dep-of: further commits named in the same value ('0123abc and 4567def'). */
  moreRefs?: CommitRef[];
  /** stable / backport-to: the stable request. */
  stable?: StableTag;
  /** People trailers (any '...-by' key) and a Cc/To that is not a stable address. */
  person?: Person;
  /** Why a fixes-like trailer could not be read as a commit ref ('an issue reference, not a commit id'). */
  malformed?: string;
  /** True when the trailer is in the trailer block (see parseTrailers); false for a known key mid-body. */
  inBlock: boolean;
  /** True for a prose form without a colon: systemd's 'Follow-up for 0123abcd.', glibc's 'Fixes commit X'. */
  prose?: boolean;
}

const MAX_KEY_LEN = 40;
/** Letters, digits, '-', and up to three single spaces before words ('Follow-up for', 'Coverity issue'; not 'Mar 13 04'). */
const KEY_RE = /^[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z][A-Za-z0-9-]*){0,3}$/;
/** Prose forms without a colon; the id must follow. */
const PROSE_RE =
  /^(follow-?ups? (?:for|to|of)|follow up (?:for|to)|followup (?:for|to)|fixes commit|fixes)\s+(?=(?:commit\s+)?[0-9a-fA-F]{7}|https?:\/\/\S+\/commit\/)/i;
const PROSE_HINT = /^(?:follow-?ups? |follow up |followup |fixes )/im;
const SUBJECT_START = /^(?:\(\s*["'“‘«`]|["“‘«])/;
const LIST_START = /^(?:commit\s+)?[0-9a-fA-F]{7,64}(?![0-9a-zA-Z])/;
const CLOSE_PAREN = /["'”“’‘»`]\s*\)/;

const PERSON_KINDS: ReadonlyMap<string, TrailerKind> = new Map<string, TrailerKind>([
  ['reported-by', 'reported-by'],
  ['reviewed-by', 'reviewed-by'],
  ['tested-by', 'tested-by'],
  ['acked-by', 'acked-by'],
  ['suggested-by', 'suggested-by'],
  ['co-developed-by', 'co-developed-by'],
  ['signed-off-by', 'signed-off-by'],
]);
const PLAIN_KINDS: ReadonlyMap<string, TrailerKind> = new Map<string, TrailerKind>([
  ['link', 'link'],
  ['closes', 'closes'],
  ['message-id', 'message-id'],
]);

/** The first line of the message. */
export function subjectOf(message: string): string {
  const nl = message.indexOf('\n');
  const line = nl < 0 ? message : message.slice(0, nl);
  return line.endsWith('\r') ? line.slice(0, -1) : line;
}

/** Everything after the subject line, without the blank lines that separate it and trailing whitespace. */
export function bodyOf(message: string): string {
  const nl = message.indexOf('\n');
  if (nl < 0) return '';
  return message
    .slice(nl + 1)
    .replace(/^(?:[ \t]*\r?\n)+/, '')
    .trimEnd();
}

/** `Name <email>`, `"Last, First" <email>`, `email`, `Name` (no email), `email (Name)`. */
export function parsePerson(value: string): Person {
  const v = value.trim();
  const lt = v.indexOf('<');
  if (lt >= 0) {
    const gt = v.indexOf('>', lt);
    const email = v.slice(lt + 1, gt < 0 ? undefined : gt).trim();
    return { name: unquote(v.slice(0, lt).trim()), email: email || null };
  }
  if (v.includes('@')) {
    const tokens = v.split(/\s+/);
    const idx = tokens.findIndex((t) => t.includes('@'));
    const email = (tokens[idx] ?? '').replace(/^[("'[]+|[)"'\],;.]+$/g, '');
    const name = tokens
      .filter((_, i) => i !== idx)
      .join(' ')
      .replace(/^\(|\)$/g, '')
      .trim();
    return { name: unquote(name), email: email || null };
  }
  return { name: unquote(v), email: null };
}

function unquote(s: string): string {
  return s.length >= 2 && s.startsWith('"') && s.endsWith('"') ? s.slice(1, -1).trim() : s;
}

function isBlank(line: string): boolean {
  for (let k = 0; k < line.length; k++) {
    const c = line.charCodeAt(k);
    if (c !== 32 && c !== 9 && c !== 13) return false;
  }
  return true;
}

function isLetter(c: number): boolean {
  return (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
}

/** Read a commit ref starting at line i, taking continuation lines while the value is still open. */
function readRef(lines: readonly string[], i: number, first: string): { r: RefParse; value: string; end: number } {
  let value = first;
  let end = i;
  let r = parseCommitRef(value, false);
  for (let extra = 0; r.pending && extra < 3; extra++) {
    const next = lines[end + 1];
    if (next === undefined) break;
    const nt = next.trim();
    if (!nt) break;
    let take = false;
    if (r.pending === 'subject') {
      const c = next.charCodeAt(0);
      take = c === 32 || c === 9 || CLOSE_PAREN.test(nt);
    } else if (r.pending === 'bare') take = SUBJECT_START.test(nt);
    else take = LIST_START.test(nt);
    if (!take) break;
    value = `${value} ${nt}`;
    end++;
    r = parseCommitRef(value, false);
  }
  if (r.pending) r = parseCommitRef(value, true);
  return { r, value, end };
}

function applyRef(t: Trailer, r: RefParse): void {
  if (r.ref) t.ref = r.ref;
  if (r.more.length > 0) t.moreRefs = r.more;
  if (r.malformed) t.malformed = r.malformed;
}

interface Candidate {
  trailer: Trailer;
  para: number;
}

/**
 * All trailers of a commit message, in line order (line 0, the subject, is never read).
 *
 * A trailer line starts at column 0 with `Key:` (letters, digits, '-', single spaces; at most 40
 * characters) and a value. Known keys — the conventions' fixes and stable keys, the people keys, Cc,
 * Link, Closes, Message-ID, Stable-dep-of — count anywhere after the subject. Unknown keys (kind 'other')
 * and To: count only in the trailer block: the last paragraph if all its lines are `Key: value`, else the
 * last paragraph holding a known trailer, extended back over directly preceding paragraphs that are all
 * `Key: value` and hold a known trailer (DPDK writes Fixes:/Cc: apart from Signed-off-by:).
 * Colon-less prose forms (systemd's 'Follow-up for <sha>.', glibc's 'Fixes commit <sha>') are read too,
 * as kind 'fixes' with `prose: true`, when the id has 7+ hex digits with both digits and letters.
 */
export function parseTrailers(message: string, conv: Conventions = DEFAULT_CONVENTIONS): Trailer[] {
  const nl = message.indexOf('\n');
  if (nl < 0) return [];
  if (message.indexOf(':', nl) < 0 && !PROSE_HINT.test(message.slice(nl + 1))) return [];
  const cc = compileConventions(conv);
  const lines = message.split('\n');
  const known: Candidate[] = [];
  let unknown: Candidate[] | null = null;
  let para = 0;
  let inPara = false;
  let lastKnownPara = -1;
  // Per paragraph: lines that start a new logical line, and how many of them are `key: value`.
  const paraLines: number[] = [];
  const paraKeyLines: number[] = [];
  const paraKnown: number[] = [];
  for (let i = 1; i < lines.length; i++) {
    let line = lines[i] as string;
    if (line.endsWith('\r')) line = line.slice(0, -1);
    if (line.length === 0 || isBlank(line)) {
      if (inPara) {
        para++;
        inPara = false;
      }
      continue;
    }
    if (!inPara) {
      inPara = true;
      paraLines[para] = 0;
      paraKeyLines[para] = 0;
    }
    const c0 = line.charCodeAt(0);
    if (c0 === 32 || c0 === 9) continue; // continuation of the previous line
    paraLines[para] = (paraLines[para] ?? 0) + 1;
    if (!isLetter(c0)) continue;
    const colon = line.indexOf(':');
    if (colon > 0 && colon <= MAX_KEY_LEN && line.charCodeAt(colon + 1) !== 47 /* '/': a URL, https://... */) {
      const keyRaw = line.slice(0, colon);
      if (KEY_RE.test(keyRaw)) {
        paraKeyLines[para] = (paraKeyLines[para] ?? 0) + 1;
        const canon = canonicalKey(keyRaw);
        const t = classify(canon, keyRaw, line.slice(colon + 1).trim(), i, lines, cc);
        if (t !== null) {
          if (t.trailer.kind === 'other' || canon === 'to') {
            (unknown ??= []).push({ trailer: t.trailer, para });
          } else {
            known.push({ trailer: t.trailer, para });
            lastKnownPara = para;
            paraKnown[para] = 1;
          }
          i = t.end; // continuation lines of a wrapped subject belong to this trailer
        }
        continue;
      }
    }
    if ((c0 | 32) === 102 /* f */) {
      const pm = PROSE_RE.exec(line);
      if (pm) {
        const { r, value, end } = readRef(lines, i, line.slice(pm[0].length));
        if (r.ref && isPlausibleProseId(r.ref.prefix)) {
          const t: Trailer = { kind: 'fixes', key: (pm[1] as string).trim(), value, line: i, inBlock: false, prose: true };
          applyRef(t, r);
          known.push({ trailer: t, para });
          i = end;
        }
      }
    }
  }
  // The last paragraph: if the message ended with blank lines, `para` already counts past it.
  const lastPara = inPara ? para : para - 1;
  const allKeys = (p: number): boolean => (paraLines[p] ?? 0) > 0 && paraLines[p] === paraKeyLines[p];
  // The block: the last paragraph if it is all trailers, else the last paragraph with a known trailer,
  // extended back over paragraphs that are all trailers with a known key among them (DPDK puts
  // Fixes:/Cc: apart from Signed-off-by:; a kernel 'v3: fix ...' changelog paragraph is not a block).
  let blockEnd = allKeys(lastPara) ? lastPara : lastKnownPara;
  let blockStart = blockEnd;
  while (blockStart > 0 && allKeys(blockStart - 1) && paraKnown[blockStart - 1] === 1) blockStart--;
  if (blockEnd < 0) blockStart = blockEnd = -2;
  const out: Trailer[] = [];
  for (const k of known) {
    k.trailer.inBlock = k.para >= blockStart && k.para <= blockEnd;
    out.push(k.trailer);
  }
  if (unknown) {
    for (const u of unknown) {
      if (u.para < blockStart || u.para > blockEnd) continue;
      u.trailer.inBlock = true;
      out.push(u.trailer);
    }
    out.sort((a, b) => a.line - b.line);
  }
  return out;
}

function isPlausibleProseId(prefix: string): boolean {
  return prefix.length >= 7 && /\d/.test(prefix) && /[a-f]/.test(prefix);
}

function classify(
  canon: string,
  keyRaw: string,
  value: string,
  i: number,
  lines: readonly string[],
  cc: CompiledConventions,
): { trailer: Trailer; end: number } | null {
  if (cc.fixesKeys.has(canon) || canon === 'stable-dep-of') {
    const kind: TrailerKind = canon === 'stable-dep-of' && !cc.fixesKeys.has(canon) ? 'stable-dep-of' : 'fixes';
    let first = value;
    let start = i;
    if (!first) {
      // `Fixes:` with the id on the next line.
      const next = lines[i + 1];
      if (next !== undefined && LIST_START.test(next.trim())) {
        first = next.trim();
        start = i + 1;
      }
    }
    const { r, value: v, end } = readRef(lines, start, first);
    const t: Trailer = { kind, key: keyRaw, value: v, line: i, inBlock: false };
    applyRef(t, r);
    return { trailer: t, end };
  }
  if (!value) return null;
  if (cc.stableKeys.has(canon)) {
    return { trailer: { kind: 'backport-to', key: keyRaw, value, line: i, inBlock: false, stable: parseStableKeyValue(value) }, end: i };
  }
  const personKind = PERSON_KINDS.get(canon);
  if (personKind) return { trailer: { kind: personKind, key: keyRaw, value, line: i, inBlock: false, person: parsePerson(value) }, end: i };
  if (canon === 'cc' || canon === 'to') {
    const stable = quickMayBeStable(value, cc) ? parseStableAddressValue(value, cc) : null;
    if (stable) return { trailer: { kind: 'stable', key: keyRaw, value, line: i, inBlock: false, stable }, end: i };
    const kind: TrailerKind = canon === 'cc' ? 'cc' : 'other';
    return { trailer: { kind, key: keyRaw, value, line: i, inBlock: false, person: parsePerson(value) }, end: i };
  }
  const plain = PLAIN_KINDS.get(canon);
  if (plain) return { trailer: { kind: plain, key: keyRaw, value, line: i, inBlock: false }, end: i };
  const t: Trailer = { kind: 'other', key: keyRaw, value, line: i, inBlock: false };
  if (canon.endsWith('-by')) t.person = parsePerson(value);
  return { trailer: t, end: i };
}

/** Cheap pre-check before the full address parse: most Cc: lines name people, not stable lists. */
function quickMayBeStable(value: string, cc: CompiledConventions): boolean {
  if (cc.addressRegexes.length > 0) return true;
  const v = value.toLowerCase();
  if (v.includes('stable')) return true;
  for (const s of cc.addressSubstrings) if (v.includes(s)) return true;
  return false;
}

/** True when `address` (any case) is a stable address under the conventions. */
export function isStableAddressFor(address: string, conv: Conventions = DEFAULT_CONVENTIONS): boolean {
  return isStableAddress(address.toLowerCase(), compileConventions(conv));
}
