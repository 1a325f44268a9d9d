/**
 * The upstream commit a backport names in its message: `[ upstream commit X ]` (DPDK, Linux; also
 * `[ upstream commit: X ]`),
 * `commit X upstream.` (Linux), `(cherry picked from commit X)` (git cherry-pick -x), `master commit: X`
 * (Xen), `Upstream commit X`. The project's conventions module may later own these forms; the trial
 * pick needs only this much.
 */

const MARKERS: readonly RegExp[] = [
  /\[\s*upstream commit:?\s*([0-9a-f]{7,64})\s*\]/gi,
  /^commit ([0-9a-f]{7,64}) upstream\.?\s*$/gim,
  /\(cherry[- ]picked from commit ([0-9a-f]{7,64})\)/gi,
  /^\s*master commit:\s*([0-9a-f]{7,64})\b/gim,
  /^\s*upstream commit:?\s+([0-9a-f]{7,64})\b/gim,
];

/** Every upstream id named by a marker, in order of appearance, lower case, without repeats. */
export function upstreamShasInMessage(message: string): string[] {
  const found: { at: number; sha: string }[] = [];
  for (const re of MARKERS) {
    re.lastIndex = 0;
    for (const m of message.matchAll(re)) {
      if (m[1]) found.push({ at: m.index ?? 0, sha: m[1].toLowerCase() });
    }
  }
  found.sort((a, b) => a.at - b.at);
  return [...new Set(found.map((f) => f.sha))];
}

/** Whether `ref` (a full or abbreviated id from a marker) names `sha`. */
export function refNames(ref: string, sha: string): boolean {
  return ref.length >= 7 && sha.toLowerCase().startsWith(ref.toLowerCase());
}
