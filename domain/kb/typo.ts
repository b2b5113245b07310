/**
 * Edits allowed for a word of this length: none under 5 letters (short
 * words have too many neighbours), one up to 8, two from 9.
 */
export function allowedEdits(word: string): number {
  return word.length < 5 ? 0 : word.length < 9 ? 1 : 2;
}

/**
 * Optimal-string-alignment distance (insert, delete, substitute, swap two
 * neighbours), or `max + 1` as soon as it is known to exceed `max`.
 *
 * @example
 * ```ts
 * import { editDistance } from "./typo.ts";
 * import assert from "node:assert/strict";
 * assert.equal(editDistance("pasword", "password", 2), 1);
 * assert.equal(editDistance("recieve", "receive", 2), 1);
 * assert.equal(editDistance("cache", "login", 2), 3);
 * ```
 */
export function editDistance(a: string, b: string, max: number): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let before = new Array<number>(b.length + 1).fill(0);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  let current = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    current[0] = i;
    let rowMin = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let d = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1]) {
        d = Math.min(d, before[j - 2]! + 1);
      }
      current[j] = d;
      if (d < rowMin) rowMin = d;
    }
    if (rowMin > max) return max + 1;
    [before, previous, current] = [previous, current, before];
  }
  return previous[b.length]!;
}

/**
 * The closest known word to an unknown one within the edits its length
 * allows; the most common among equally close ones. `null` when none.
 */
export function closestWord(
  word: string,
  known: Iterable<string>,
  frequency: (w: string) => number,
): string | null {
  const max = allowedEdits(word);
  if (max === 0) return null;
  let best: string | null = null;
  let bestDistance = max + 1;
  let bestFrequency = -1;
  for (const candidate of known) {
    if (Math.abs(candidate.length - word.length) > max) continue;
    const d = editDistance(word, candidate, max);
    if (d > max) continue;
    const f = frequency(candidate);
    if (
      d < bestDistance || (d === bestDistance && f > bestFrequency) ||
      (d === bestDistance && f === bestFrequency && best !== null && candidate < best)
    ) {
      best = candidate;
      bestDistance = d;
      bestFrequency = f;
    }
  }
  return best;
}
