/**
 * Counting in ascending arrays by binary search: shared by the analytics
 * (tickets opened before a time), correlation (a fleet's spread) and the
 * knowledge base (tickets answered in a window).
 *
 * @module
 */

/** How many of the ascending `sorted` are strictly below `value` (a binary search). */
export function countBelow(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! < value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** How many of the ascending `sorted` are at or below `value`: the index of the first above it. */
export function countAtOrBelow(sorted: ArrayLike<number>, value: number): number {
  let lo = 0;
  let hi = sorted.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (sorted[mid]! <= value) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}
