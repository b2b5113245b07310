/**
 * A prediction made at open, updated for the time a ticket has already been
 * open: once it has been open 30 h, "resolved within 10 h" is no longer
 * possible, and the median of what remains is later than the median at open.
 * The prediction's 10th, 50th and 90th percentiles are read as a two-piece
 * log-normal (one spread below the median, one above, as the conformal ends
 * are calibrated separately), and its quantiles are taken given the ticket
 * is still open after `elapsedHours`.
 *
 * That shape is a guess, and tickets that outlast a day are not a random
 * draw from all tickets: their tails run longer than the at-open spread says.
 * So the updated interval is conformalized again, on the calibration tickets
 * of its group that were themselves still open at that age, those never seen
 * to resolve counted as censored (`finiteStillOpen`, `openEndedStillOpenLow`):
 * conditioning each ticket on the same event keeps them exchangeable with the
 * one being predicted.
 *
 * @module
 */
import { binRow, type OpenContext, type TicketRecord } from "./features.ts";
import { countAtOrBelow } from "../sorted.ts";
import {
  capOf,
  censoredConformalQuantile,
  conformalQuantile,
  fromLogHours,
  intervalGroup,
  predictTicket,
  type ResolutionModel,
  type Scored,
  type StillOpenEntry,
  type SurvivalPool,
  toLogHours,
  uncalibratedLog,
} from "./model.ts";

/** z of the 90th percentile of a standard normal. */
const Z90 = 1.2815515655446004;
/** A minute: keeps a zero-hour end from a log of minus infinity. */
const FLOOR = 1 / 60;

export interface HourRange {
  readonly medianHours: number;
  readonly lowHours: number;
  readonly highHours: number;
}

/**
 * The 10/50/90% hours of time-to-resolve given the ticket is still open after
 * `elapsedHours`. Unchanged at 0 h; always ordered low <= median <= high and
 * never below the elapsed time.
 *
 * @example
 * ```ts
 * import { givenStillOpen } from "./conditional.ts";
 * import assert from "node:assert/strict";
 * const atOpen = { lowHours: 2, medianHours: 10, highHours: 50 };
 * assert.deepEqual(givenStillOpen(atOpen, 0), atOpen);
 * const later = givenStillOpen(atOpen, 20);
 * assert.ok(later.lowHours >= 20 && later.medianHours > 20 && later.highHours > 50);
 * ```
 */
export function givenStillOpen(p: HourRange, elapsedHours: number): HourRange {
  if (!(elapsedHours > 0)) return p;
  const mu = Math.log(p.medianHours + FLOOR);
  const below = Math.max(1e-3, (mu - Math.log(p.lowHours + FLOOR)) / Z90);
  const above = Math.max(1e-3, (Math.log(p.highHours + FLOOR) - mu) / Z90);
  const cdf = (hours: number) => {
    const z = Math.log(hours + FLOOR) - mu;
    return normalCdf(z / (z < 0 ? below : above));
  };
  const quantile = (q: number) => {
    const z = inverseNormalCdf(q);
    return Math.max(0, Math.exp(mu + z * (z < 0 ? below : above)) - FLOOR);
  };
  const gone = cdf(elapsedHours);
  // Past every quantile the model knows: nothing better than "any time now".
  if (gone >= 1 - 1e-9) {
    return { lowHours: elapsedHours, medianHours: elapsedHours, highHours: elapsedHours };
  }
  const at = (q: number) => Math.max(elapsedHours, quantile(gone + q * (1 - gone)));
  return { lowHours: at(0.1), medianHours: at(0.5), highHours: at(0.9) };
}

/**
 * Fewest calibration tickets an updated interval is calibrated on: with
 * fewer still open at the ticket's age, the longest-lasting this many stand
 * in, calibrated at the oldest age they were all still open.
 */
export const MIN_SURVIVORS = 40;

/**
 * The interval for a ticket still open after `elapsedHours`: its at-open
 * quantiles `base` (uncalibrated) updated by `givenStillOpen`, each end then
 * moved by the split-conformal margin of the same update's misses among the
 * `pool` tickets still open at that age. Undefined when the pool is too small
 * for a finite margin.
 *
 * @example
 * ```ts
 * import { stillOpenConformal } from "./conditional.ts";
 * import assert from "node:assert/strict";
 * const hours = Float64Array.from({ length: 200 }, (_, i) => i + 1);
 * const pool = {
 *   hours,
 *   low: hours.map(() => 10),
 *   median: hours.map(() => 50),
 *   high: hours.map(() => 100),
 * };
 * const later = stillOpenConformal(pool, { lowHours: 10, medianHours: 50, highHours: 100 }, 120, 0.2)!;
 * assert.ok(later.lowHours >= 120 && later.highHours <= 200);
 * ```
 */
export function stillOpenConformal(
  pool: SurvivalPool,
  base: HourRange,
  elapsedHours: number,
  alpha: number,
): HourRange | undefined {
  const n = pool.hours.length;
  const level = 1 - alpha / 2;
  if (n === 0 || Math.ceil((n + 1) * level) > n) return undefined;
  const firstOpen = countAtOrBelow(pool.hours, elapsedHours);
  const from = n - firstOpen >= MIN_SURVIVORS ? firstOpen : Math.max(0, n - MIN_SURVIVORS);
  const age = Math.min(elapsedHours, pool.hours[from]!);
  const lowScores: number[] = [];
  const highScores: number[] = [];
  for (let j = from; j < n; j++) {
    const updated = givenStillOpen({
      lowHours: pool.low[j]!,
      medianHours: pool.median[j]!,
      highHours: pool.high[j]!,
    }, age);
    const actual = toLogHours(pool.hours[j]!);
    lowScores.push(toLogHours(updated.lowHours) - actual);
    highScores.push(actual - toLogHours(updated.highHours));
  }
  const lowMargin = conformalQuantile(lowScores, level);
  const highMargin = conformalQuantile(highScores, level);
  if (!Number.isFinite(lowMargin) || !Number.isFinite(highMargin)) return undefined;
  const updated = givenStillOpen(base, elapsedHours);
  const median = updated.medianHours;
  const low = Math.max(elapsedHours, fromLogHours(toLogHours(updated.lowHours) - lowMargin));
  const high = fromLogHours(toLogHours(updated.highHours) + highMargin);
  // The point always lies inside its range: widening never lowers coverage.
  return {
    lowHours: Math.min(low, median),
    medianHours: median,
    highHours: Math.max(high, median),
  };
}

/**
 * A ticket's prediction given it is still open after `elapsedHours`: the
 * at-open prediction at 0 h; later, the at-open interval updated by its shape
 * (`givenStillOpen`), each end moved by the margin of its group's calibration
 * tickets still open at that age, those never seen to resolve counted as
 * censored (`finiteStillOpen`). The point is the shape's median. Where the
 * group has fewer than `MIN_SURVIVORS` calibration tickets at all, the shape
 * is joined with the interval calibrated on the resolved calibration tickets
 * still open (`stillOpenConformal`): each fails its own way, and the union
 * covers at least as often as either. An open-ended range keeps no high end;
 * its low end is calibrated on its group's open-ended tickets still open at
 * that age, those that never resolved included (`openEndedStillOpenLow`).
 */
export function predictStillOpen(
  model: ResolutionModel,
  ticket: TicketRecord,
  context: OpenContext,
  elapsedHours: number,
): HourRange {
  const atOpen = predictTicket(model, ticket, context);
  if (!(elapsedHours > 0)) return atOpen;
  const row = binRow(model.space, ticket, context);
  const raw = uncalibratedLog(model, row);
  const capLog = capOf(model, row);
  const base = {
    lowHours: fromLogHours(raw.low),
    medianHours: fromLogHours(raw.median),
    highHours: fromLogHours(raw.high),
  };
  // A range with no high end keeps none: waiting longer brings no date. Its shape is read from
  // the models' own high end.
  const openEnded = !Number.isFinite(atOpen.highHours);
  const shaped = givenStillOpen(
    openEnded ? { ...atOpen, highHours: Math.max(base.highHours, atOpen.medianHours) } : atOpen,
    elapsedHours,
  );
  if (openEnded) {
    // The shape keeps the at-open low end's share below it among those that resolve; but once a
    // ticket has waited, more of those left never resolve, so nearly all were covered (0.94-1.0
    // of the simulator's tickets still open after 8 h and 24 h). Calibrated on the tickets of its
    // group still open at that age, those never seen to resolve counted, the low end rises as the
    // ones that do resolve go. Never past the shape's median: a calibration slice of one or two
    // incidents that waited on a release lifted it past most of the next period's tickets. That
    // median is of the tickets that resolved, for a waiting incident its quick ones, and it held
    // the low end below most of those that resolve; where the censored median (fitted on the
    // tickets still open too, `capOf`) lies higher, the shape read from it sets the limit.
    const margin = openEndedStillOpenLow(
      model.stillOpen,
      intervalGroup(ticket),
      elapsedHours,
      model.alpha,
    );
    if (margin !== undefined) {
      const calibratedLow = fromLogHours(toLogHours(shaped.lowHours) - margin);
      const capHours = capLog === undefined ? undefined : fromLogHours(capLog);
      const capShape = capHours === undefined ? shaped : givenStillOpen({
        lowHours: atOpen.lowHours,
        medianHours: Math.max(capHours, atOpen.lowHours),
        highHours: Math.max(base.highHours, capHours, atOpen.lowHours),
      }, elapsedHours);
      const cap = Math.max(capShape.medianHours, shaped.lowHours, shaped.medianHours);
      const lowHours = Math.max(elapsedHours, Math.min(calibratedLow, cap));
      return { lowHours, medianHours: Math.max(shaped.medianHours, lowHours), highHours: Infinity };
    }
  }
  if (!openEnded) {
    // The union of the shape and the resolved-only calibration covers at least as often as
    // either: 0.87 of the simulator's finite ranges still open after 8 h and after 24 h (six
    // development seeds pooled). One interval, calibrated with the tickets not yet resolved
    // counted where the group has enough of them, covered 0.80 and 0.83; with the group's
    // longest-lasting tickets standing in where few are still open, 0.80 and 0.80.
    const calibrated = finiteStillOpen(
      model.stillOpen,
      intervalGroup(ticket),
      atOpen,
      elapsedHours,
      model.alpha,
    );
    if (calibrated !== undefined) return calibrated;
  }
  const calibrated = stillOpenConformal(model.survivors, base, elapsedHours, model.alpha);
  const high = (h: number) => (openEnded ? Infinity : h);
  if (calibrated === undefined) return { ...shaped, highHours: high(shaped.highHours) };
  return {
    lowHours: Math.min(shaped.lowHours, calibrated.lowHours),
    medianHours: shaped.medianHours,
    highHours: high(Math.max(shaped.highHours, calibrated.highHours)),
  };
}

/** Standard normal CDF (Abramowitz and Stegun 7.1.26, good to 1.5e-7). */
export function normalCdf(z: number): number {
  const t = 1 / (1 + 0.3275911 * Math.abs(z) / Math.SQRT2);
  const erf = 1 -
    (((((1.061405429 * t - 1.453152027) * t) + 1.421413741) * t - 0.284496736) * t +
        0.254829592) * t * Math.exp(-(z * z) / 2);
  return z >= 0 ? (1 + erf) / 2 : (1 - erf) / 2;
}

/** Standard normal quantile (Acklam's rational approximation, relative error < 1.2e-9). */
export function inverseNormalCdf(p: number): number {
  if (p <= 0) return -Infinity;
  if (p >= 1) return Infinity;
  const a = [
    -39.69683028665376,
    220.9460984245205,
    -275.9285104469687,
    138.357751867269,
    -30.66479806614716,
    2.506628277459239,
  ];
  const b = [
    -54.47609879822406,
    161.5858368580409,
    -155.6989798598866,
    66.80131188771972,
    -13.28068155288572,
  ];
  const c = [
    -0.007784894002430293,
    -0.3223964580411365,
    -2.400758277161838,
    -2.549732539343734,
    4.374664141464968,
    2.938163982698783,
  ];
  const d = [0.007784695709041462, 0.3224671290700398, 2.445134137142996, 3.754408661907416];
  const low = 0.02425;
  if (p < low) {
    const q = Math.sqrt(-2 * Math.log(p));
    return (((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  if (p > 1 - low) {
    const q = Math.sqrt(-2 * Math.log(1 - p));
    return -(((((c[0]! * q + c[1]!) * q + c[2]!) * q + c[3]!) * q + c[4]!) * q + c[5]!) /
      ((((d[0]! * q + d[1]!) * q + d[2]!) * q + d[3]!) * q + 1);
  }
  const q = p - 0.5;
  const r = q * q;
  return (((((a[0]! * r + a[1]!) * r + a[2]!) * r + a[3]!) * r + a[4]!) * r + a[5]!) * q /
    (((((b[0]! * r + b[1]!) * r + b[2]!) * r + b[3]!) * r + b[4]!) * r + 1);
}

function shapedLow(atOpen: HourRange, rawHighHours: number, elapsedHours: number): number {
  return givenStillOpen(
    { ...atOpen, highHours: Math.max(rawHighHours, atOpen.medianHours) },
    elapsedHours,
  ).lowHours;
}

/**
 * The log-space margin below an open-ended range's low end once the ticket
 * has been open `elapsedHours`, from the calibration tickets of its group
 * whose ranges were open-ended too and that were still open at that age,
 * those never seen to resolve included (censored at their follow-up). The
 * whole miss share goes below, as at open. Leaving out the tickets still
 * open would calibrate on the quick ones; counting those that never resolve
 * as hits is what lets the low end rise as the ones that do resolve go.
 * With fewer than `MIN_SURVIVORS` still open at that age, the longest-lasting
 * this many stand in, calibrated at the oldest age they were all still open
 * (as `stillOpenConformal` does). Undefined where the group has fewer such
 * tickets at all, or when no margin holds.
 */
export function openEndedStillOpenLow(
  pool: readonly StillOpenEntry[],
  group: string,
  elapsedHours: number,
  alpha: number,
): number | undefined {
  const inGroup = pool.filter((e) => e.group === group && !Number.isFinite(e.atOpen.highHours));
  // Too few still open fell back to the union with the resolved-only calibration, which keeps the
  // quick ones' low end: 33 of 37 such tickets that resolved were covered on development seed
  // 202 after 24 h (33 of its group still open), 0.891 of all; calibrated at an earlier age, 0.786.
  const survivors = stillOpenAt(inGroup, elapsedHours);
  if (survivors === undefined) return undefined;
  const { entries, age } = survivors;
  const scores = entries.map((e): Scored => {
    const low = toLogHours(shapedLow(e.atOpen, e.rawHighHours, age));
    return {
      score: Number.isFinite(e.hours) ? low - toLogHours(e.hours) : -Infinity,
      bound: low - toLogHours(e.followUpHours),
    };
  });
  // The margin is the highest low end at which few enough of the tickets followed up that far
  // miss, and those can be as few as four, none a miss: after 24 h they set it on three of six
  // development seeds, 5-13 times the shape's low end. Counting the misses by Kaplan-Meier over
  // every ticket instead kept it near the shape's there, and coverage rose (seeds 101/202/303:
  // 0.799 -> 0.826 after 8 h, 0.856 -> 0.891 after 24 h): nearer 80% on the tickets whose
  // issue's resolved ones mostly took longer than that (0.765 -> 0.811 after 24 h, six seeds),
  // further on the rest, nine in ten of which never resolve.
  const margin = censoredConformalQuantile(scores, 1 - alpha, "below");
  return Number.isFinite(margin) ? margin : undefined;
}

/**
 * How long a calibration ticket was seen to stay open: until it resolved, or
 * its whole follow-up when it had not.
 */
function seenOpenHours(e: StillOpenEntry): number {
  return Number.isFinite(e.hours) ? e.hours : e.followUpHours;
}

/**
 * The entries still open at `elapsedHours` (resolved after it, or not resolved
 * and followed up past it), and the age they are calibrated at. With fewer
 * than `MIN_SURVIVORS`, the longest-lasting this many at the oldest age they
 * were all open. Undefined when there are too few entries at all.
 */
function stillOpenAt(
  entries: readonly StillOpenEntry[],
  elapsedHours: number,
): { entries: readonly StillOpenEntry[]; age: number } | undefined {
  const open = entries.filter((e) => seenOpenHours(e) > elapsedHours);
  if (open.length >= MIN_SURVIVORS) return { entries: open, age: elapsedHours };
  if (entries.length < MIN_SURVIVORS) return undefined;
  const longest = [...entries].sort((a, b) => seenOpenHours(b) - seenOpenHours(a))
    .slice(0, MIN_SURVIVORS);
  return { entries: longest, age: Math.min(elapsedHours, seenOpenHours(longest.at(-1)!)) };
}

/**
 * The updated interval of a finite at-open range `atOpen` once the ticket has
 * been open `elapsedHours`: its shape (`givenStillOpen`), each end moved by
 * the split-conformal margin of the same update on the calibration tickets of
 * its `group` whose ranges were finite too and that were still open at that
 * age, those never seen to resolve counted as censored at their follow-up
 * (`censoredConformalQuantile`). The resolved ones alone are the quick ones,
 * and a high end calibrated on them runs short. Where too many never resolve
 * for any high end to hold, the range becomes open-ended, its whole miss share
 * below, as at open. With fewer than `MIN_SURVIVORS` still open at that age,
 * the longest-lasting this many stand in, calibrated at the oldest age they
 * were all still open (as `openEndedStillOpenLow` does). Undefined where the
 * group has fewer such tickets at all, or when no low end holds.
 *
 * @example
 * ```ts
 * import { finiteStillOpen } from "./conditional.ts";
 * import assert from "node:assert/strict";
 * const atOpen = { lowHours: 2, medianHours: 10, highHours: 50 };
 * const pool = Array.from({ length: 200 }, (_, i) => ({
 *   group: "no issue",
 *   hours: 1 + i / 2,
 *   followUpHours: 500,
 *   atOpen,
 *   rawHighHours: 50,
 * }));
 * const later = finiteStillOpen(pool, "no issue", atOpen, 20, 0.2)!;
 * assert.ok(later.lowHours >= 20 && later.highHours <= 101);
 * ```
 */
export function finiteStillOpen(
  pool: readonly StillOpenEntry[],
  group: string,
  atOpen: HourRange,
  elapsedHours: number,
  alpha: number,
): HourRange | undefined {
  const inGroup = pool.filter((e) => e.group === group && Number.isFinite(e.atOpen.highHours));
  // Too few still open fell back to the union of the shape and the resolved-only calibration,
  // which covers at least as often as either: 51 of 51 such finite ranges still open after 24 h
  // on six development seeds, where calibrated on the longest-lasting 40, 44 of 51.
  const survivors = stillOpenAt(inGroup, elapsedHours);
  if (survivors === undefined) return undefined;
  const lows: Scored[] = [];
  const highs: Scored[] = [];
  for (const e of survivors.entries) {
    const updated = givenStillOpen(e.atOpen, survivors.age);
    const low = toLogHours(updated.lowHours);
    const high = toLogHours(updated.highHours);
    const seen = toLogHours(e.followUpHours);
    const resolved = Number.isFinite(e.hours);
    lows.push({ score: resolved ? low - toLogHours(e.hours) : -Infinity, bound: low - seen });
    highs.push({ score: resolved ? toLogHours(e.hours) - high : Infinity, bound: seen - high });
  }
  const highMargin = censoredConformalQuantile(highs, 1 - alpha / 2, "atLeast");
  const openEnded = !Number.isFinite(highMargin);
  const lowMargin = censoredConformalQuantile(lows, 1 - (openEnded ? alpha : alpha / 2), "below");
  if (!Number.isFinite(lowMargin)) return undefined;
  const updated = givenStillOpen(atOpen, elapsedHours);
  const median = updated.medianHours;
  const low = Math.max(elapsedHours, fromLogHours(toLogHours(updated.lowHours) - lowMargin));
  if (openEnded) return { lowHours: low, medianHours: Math.max(median, low), highHours: Infinity };
  const high = fromLogHours(toLogHours(updated.highHours) + highMargin);
  // The point always lies inside its range: widening never lowers coverage.
  return {
    lowHours: Math.min(low, median),
    medianHours: median,
    highHours: Math.max(high, median),
  };
}
