/** Searching sorted arrays. */

/** The first position in ascending `a` whose value is not below `key` (a.length when none). */
export function lowerBound<T extends string | number>(a: ArrayLike<T>, key: T, end = a.length): number {
  let lo = 0;
  let hi = end;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (a[mid]! < key) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
