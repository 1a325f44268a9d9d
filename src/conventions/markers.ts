/**
 * Markers: lines by which a stable commit names the commit it was picked from.
 *   [ Upstream commit X ]  [ upstream commit X ] (DPDK)  [Upstream commit X]  [ upstream commit: X ]
 *   commit X upstream.  (kernel stable, at the start of the body; also without the dot)
 *   Upstream commit X    (alone on a line)
 *   (cherry picked from commit X)   (git cherry-pick -x; anywhere, possibly several)
 *   master commit: X / master date: ...   (Xen)
 *   Stable-dep-of: X ("subject")     (kernel stable: X needs this commit; X is NOT this one's upstream)
 *   (backported from commit X)       (Ubuntu)
 * One regex scan over the whole message; line numbers are counted only for matches.
 */
import { parseCommitRef } from './commit-ref.js';

export type MarkerKind = 'upstream-commit' | 'commit-upstream' | 'cherry-picked' | 'xen-master' | 'stable-dep-of' | 'backported-from';

export interface Marker {
  kind: MarkerKind;
  /** Lower-case hex as written, 7..40 (64 in SHA-256 repositories). */
  prefix: string;
  /** 0-based line index in the message. */
  line: number;
  /** stable-dep-of: the quoted subject. */
  subject?: string;
}

export interface RevertRef {
  /** Lower-case hex as written. */
  prefix: string;
  line: number;
  /** 'This partially reverts commit X'. */
  partial: boolean;
}

const H = '([0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})(?![0-9a-zA-Z_])';
/**
 * Alternatives, each capturing the id in its own group:
 *  1 [ upstream commit X ]     2 upstream commit X (whole line)     3 commit X upstream[.] (whole line)
 *  4 master commit: X          5 stable-dep-of: X (6 = rest)        7 (backported from commit X)
 *  8 cherry picked from commit X  (not anchored: may follow other text on its line)
 */
const MARKER_RE = new RegExp(
  [
    `^[ \\t]*\\[[ \\t]*upstream[ \\t]+commit:?[ \\t]+${H}`,
    `^[ \\t]*upstream[ \\t]+commit:?[ \\t]+${H}[ \\t.]*\\r?$`,
    `^[ \\t]*commit[ \\t]+${H}[ \\t]+upstream\\b[ \\t.]*\\r?$`,
    `^[ \\t]*master[ \\t]+commit:[ \\t]*${H}`,
    `^[ \\t]*stable-dep-of:[ \\t]*${H}([^\\n]*)`,
    `^[ \\t]*\\(?[ \\t]*backported[ \\t]+from[ \\t]+(?:commit[ \\t]+)?${H}`,
    `cherry[ \\t-]+picked[ \\t]+from[ \\t]+(?:commit[ \\t]+)?${H}`,
  ].join('|'),
  'gim',
);
const GROUP_KIND: readonly (MarkerKind | null)[] = [
  null,
  'upstream-commit',
  'upstream-commit',
  'commit-upstream',
  'xen-master',
  'stable-dep-of',
  null, // rest of a stable-dep-of line
  'backported-from',
  'cherry-picked',
];
/**
 * Cheap pre-filter (indexOf is much faster than a case-insensitive regex): every form contains one of
 * these tails, whatever the case of its first letter.
 */
const HINTS = ['pstream', 'icked', 'aster commit', 'table-dep-of', 'ackported'];

function mayHaveMarker(message: string): boolean {
  for (const h of HINTS) if (message.indexOf(h) >= 0) return true;
  return false;
}

/** Count '\n' in s between from (inclusive) and to (exclusive). */
function countLines(s: string, from: number, to: number): number {
  let n = 0;
  for (let k = s.indexOf('\n', from); k >= 0 && k < to; k = s.indexOf('\n', k + 1)) n++;
  return n;
}

export function parseMarkers(message: string): Marker[] {
  if (!mayHaveMarker(message)) return [];
  const out: Marker[] = [];
  let line = 0;
  let at = 0;
  MARKER_RE.lastIndex = 0;
  for (let m = MARKER_RE.exec(message); m; m = MARKER_RE.exec(message)) {
    line += countLines(message, at, m.index);
    at = m.index;
    for (let g = 1; g < GROUP_KIND.length; g++) {
      const hex = m[g];
      const kind = GROUP_KIND[g];
      if (hex === undefined || !kind) continue;
      // The subject line is never a marker (e.g. a subject that reads 'commit X upstream').
      if (line === 0) break;
      const marker: Marker = { kind, prefix: hex.toLowerCase(), line };
      if (kind === 'stable-dep-of') {
        const r = parseCommitRef(`${hex}${m[6] ?? ''}`);
        if (r.ref?.subject) marker.subject = r.ref.subject;
      }
      out.push(marker);
      break;
    }
  }
  return out;
}

const PICKED_KINDS: ReadonlySet<MarkerKind> = new Set<MarkerKind>(['cherry-picked', 'backported-from']);
const UPSTREAM_KINDS: ReadonlySet<MarkerKind> = new Set<MarkerKind>(['upstream-commit', 'commit-upstream', 'xen-master']);

/**
 * The marker that names the commit this one was picked from. A `-x` style line ('cherry-picked', and
 * Ubuntu's 'backported-from', which takes the same place) wins, and of those the LAST one: a chained
 * pick appends the intermediate pick last. Otherwise the first of upstream-commit / commit-upstream /
 * xen-master. stable-dep-of never names this commit's own upstream.
 */
export function upstreamMarker(markers: readonly Marker[]): Marker | undefined {
  let picked: Marker | undefined;
  let upstream: Marker | undefined;
  for (const m of markers) {
    if (PICKED_KINDS.has(m.kind)) picked = m;
    else if (upstream === undefined && UPSTREAM_KINDS.has(m.kind)) upstream = m;
  }
  return picked ?? upstream;
}

const REVERT_RE = /(?:^|[.!?]\s+)this\s+(partially\s+)?reverts\s+commit\s+([0-9a-fA-F]{7,40}|[0-9a-fA-F]{64})(?![0-9a-zA-Z_])/im;

/**
 * 'This reverts commit <sha>.' (git revert), also 'This reverts commit <sha>, reversing changes made to
 * ...' (a reverted merge) and 'This partially reverts commit <sha>'. A `Revert "subject"` without such a
 * line gives undefined: use revertedSubject() for that.
 */
export function parseRevert(message: string): RevertRef | undefined {
  if (message.indexOf('everts') < 0 && message.indexOf('EVERTS') < 0) return undefined;
  const m = REVERT_RE.exec(message);
  if (!m?.[2]) return undefined;
  const start = m.index + m[0].toLowerCase().lastIndexOf('this');
  const line = countLines(message, 0, start);
  if (line === 0) return undefined;
  return { prefix: m[2].toLowerCase(), line, partial: m[1] !== undefined };
}

/** 'Revert "foo: bar"' → 'foo: bar'; 'Revert "Revert "x""' → 'Revert "x"'; anything else → null. */
export function revertedSubject(subject: string): string | null {
  const s = subject.trim();
  if (s.length < 9 || (s.charCodeAt(0) | 32) !== 114 /* r */ || !/^revert:?\s*"/i.test(s)) return null;
  const open = s.indexOf('"');
  const close = s.lastIndexOf('"');
  if (close <= open + 1) return null;
  return s.slice(open + 1, close);
}
