/** A commit's subsystem for the dashboard: the folder (first two path components) most of its files are in. */

/** `drivers/net/ethernet/x.c` → `drivers/net`; `kernel/fork.c` → `kernel`; `Makefile` → `Makefile`. */
function pathArea(p: string): string {
  const parts = p.split('/');
  if (parts.length <= 1) return p;
  if (parts.length === 2) return parts[0]!;
  return `${parts[0]}/${parts[1]}`;
}

/** The area most files of the commit share; ties go to the one named first. '' for no files. */
export function subsystemOf(paths: readonly string[]): string {
  const counts = new Map<string, number>();
  let best = '';
  let bestN = 0;
  for (const p of paths) {
    const a = pathArea(p);
    const n = (counts.get(a) ?? 0) + 1;
    counts.set(a, n);
    if (n > bestN) {
      best = a;
      bestN = n;
    }
  }
  return best;
}
