/**
 * Words of a commit message as model features: tokens and bigrams of the subject and body (hashed into a
 * fixed space), the subject's subsystem prefix, and the bug and feature vocabularies a maintainer reads
 * a subject with.
 */

/** FNV-1a, 32 bit: stable across runs and platforms (the model stores hashed indexes). */
export function hash32(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Lower-case word tokens (letters, digits, '_'; hex ids and pure numbers dropped). */
export function tokens(text: string): string[] {
  const out: string[] = [];
  const re = /(?<![a-z0-9_])[a-z][a-z0-9_]*(?:-[a-z0-9_]+)*/g;
  const lower = text.toLowerCase();
  for (let m = re.exec(lower); m; m = re.exec(lower)) {
    const t = m[0];
    if (t.length < 2 || t.length > 30) continue;
    if (/^[0-9a-f]{7,}$/.test(t)) continue;
    out.push(t);
  }
  return out;
}

/** 'net/ice: fix NULL deref' → 'net/ice'; 'Revert "x"' → null; only short prefixes without spaces count. */
export function subjectPrefix(subject: string): string | null {
  const m = /^([A-Za-z0-9_./+-]{1,40}(?:, ?[A-Za-z0-9_./+-]{1,40})*):\s/.exec(subject);
  return m?.[1] ? m[1].toLowerCase() : null;
}

export interface WordClass {
  name: string;
  label: string;
  re: RegExp;
}

/** Words that say a change fixes a bug. */
export const BUG_WORDS: readonly WordClass[] = [
  { name: 'fix', label: 'fix', re: /\bfix(?:e[sd]|ing)?\b/i },
  { name: 'crash', label: 'crash', re: /\bcrash(?:e[sd]|ing)?\b|\bsegfault|\bsegmentation fault|\bsigsegv\b|\bpanic/i },
  { name: 'leak', label: 'leak', re: /\bleak(?:s|ed|ing)?\b/i },
  { name: 'overflow', label: 'overflow', re: /\boverflow|\bunderflow|out[- ]of[- ]bounds|\boob\b|\bover-?run/i },
  { name: 'uaf', label: 'use-after-free', re: /use[- ]after[- ]free|\buaf\b|double[- ]free/i },
  { name: 'null', label: 'NULL', re: /\bnull\b|null pointer|\bdereferenc/i },
  { name: 'race', label: 'race', re: /\brac(?:e|y|es|ing)\b|\bdata race/i },
  { name: 'deadlock', label: 'deadlock', re: /\bdead-?lock|\block(?:ing)? (?:order|inversion)/i },
  { name: 'hang', label: 'hang', re: /\bhang(?:s|ing)?\b|\bstuck\b|\binfinite loop|\blivelock/i },
  { name: 'regression', label: 'regression', re: /\bregress(?:ion|ed)?/i },
  { name: 'cve', label: 'CVE', re: /\bcve-\d{4}|\bxsa-\d+|\bsecurity\b|\bvulnerab/i },
  { name: 'oops', label: 'oops', re: /\boops\b|\bbug_on\b|\bassert(?:ion)?\b|\babort/i },
  { name: 'warning', label: 'warning', re: /\bwarn(?:ing|s)?\b|\bcoverity\b|\bcompil(?:e|er|ation) (?:error|warning|fail)|\bbuild (?:error|fail)/i },
  {
    name: 'wrong',
    label: 'wrong/incorrect',
    re: /\bwrong\b|\bincorrect(?:ly)?\b|\bbroken\b|\bbogus\b|\bmissing\b|\binvalid\b|\bfail(?:s|ed|ure|ing)?\b|\berror\b|\bbug\b/i,
  },
  { name: 'avoid', label: 'avoid/prevent', re: /\bavoid\b|\bprevent\b|\bcorrect\b|\bdon'?t\b|\bdo not\b|\bshould(?:n'?t| not)?\b|\bensure\b|\bhandle\b/i },
];

/** Words that say a change adds or reshapes something rather than fixing it. */
export const FEATURE_WORDS: readonly WordClass[] = [
  { name: 'add', label: 'add support', re: /\badd(?:s|ed|ing)?\b|\bsupport\b|\benable\b|\bimplement/i },
  { name: 'introduce', label: 'introduce/new', re: /\bintroduc|\bnew\b/i },
  { name: 'rework', label: 'rework/refactor', re: /\brework|\brefactor|\brestructur|\breorgani[sz]|\bsimplif|\bconvert\b|\bunify/i },
  { name: 'cleanup', label: 'cleanup', re: /\bclean ?-?up|\bremove unused|\bdrop unused|\bcosmetic|\bwhitespace|\btypo|\bstyle\b/i },
  { name: 'rename', label: 'rename/move', re: /\brename|\bmove\b|\bmoved\b/i },
  { name: 'doc', label: 'doc', re: /\bdoc(?:s|umentation)?\b|\breadme\b|\bman ?page|\bcomment/i },
  { name: 'test', label: 'test', re: /\btests?\b|\btesting\b|\bci\b|\bselftest|\bunit test/i },
  { name: 'update', label: 'update/bump', re: /\bupdate\b|\bbump\b|\bupgrade\b|\bsync\b|\brelease notes?\b|\bversion\b|\btranslation|\bpo\//i },
];

/** Names of the classes that match `text`. */
export function wordClasses(text: string, classes: readonly WordClass[]): WordClass[] {
  return classes.filter((c) => c.re.test(text));
}

/** Body text without trailer lines, marker lines and quoted logs, cut to `max` characters. */
export function proseOfBody(message: string, max = 2000): string {
  const nl = message.indexOf('\n');
  const body = nl < 0 ? '' : message.slice(nl + 1);
  const lines: string[] = [];
  for (const line of body.split('\n')) {
    if (/^[A-Za-z][A-Za-z0-9-]*(?: [A-Za-z-]+){0,3}:\s/.test(line) && line.length < 200) continue;
    if (/^\s*[[(](?:upstream|cherry)/i.test(line)) continue;
    lines.push(line);
    if (lines.join('\n').length > max) break;
  }
  return lines.join('\n').slice(0, max);
}
