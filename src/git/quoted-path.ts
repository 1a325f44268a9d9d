/**
 * Paths as git prints them in text output: a path with a double quote, a backslash or a control
 * character is written in C-style quotes ("a\tb", "\303\251" when core.quotePath is on). Decoded to the
 * exact name, bytes read as UTF-8.
 */
const ESCAPES: Readonly<Record<string, number>> = { a: 7, b: 8, t: 9, n: 10, v: 11, f: 12, r: 13, '"': 34, '\\': 92 };

/** The path a (possibly quoted) name stands for; an unquoted name is returned as it is. */
export function unquoteGitPath(p: string): string {
  if (p.length < 2 || !p.startsWith('"') || !p.endsWith('"')) return p;
  const body = Buffer.from(p.slice(1, -1), 'utf8');
  const out: number[] = [];
  for (let i = 0; i < body.length; i++) {
    const c = body[i]!;
    if (c !== 92 /* \ */) {
      out.push(c);
      continue;
    }
    const n = String.fromCharCode(body[i + 1] ?? 0);
    if (/[0-7]/.test(n)) {
      const oct = body.subarray(i + 1, i + 4).toString('latin1');
      out.push(parseInt(oct, 8) & 0xff);
      i += 3;
    } else if (n in ESCAPES) {
      out.push(ESCAPES[n]!);
      i += 1;
    } else out.push(c);
  }
  return Buffer.from(out).toString('utf8');
}
