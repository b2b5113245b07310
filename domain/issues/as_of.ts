/**
 * "As of": the latest time the data can be trusted to have reached. A few
 * records stamped far ahead of everything else (a clock gone wrong, a line
 * whose time could not be read) must not move it, or every "last day" view
 * looks at an empty day.
 *
 * @module
 */

/** Records in one hour of record time, and the latest time among them. */
export interface HourCount {
  readonly hour: number;
  readonly count: number;
  readonly latest: number;
}

export interface AsOf {
  /** The latest trustworthy record time (0 without data). */
  readonly asOf: number;
  /** Records after it, left out as outliers. */
  readonly outliers: number;
  /** The latest of those (null without any). */
  readonly latestOutlier: number | null;
}

/** Records beyond a quiet gap this long may be outliers... */
export const OUTLIER_GAP_MS = 24 * 3_600_000;
/** ...if they are a handful: at most this many, or this share of all records. */
export const OUTLIER_MAX_RECORDS = 5;
export const OUTLIER_MAX_SHARE = 0.001;
/** ...and the rest outweighs them this many times: in a store of a few records, none stands out. */
export const OUTLIER_MIN_BODY_RATIO = 20;

/**
 * The latest record time, leaving out a handful of records that stand apart
 * from the rest by a quiet day or more. Hours in ascending order.
 *
 * @example
 * ```ts
 * import { trustworthyAsOf } from "./as_of.ts";
 * import assert from "node:assert/strict";
 * const hour = 3_600_000;
 * const hours = [
 *   { hour: 0, count: 500, latest: 50 * 60_000 },
 *   { hour: hour, count: 700, latest: hour + 59 * 60_000 },
 *   { hour: 900 * hour, count: 2, latest: 900 * hour + 1 },
 * ];
 * assert.deepEqual(trustworthyAsOf(hours), {
 *   asOf: hour + 59 * 60_000, outliers: 2, latestOutlier: 900 * hour + 1,
 * });
 * ```
 */
export function trustworthyAsOf(hours: readonly HourCount[]): AsOf {
  if (hours.length === 0) return { asOf: 0, outliers: 0, latestOutlier: null };
  let total = 0;
  for (const h of hours) total += h.count;
  const allowed = Math.max(OUTLIER_MAX_RECORDS, Math.floor(total * OUTLIER_MAX_SHARE));
  let cut = hours.length;
  let tail = 0;
  for (let i = hours.length - 1; i > 0; i--) {
    tail += hours[i]!.count;
    if (tail > allowed) break;
    // The records from hour i on are few and apart: all of them are outliers.
    const apart = hours[i]!.hour - (hours[i - 1]!.hour + 3_600_000) >= OUTLIER_GAP_MS;
    if (apart && total - tail >= OUTLIER_MIN_BODY_RATIO * tail) cut = i;
  }
  let outliers = 0;
  let latestOutlier: number | null = null;
  for (let i = cut; i < hours.length; i++) {
    outliers += hours[i]!.count;
    latestOutlier = Math.max(latestOutlier ?? -Infinity, hours[i]!.latest);
  }
  return { asOf: hours[cut - 1]!.latest, outliers, latestOutlier };
}
