/**
 * Cutting a C file into regions that can be parsed alone. Kernel, DPDK, QEMU and Xen style closes every
 * function (and every top-level struct or initializer) with a `}` in column 0, so the text between two
 * such lines holds whole top-level items. Parsing only the regions around the lines of interest is what
 * makes a caller search cost about as much as the `git grep` it starts from. A region that parses badly
 * is retried by parsing the whole file (see parse-c.ts), so a file in another style only costs time.
 */
import { lowerBound } from '../../util/sorted.js';

export interface Region {
  /** 1-based, inclusive. */
  startLine: number;
  endLine: number;
}

/** 0-based indices of lines that end a region: a `}` in column 0 not continued from a macro line. */
export function regionEnds(lines: readonly string[]): number[] {
  const ends: number[] = [];
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i] ?? '';
    if (l.charCodeAt(0) !== 125) continue; // '}'
    const prev = i > 0 ? (lines[i - 1] ?? '') : '';
    if (prev.trimEnd().endsWith('\\')) continue;
    ends.push(i);
  }
  return ends;
}

/** regionEnds() on the text itself, given its line starts (no split: files can be large). */
export function regionEndsOfText(text: string, lineStarts: readonly number[]): number[] {
  const ends: number[] = [];
  let line = 0;
  const mark = (offset: number): void => {
    while (line + 1 < lineStarts.length && (lineStarts[line + 1] ?? Infinity) <= offset) line++;
    // the previous line must not continue a macro (ends in a backslash, maybe followed by spaces)
    let j = offset - 2;
    while (j >= 0 && (text.charCodeAt(j) === 32 || text.charCodeAt(j) === 9 || text.charCodeAt(j) === 13)) j--;
    if (j >= 0 && text.charCodeAt(j) === 92 && offset > 0) return;
    ends.push(line);
  };
  if (text.charCodeAt(0) === 125) mark(0);
  for (let i = text.indexOf('\n}'); i >= 0; i = text.indexOf('\n}', i + 2)) mark(i + 1);
  return ends;
}

/** The regions (merged, sorted) that contain the given 1-based lines. */
export function regionsFor(lines: readonly string[], wanted: readonly number[]): Region[] {
  return regionsFromEnds(regionEnds(lines), lines.length, wanted);
}

/** The same, from precomputed region ends (0-based line indices) and the number of lines. */
export function regionsFromEnds(ends: readonly number[], lineCount: number, wanted: readonly number[]): Region[] {
  const lines = { length: lineCount };
  const out = new Map<number, Region>();
  for (const w of wanted) {
    const i = w - 1;
    if (i < 0 || i >= lines.length) continue;
    // first end >= i
    const lo = lowerBound(ends, i);
    const end = lo < ends.length ? (ends[lo] ?? lines.length - 1) : lines.length - 1;
    const start = lo > 0 ? (ends[lo - 1] ?? -1) + 1 : 0;
    if (!out.has(start)) out.set(start, { startLine: start + 1, endLine: end + 1 });
  }
  return [...out.values()].sort((a, b) => a.startLine - b.startLine);
}
