/**
 * The upstream commits a backport names in its message, read with the project's marker forms
 * (src/conventions/markers.ts: `[ upstream commit X ]`, `commit X upstream.`, `(cherry picked from commit
 * X)`, Xen's `master commit: X`, ...). `Stable-dep-of:` names another commit, not this one's upstream.
 */
import { parseMarkers } from '../../conventions/markers.js';

/** Every upstream id named by a marker, in order of appearance, lower case, without repeats. */
export function upstreamShasInMessage(message: string): string[] {
  const shas = parseMarkers(message)
    .filter((m) => m.kind !== 'stable-dep-of')
    .sort((a, b) => a.line - b.line)
    .map((m) => m.prefix.toLowerCase());
  return [...new Set(shas)];
}

/** Whether `ref` (a full or abbreviated id from a marker) names `sha`. */
export function refNames(ref: string, sha: string): boolean {
  return ref.length >= 7 && sha.toLowerCase().startsWith(ref.toLowerCase());
}
