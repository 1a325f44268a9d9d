/**
 * Conflict markers in a merged file (merge or diff3 style), and where each side's lines of a conflict
 * sit in that side's own file.
 */

export interface ConflictBlock {
  /** 0-based line index of the `<<<<<<<` marker and of the `>>>>>>>` marker in the merged file. */
  startIndex: number;
  endIndex: number;
  ours: string[];
  /** null in `merge` style (no `|||||||` section). */
  base: string[] | null;
  theirs: string[];
}

const OPEN = /^<{7}(?: |$)/;
const BASE = /^\|{7}(?: |$)/;
const SEP = /^={7}$/;
const CLOSE = /^>{7}(?: |$)/;

export function splitLines(text: string): string[] {
  const lines = text.split('\n');
  if (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

/** The conflict blocks of a merged file, in order. */
export function parseConflictBlocks(lines: readonly string[]): ConflictBlock[] {
  const out: ConflictBlock[] = [];
  let i = 0;
  while (i < lines.length) {
    if (!OPEN.test(lines[i] ?? '')) {
      i++;
      continue;
    }
    const start = i;
    const ours: string[] = [];
    let base: string[] | null = null;
    const theirs: string[] = [];
    let section: 'ours' | 'base' | 'theirs' = 'ours';
    i++;
    let closed = false;
    for (; i < lines.length; i++) {
      const l = lines[i] ?? '';
      if (section === 'ours' && BASE.test(l)) {
        section = 'base';
        base = [];
        continue;
      }
      if ((section === 'ours' || section === 'base') && SEP.test(l)) {
        section = 'theirs';
        continue;
      }
      if (section === 'theirs' && CLOSE.test(l)) {
        closed = true;
        break;
      }
      if (section === 'ours') ours.push(l);
      else if (section === 'base') base?.push(l);
      else theirs.push(l);
    }
    if (!closed) break;
    out.push({ startIndex: start, endIndex: i, ours, base, theirs });
    i++;
  }
  return out;
}

/**
 * The 0-based index where `seq` occurs in `lines`, the occurrence nearest to `expected`; for an empty
 * `seq`, `expected` clamped into the file. null when it does not occur.
 */
export function locateLines(lines: readonly string[], seq: readonly string[], expected: number): number | null {
  const clamp = Math.max(0, Math.min(lines.length, expected));
  if (!seq.length) return clamp;
  let best: number | null = null;
  const first = seq[0];
  for (let i = 0; i + seq.length <= lines.length; i++) {
    if (lines[i] !== first) continue;
    let ok = true;
    for (let k = 1; k < seq.length; k++) {
      if (lines[i + k] !== seq[k]) {
        ok = false;
        break;
      }
    }
    if (ok && (best === null || Math.abs(i - clamp) < Math.abs(best - clamp))) best = i;
  }
  return best;
}

export interface LocatedBlock {
  block: ConflictBlock;
  /** 0-based start in the side's file and line count; null when the lines were not found. */
  ours: { index: number; count: number } | null;
  base: { index: number; count: number } | null;
}

/**
 * Places every block's ours lines in `oursFile` and base lines in `baseFile`, walking the merged file and
 * carrying the position of the previous block forward (the nearest occurrence wins when lines repeat).
 */
export function locateBlocks(
  merged: readonly string[],
  blocks: readonly ConflictBlock[],
  oursFile: readonly string[] | null,
  baseFile: readonly string[] | null,
): LocatedBlock[] {
  const out: LocatedBlock[] = [];
  let prevMergedEnd = 0; // index after the previous block in the merged file
  let oursNext = 0; // expected index in oursFile of merged line prevMergedEnd
  let baseNext = 0;
  for (const b of blocks) {
    const gap = b.startIndex - prevMergedEnd;
    let ours: LocatedBlock['ours'] = null;
    let base: LocatedBlock['base'] = null;
    if (oursFile) {
      const at = locateLines(oursFile, b.ours, oursNext + gap);
      if (at !== null) {
        ours = { index: at, count: b.ours.length };
        oursNext = at + b.ours.length;
      } else oursNext += gap + b.ours.length;
    }
    if (baseFile && b.base) {
      const at = locateLines(baseFile, b.base, baseNext + gap);
      if (at !== null) {
        base = { index: at, count: b.base.length };
        baseNext = at + b.base.length;
      } else baseNext += gap + b.base.length;
    }
    out.push({ block: b, ours, base });
    prevMergedEnd = b.endIndex + 1;
  }
  return out;
}
