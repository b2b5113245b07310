/**
 * Occurrence-trend classification for one error signature, from its hourly
 * counts. Pure: no clock, no I/O, no randomness.
 *
 * ## Windows
 * Bucket `i` covers `[start + i h, start + (i + 1) h)`. The *recent window* is
 * the `recentHours` complete buckets that end at or before `now` (a partly
 * elapsed current hour is ignored); the *baseline* is the `baselineDays × 24`
 * buckets just before it. Hours outside `counts` (or outside `traffic`, when
 * given) are *unobserved*: they add neither occurrences nor exposure. Pass
 * explicit zeros for hours that were observed and had no occurrences.
 *
 * ## Like with like (seasonality, traffic)
 * Without traffic, each recent hour is expected to see the baseline's mean
 * count for the same hour of day (UTC), so a day/night cycle is not a trend.
 * With traffic, the expected count of a recent hour is the baseline's
 * errors-per-record ratio times that hour's traffic (traffic already carries
 * the daily cycle). If the baseline has no traffic at all the hour-of-day
 * expectation is used instead.
 *
 * ## Test
 * A conditional test of the window's count `X` given the pooled count
 * `N = X + Y`, where `Y` is the baseline count of the same hours of day (all
 * of the baseline with traffic). For Poisson counts, `X | N ~ Binomial(N, π)`
 * with `π` the window's share of the exposure: `E / (E + Y)` for an expected
 * count `E` (exact when the hours of day are equally covered, e.g. `π = 1/8`
 * for 24 h against 7 days), or `T_recent / (T_recent + T_baseline)` with
 * traffic. Bursty counts are modelled negative-binomial style: hour `i` is
 * Poisson with a gamma-distributed rate of mean `μᵢ` and variance `κμᵢ²`
 * (`Var = μ + κμ²`), `κ` being the moment estimate from the baseline's
 * hour-to-hour variation around its hour-of-day (or traffic) means. Then the
 * window's share of the pooled rate is Beta-distributed and `X | N` is
 * beta-binomial with mean `Nπ` and precision `α + β = (E + Y) / s`, where `s =
 * κ Σμ² / Σμ` over the hours involved (a moment match of sums of gammas).
 * Unlike a quasi-Poisson rescaling this keeps the heavy tail a single bursty
 * hour has. Tails: beta-binomial summed exactly for `N ≤ 5000`, else a Beta
 * on `X/N` with the same mean and variance (continuity-corrected); with
 * `κ = 0` the exact binomial tail from the regularized incomplete beta
 * function, `P(X ≥ x) = I_π(x, N − x + 1)` (continued fraction), or above
 * `N = 10⁶` the signed-root deviance normal approximation with continuity
 * correction. Hours are treated as independent, so bursts spanning several
 * hours are only partly accounted for.
 *
 * Several windows are examined, so the reported `pValue` is
 * Bonferroni-adjusted. Three comparisons share the error rate: the recent
 * window (weight ½), the last 3 days against the baseline before them, for
 * changes too gradual for one day to show (¼; only when the recent window is
 * shorter), and "new in the last `baselineDays` days" (¼). Within a window,
 * for a rise, the whole window (half its weight) and every suffix of it plus
 * every 1–3 hour window inside it (sharing the other half; in the 3-day window,
 * suffixes of at least a quarter of it and no short windows); for a fall, the
 * whole window and the suffixes of at least a quarter of it, alike. A verdict
 * is significant when the adjusted p is below `alpha` and the window's ratio
 * is at least `minRatio` (at most `1/minFallRatio` for a fall).
 *
 * ## Classes
 * - `quiet`: no occurrences in either window (ratio 1, p 1).
 * - new (none in the baseline, some recently, and `π^X < alpha`, the chance
 *   that all of them fall in the recent window by luck): `spiking` when half
 *   of them came within 3 consecutive hours, `emerging` otherwise, the reason
 *   saying "new".
 * - `spiking`: significantly above the baseline, and the excess is
 *   concentrated: at least half of the recent positive excess lies within 3
 *   consecutive hours, or the significant window is at most 3 hours long
 *   (including a jump in the last hours, too fresh to call sustained).
 * - `emerging`: significantly above the baseline and spread over the window
 *   (sustained), in the recent window or else the last 3 days; or a slow burn:
 *   the last three weeks (ending at the end of the recent window, all
 *   observed but for up to a day at the start of the oldest, rates per observed
 *   hour or unit of traffic) have strictly increasing rates, the first of them above zero,
 *   and the latest week against the one two weeks earlier is `≥ minRatio` with
 *   `p < alpha` (same test, same κ); or new in the last `baselineDays` days:
 *   none in the twice as long observed stretch before them, `share^X < alpha`
 *   for their share of the exposure, not a burst, and still occurring (the
 *   recent window not clearly below its rate since it came).
 * - `resolving`: significantly below the baseline (ratio `≤ 1/minFallRatio`)
 *   in the recent window or else the last 3 days, including dropping to zero
 *   after being regular.
 * - `stable`: anything else, including too little data to compare (then the
 *   ratio and rates are `NaN`).
 *
 * `recentRate` is the observed count per observed hour of the window the
 * verdict is about, `baselineRate` the count per hour the baseline predicts for
 * those same hours (hours of day, or traffic), so `ratio = recentRate /
 * baselineRate` (`Infinity` when the baseline predicts 0). For the slow burn
 * they are the latest week's and the (traffic-adjusted) week two weeks before.
 *
 * @example
 * ```ts
 * import { classifyTrend } from "./mod.ts";
 * import assert from "node:assert/strict";
 *
 * const HOUR = 3_600_000;
 * const start = Date.UTC(2025, 0, 1);
 * // two occurrences an hour for a week, then twelve an hour for a day
 * const counts = Array.from({ length: 24 * 8 }, (_, i) => (i < 24 * 7 ? 2 : 12));
 * const verdict = classifyTrend({ start, counts }, { now: start + 24 * 8 * HOUR });
 * assert.equal(verdict.class, "emerging");
 * assert.equal(verdict.ratio, 6);
 * assert.ok(verdict.pValue < 0.001);
 * assert.equal(
 *   verdict.reason,
 *   "sustained rise: rate ×6.0 over the last 24 hours vs the previous 7 days (same hours of day), p < 1e-12",
 * );
 *
 * const quiet = classifyTrend({ start, counts: new Array(24 * 8).fill(0) }, {
 *   now: start + 24 * 8 * HOUR,
 * });
 * assert.equal(quiet.class, "quiet");
 * ```
 *
 * @module
 */
import { binomialLowerTail, binomialUpperTail, conditionalTail } from "./statistics.ts";
import { HOUR_MS } from "../time.ts";

/** How a signature's occurrences are moving. */
export type TrendClass = "emerging" | "spiking" | "resolving" | "stable" | "quiet";

/** Hourly occurrence counts of one signature. */
export interface HourlySeries {
  /** Epoch ms of the first bucket, aligned to the hour. */
  readonly start: number;
  /** Occurrences per hour of this signature (length up to 24 × 365). */
  readonly counts: readonly number[];
  /** Optional: all records per hour in the same scope, to normalise by volume. */
  readonly traffic?: readonly number[];
}

/** The classification, with the numbers behind it. */
export interface TrendVerdict {
  /** What the series is doing: emerging, spiking, resolving, stable or quiet. */
  readonly class: TrendClass;
  /** E.g. "sustained rise: rate ×6.2 over the last 12 hours vs the previous 7 days (same hours of day), p < 0.001". */
  readonly reason: string;
  /** recentRate / baselineRate (Infinity if the baseline predicts 0 and recent > 0). */
  readonly ratio: number;
  /** Bonferroni-adjusted p-value of the comparison the verdict rests on, in [0, 1]. */
  readonly pValue: number;
  /** Observed occurrences per hour in the compared window. */
  readonly recentRate: number;
  /** Occurrences per hour the baseline predicts for the same hours. */
  readonly baselineRate: number;
  /**
   * Variance-to-mean ratio `1 + κΣμ²/Σμ` assumed for the whole recent
   * window's count (1 = Poisson), from the baseline's hour-to-hour variation.
   */
  readonly dispersion: number;
}

/** Where "now" is and how strict to be. */
export interface TrendOptions {
  /** Epoch ms; the recent window ends at the last full hour before it. */
  readonly now: number;
  /** Length of the recent window in hours (default 24). */
  readonly recentHours?: number;
  /** Length of the baseline in days (default 7). */
  readonly baselineDays?: number;
  /** Significance level (default 0.001). */
  readonly alpha?: number;
  /** Minimum effect size of a rise, as a rate ratio (default 2). */
  readonly minRatio?: number;
  /**
   * Minimum effect size of a fall (default 1.5: a rate at most 2/3 of the
   * baseline). Lower than a rise's: a fix rolling out customer by customer
   * takes the rate down a share at a time.
   */
  readonly minFallRatio?: number;
}

const WEEK = 168;
/** How much of a slow burn's oldest week may lie before the data begins. */
const SLOW_BURN_UNOBSERVED_HOURS = 24;

/**
 * The hours before `now` that the default options examine at most (a slow
 * burn's three weeks, and the twice-as-long silence before a new week): a
 * caller that reads this much history gives the full verdict.
 */
export const TREND_HISTORY_HOURS = 3 * WEEK;
const BURST_HOURS = 3;
const CONCENTRATION = 0.5;
/** The longer window for sustained changes the latest one is too short to show. */
const SUSTAINED_HOURS = 72;
/** Bonferroni weights of the comparisons made: the latest window, the longer one, new this week. */
const LATEST_WEIGHT = 0.5;
const SUSTAINED_WEIGHT = 0.25;
const NEW_WEIGHT = 0.25;
/** A new signature whose latest window is this unlikely at its rate since it came has stopped. */
const STOPPED_P = 0.01;

/**
 * Classifies the trend of one signature's hourly counts; see the module docs.
 *
 * @example
 * ```ts
 * import { classifyTrend } from "./classify.ts";
 * import assert from "node:assert/strict";
 * const HOUR = 3_600_000;
 * const start = Date.UTC(2025, 0, 1);
 * // Silent for a week, then five an hour for the last day: new and growing.
 * const counts = Array.from({ length: 24 * 8 }, (_, i) => (i < 24 * 7 ? 0 : 5));
 * const verdict = classifyTrend({ start, counts }, { now: start + 24 * 8 * HOUR });
 * assert.notEqual(verdict.class, "quiet");
 * assert.notEqual(verdict.class, "stable");
 * ```
 */
export function classifyTrend(series: HourlySeries, options: TrendOptions): TrendVerdict {
  const recentHours = options.recentHours ?? 24;
  const days = options.baselineDays ?? 7;
  const alpha = options.alpha ?? 0.001;
  const minRatio = options.minRatio ?? 2;
  const minFallRatio = options.minFallRatio ?? 1.5;
  if (!Number.isInteger(recentHours) || recentHours < 1) {
    throw new RangeError(`recentHours must be an integer ≥ 1`);
  }
  if (!Number.isInteger(days) || days < 1) {
    throw new RangeError(`baselineDays must be an integer ≥ 1`);
  }
  if (!(alpha > 0 && alpha < 1)) throw new RangeError(`alpha must be in (0, 1)`);
  if (!(minRatio >= 1) || !Number.isFinite(minRatio)) {
    throw new RangeError(`minRatio must be a finite number ≥ 1`);
  }
  if (!(minFallRatio >= 1) || !Number.isFinite(minFallRatio)) {
    throw new RangeError(`minFallRatio must be a finite number ≥ 1`);
  }
  if (!Number.isFinite(options.now) || !Number.isFinite(series.start)) {
    throw new RangeError(`now and start must be finite epoch milliseconds`);
  }
  const settings: Settings = { now: options.now, days, alpha, minRatio, minFallRatio };
  const latest = compareWindows(series, settings, recentHours, true);
  if (isChange(latest)) return latest;
  if (recentHours < SUSTAINED_HOURS) {
    const lastDays = compareWindows(series, settings, SUSTAINED_HOURS, false);
    if (isChange(lastDays)) return lastDays;
  }
  return newThisWeek(series, settings, recentHours) ?? latest;
}

interface Settings {
  readonly now: number;
  readonly days: number;
  readonly alpha: number;
  readonly minRatio: number;
  readonly minFallRatio: number;
}

const isChange = (v: TrendVerdict): boolean => v.class !== "stable" && v.class !== "quiet";

/**
 * The recent `windowHours` hours against the baseline before them. The latest
 * window looks for every kind of change; the longer one only for sustained
 * rises and falls (a burst days ago is not a trend now), and is stable
 * otherwise.
 */
function compareWindows(
  series: HourlySeries,
  { now, days, alpha, minRatio, minFallRatio }: Settings,
  windowHours: number,
  latestWindow: boolean,
): TrendVerdict {
  const weight = latestWindow ? LATEST_WEIGHT : SUSTAINED_WEIGHT;
  const { counts, traffic } = series;
  const startHour = Math.floor(series.start / HOUR_MS);
  const endHour = Math.floor((now - series.start) / HOUR_MS);
  const observedHours = traffic === undefined
    ? counts.length
    : Math.min(counts.length, traffic.length);
  const firstHourOfDay = mod24(startHour);
  const windowStart = endHour - windowHours;
  const baselineStart = windowStart - days * 24;
  const countAt = (i: number): number => checkedCount(counts, i);
  const trafficAt = (i: number): number => traffic === undefined ? 0 : checkedTraffic(traffic, i);
  const hourOfDay = (i: number): number => mod24(firstHourOfDay + i);

  // Baseline, by hour of day.
  const countByHourOfDay = new Float64Array(24);
  const hoursByHourOfDay = new Float64Array(24);
  let baselineCount = 0, baselineHours = 0, baselineTraffic = 0;
  const baselineFrom = Math.max(baselineStart, 0);
  const baselineTo = Math.min(windowStart, observedHours);
  for (let i = baselineFrom; i < baselineTo; i++) {
    const count = countAt(i), hour = hourOfDay(i);
    countByHourOfDay[hour]! += count;
    hoursByHourOfDay[hour]!++;
    baselineCount += count;
    baselineHours++;
    baselineTraffic += trafficAt(i);
  }
  const useTraffic = traffic !== undefined && baselineTraffic > 0;
  const expectedAt = (i: number): number => {
    if (useTraffic) return (baselineCount / baselineTraffic) * trafficAt(i);
    const hour = hourOfDay(i);
    return hoursByHourOfDay[hour]! > 0
      ? countByHourOfDay[hour]! / hoursByHourOfDay[hour]!
      : baselineCount / baselineHours;
  };

  // Overdispersion, negative-binomial style: hour i ~ Poisson(μᵢ G), G ~ Gamma
  // with mean 1 and variance κ, so Var = μ + κμ². κ is the moment estimate
  // from the baseline hours around their fitted means (bias-corrected for the
  // hour-of-day means, which use n − 1 degrees of freedom out of n).
  let excessVariance = 0, fittedSquares = 0, baselineSquaredExpected = 0;
  for (let i = baselineFrom; i < baselineTo; i++) {
    const expected = expectedAt(i);
    baselineSquaredExpected += expected * expected;
    const sameHours = useTraffic ? 0 : hoursByHourOfDay[hourOfDay(i)]!;
    if (expected > 0 && (useTraffic || sameHours > 1)) {
      const deviation = countAt(i) - expected;
      excessVariance += deviation * deviation * (useTraffic ? 1 : sameHours / (sameHours - 1)) -
        expected;
      fittedSquares += expected * expected;
    }
  }
  const kappa = fittedSquares > 0 ? Math.max(0, excessVariance / fittedSquares) : 0;

  // The recent window as prefix sums (entry j sums its first j hours), so each
  // of the many parts [from, to) tried below costs two look-ups (`within`).
  const sums = {
    count: new Float64Array(windowHours + 1),
    expected: new Float64Array(windowHours + 1),
    observedHours: new Float64Array(windowHours + 1),
    traffic: new Float64Array(windowHours + 1),
    /** The baseline's count in the same hours of day. */
    sameHourBaselineCount: new Float64Array(windowHours + 1),
    /** The baseline's hours in the same hours of day. */
    sameHourBaselineHours: new Float64Array(windowHours + 1),
    /** Hours whose hour of day the baseline lacks. */
    unmatchedHours: new Float64Array(windowHours + 1),
    squaredExpected: new Float64Array(windowHours + 1),
    /** The baseline's squared expected counts in the same hours of day. */
    sameHourBaselineSquaredExpected: new Float64Array(windowHours + 1),
  };
  const within = (prefix: Float64Array, from: number, to: number): number =>
    prefix[to]! - prefix[from]!;
  const excess = new Float64Array(windowHours);
  for (let j = 0; j < windowHours; j++) {
    const i = windowStart + j;
    let count = 0, expected = 0, observed = 0, hourTraffic = 0;
    let sameHourCount = 0, sameHours = 0, unmatched = 0;
    if (i >= 0 && i < observedHours) {
      const hour = hourOfDay(i);
      count = countAt(i);
      expected = baselineHours > 0 ? expectedAt(i) : 0;
      observed = 1;
      hourTraffic = trafficAt(i);
      sameHourCount = countByHourOfDay[hour]!;
      sameHours = hoursByHourOfDay[hour]!;
      unmatched = sameHours > 0 ? 0 : 1;
      excess[j] = Math.max(0, count - expected);
    }
    sums.count[j + 1] = sums.count[j]! + count;
    sums.expected[j + 1] = sums.expected[j]! + expected;
    sums.observedHours[j + 1] = sums.observedHours[j]! + observed;
    sums.traffic[j + 1] = sums.traffic[j]! + hourTraffic;
    sums.sameHourBaselineCount[j + 1] = sums.sameHourBaselineCount[j]! + sameHourCount;
    sums.sameHourBaselineHours[j + 1] = sums.sameHourBaselineHours[j]! + sameHours;
    sums.unmatchedHours[j + 1] = sums.unmatchedHours[j]! + unmatched;
    sums.squaredExpected[j + 1] = sums.squaredExpected[j]! + expected * expected;
    sums.sameHourBaselineSquaredExpected[j + 1] = sums.sameHourBaselineSquaredExpected[j]! +
      (sameHours > 0 ? (sameHourCount * sameHourCount) / sameHours : 0);
  }
  const recentCount = sums.count[windowHours]!;
  const recentHours = sums.observedHours[windowHours]!;
  const recentTraffic = sums.traffic[windowHours]!;
  const recentExpected = sums.expected[windowHours]!;
  const dispersion = recentExpected > 0
    ? 1 + (kappa * sums.squaredExpected[windowHours]!) / recentExpected
    : 1;

  const previous = `the previous ${days === 1 ? "day" : `${days} days`}`;
  const against = `vs ${previous} ${useTraffic ? "(per unit of traffic)" : "(same hours of day)"}`;
  const verdict = (
    cls: TrendClass,
    reason: string,
    ratio: number,
    pValue: number,
    recentRate: number,
    baselineRate: number,
  ): TrendVerdict => ({
    class: cls,
    reason,
    ratio,
    pValue: Math.min(1, Math.max(0, pValue)),
    recentRate,
    baselineRate,
    dispersion,
  });

  if (recentHours === 0 || (useTraffic && recentTraffic === 0)) {
    return verdict("stable", "no data in the recent window", NaN, 1, NaN, NaN);
  }
  if (recentCount === 0 && baselineCount === 0) {
    return verdict(
      "quiet",
      `no occurrences in the last ${hoursText(windowHours)} or before`,
      1,
      1,
      0,
      0,
    );
  }
  if (baselineHours === 0) {
    return verdict(
      "stable",
      "no baseline data to compare against",
      NaN,
      1,
      recentCount / recentHours,
      NaN,
    );
  }
  if (baselineCount === 0) {
    const share = useTraffic
      ? recentTraffic / (recentTraffic + baselineTraffic)
      : recentHours / (recentHours + baselineHours);
    const p = binomialUpperTail(recentCount, recentCount, share) / weight;
    const recentRate = recentCount / recentHours;
    const what = `${recentCount} occurrence${recentCount === 1 ? "" : "s"} in the last ${
      hoursText(windowHours)
    }, none in ${previous}`;
    // A longer window adds nothing here: the latest one, or new-this-week, speaks for it.
    if (!latestWindow) return verdict("stable", what, Infinity, p, recentRate, 0);
    if (p < alpha) {
      // New: a burst if half of it came within a few hours, a rise otherwise.
      return densestBurst(excess, 0, windowHours).sum >= CONCENTRATION * recentCount
        ? verdict("spiking", `new burst: ${what}, ${formatP(p)}`, Infinity, p, recentRate, 0)
        : verdict("emerging", `new: ${what}, ${formatP(p)}`, Infinity, p, recentRate, 0);
    }
    return verdict(
      "stable",
      `${what}; too few to be significant (${formatP(p)})`,
      Infinity,
      p,
      recentRate,
      0,
    );
  }

  /** Raw one-sided p of the part [from, to) of the window against the baseline. */
  const windowPValue = (from: number, to: number, upper: boolean): number => {
    const count = within(sums.count, from, to), expected = within(sums.expected, from, to);
    const hours = within(sums.observedHours, from, to);
    let share: number, reference: number, referenceSquared: number;
    if (useTraffic) {
      const partTraffic = within(sums.traffic, from, to);
      share = partTraffic / (partTraffic + baselineTraffic);
      reference = baselineCount;
      referenceSquared = baselineSquaredExpected;
    } else {
      // Every hour of day, or one the baseline never saw: the whole baseline is the reference.
      const wholeBaseline = to - from >= 24 || within(sums.unmatchedHours, from, to) > 0;
      reference = wholeBaseline ? baselineCount : within(sums.sameHourBaselineCount, from, to);
      referenceSquared = wholeBaseline
        ? baselineSquaredExpected
        : within(sums.sameHourBaselineSquaredExpected, from, to);
      const referenceHours = wholeBaseline
        ? baselineHours
        : within(sums.sameHourBaselineHours, from, to);
      share = reference > 0 ? expected / (expected + reference) : hours / (hours + referenceHours);
    }
    // Gamma scale of the pooled rates; the Beta of the count's share has α + β = mean / scale.
    const scale = (kappa * (within(sums.squaredExpected, from, to) + referenceSquared)) /
      (expected + reference);
    return conditionalTail(
      count,
      count + reference,
      share,
      scale > 0 ? (expected + reference) / scale : Infinity,
      upper,
    );
  };
  const usable = (from: number, to: number): boolean =>
    within(sums.observedHours, from, to) > 0 &&
    (!useTraffic || within(sums.traffic, from, to) > 0);
  const ratioOf = (from: number, to: number): number => {
    const count = within(sums.count, from, to), expected = within(sums.expected, from, to);
    return expected > 0 ? count / expected : count > 0 ? Infinity : NaN;
  };

  // Rises: the whole window and its suffixes (of at least a quarter of it, in a
  // longer window), and in the latest window short windows anywhere.
  const longestShortPart = latestWindow ? Math.min(BURST_HOURS, windowHours - 1) : 0;
  const shortestRiseSuffix = latestWindow ? 1 : Math.max(1, Math.ceil(windowHours / 4));
  let otherRiseParts = windowHours - shortestRiseSuffix;
  for (let length = 1; length <= longestShortPart; length++) otherRiseParts += windowHours - length;
  const wholeRiseWeight = (otherRiseParts > 0 ? 0.5 : 1) * weight;
  const otherRiseWeight = otherRiseParts > 0 ? (0.5 / otherRiseParts) * weight : 0;
  let riseP = Infinity, riseFrom = 0, riseTo = 0;
  const tryRise = (from: number, to: number, weight: number) => {
    if (!usable(from, to) || !(ratioOf(from, to) >= minRatio)) return;
    const p = windowPValue(from, to, true) / weight;
    if (p < riseP) [riseP, riseFrom, riseTo] = [p, from, to];
  };
  tryRise(0, windowHours, wholeRiseWeight);
  for (let length = windowHours - 1; length >= shortestRiseSuffix; length--) {
    tryRise(windowHours - length, windowHours, otherRiseWeight);
  }
  for (let length = 1; length <= longestShortPart; length++) {
    for (let from = 0; from + length < windowHours; from++) {
      tryRise(from, from + length, otherRiseWeight);
    }
  }

  // Falls: whole window and suffixes of at least a quarter of it.
  const shortestFallSuffix = Math.max(1, Math.ceil(windowHours / 4));
  const otherFallParts = Math.max(0, windowHours - shortestFallSuffix);
  const wholeFallWeight = (otherFallParts > 0 ? 0.5 : 1) * weight;
  const otherFallWeight = otherFallParts > 0 ? (0.5 / otherFallParts) * weight : 0;
  let fallP = Infinity, fallFrom = 0;
  const tryFall = (from: number, weight: number) => {
    if (!usable(from, windowHours) || !(ratioOf(from, windowHours) <= 1 / minFallRatio)) return;
    const p = windowPValue(from, windowHours, false) / weight;
    if (p < fallP) [fallP, fallFrom] = [p, from];
  };
  tryFall(0, wholeFallWeight);
  for (let length = windowHours - 1; length >= shortestFallSuffix; length--) {
    tryFall(windowHours - length, otherFallWeight);
  }

  /** The observed and the expected count per observed hour of [from, to). */
  const rates = (from: number, to: number) => {
    const hours = within(sums.observedHours, from, to);
    return [within(sums.count, from, to) / hours, within(sums.expected, from, to) / hours] as const;
  };

  if (riseP < alpha && riseP <= fallP) {
    const totalExcess = excess.reduce((sum, e) => sum + e, 0);
    const { sum: burstExcess, end: burstEnd } = densestBurst(excess, 0, windowHours);
    const spike = riseTo - riseFrom <= BURST_HOURS ||
      (totalExcess > 0 && burstExcess >= CONCENTRATION * totalExcess);
    if (spike && !latestWindow) return steady();
    if (spike && burstExcess > 0) {
      // Report the burst itself (trimmed of hours with little excess) when it is
      // significant on its own (it is one of the windows already counted).
      let from = Math.max(0, burstEnd - BURST_HOURS), to = burstEnd;
      while (to - from > 1 && excess[from]! < 0.1 * burstExcess) from++;
      while (to - from > 1 && excess[to - 1]! < 0.1 * burstExcess) to--;
      if (usable(from, to) && ratioOf(from, to) >= minRatio) {
        const p = windowPValue(from, to, true) / otherRiseWeight;
        if (p < alpha) [riseP, riseFrom, riseTo] = [p, from, to];
      }
    }
    const ratio = ratioOf(riseFrom, riseTo);
    const [recent, base] = rates(riseFrom, riseTo);
    const where = windowText(riseFrom, riseTo, windowHours);
    return spike
      ? verdict(
        "spiking",
        `burst: rate ${ratioText(ratio)} ${where} ${against}, ${formatP(riseP)}`,
        ratio,
        riseP,
        recent,
        base,
      )
      : verdict(
        "emerging",
        `sustained rise: rate ${ratioText(ratio)} ${where} ${against}, ${formatP(riseP)}`,
        ratio,
        riseP,
        recent,
        base,
      );
  }
  if (fallP < alpha) {
    const ratio = ratioOf(fallFrom, windowHours);
    const [recent, base] = rates(fallFrom, windowHours);
    const what = recent === 0 ? "dropped to zero" : `rate ${ratioText(ratio)}`;
    return verdict(
      "resolving",
      `decline: ${what} ${windowText(fallFrom, windowHours, windowHours)} ${against}, ${
        formatP(fallP)
      }`,
      ratio,
      fallP,
      recent,
      base,
    );
  }

  if (latestWindow) {
    const burn = slowBurn({
      endHour,
      observedHours,
      countAt,
      trafficAt,
      perTraffic: useTraffic,
      dispersion: kappa,
      baselineSquaredExpected,
      baselineHours,
      baselineCount,
    }, { alpha, minRatio });
    if (burn !== undefined) {
      return verdict(
        "emerging",
        burn.reason,
        burn.ratio,
        burn.pValue,
        burn.recentRate,
        burn.baselineRate,
      );
    }
  }

  return steady();

  function steady(): TrendVerdict {
    const ratio = ratioOf(0, windowHours);
    const [recent, base] = rates(0, windowHours);
    const p = Math.min(
      1,
      2 * Math.min(windowPValue(0, windowHours, true), windowPValue(0, windowHours, false)),
    );
    const threshold = ratio < 1 ? 1 / minFallRatio : minRatio;
    const why = p < alpha ? `below the ${ratioText(threshold)} threshold` : "not significant";
    // "×0.00" read as a fall that was not called one; with none at all the
    // reason says how few the baseline expected, which is why it is no fall.
    const change = recent === 0 && base > 0
      ? `none over the last ${hoursText(windowHours)} ${against} (about ${
        (base * windowHours).toFixed(1)
      } expected)`
      : `rate ${ratioText(ratio)} over the last ${hoursText(windowHours)} ${against}`;
    return verdict(
      "stable",
      `steady: ${change}, ${formatP(p)} (${why})`,
      ratio,
      p,
      recent,
      base,
    );
  }
}

/** What the slow-burn test reads of a series and of its baseline. */
interface SlowBurnHistory {
  /** The hour (from the series' start) the latest week ends before. */
  readonly endHour: number;
  /** Hours with counts (and traffic, when given): the weeks must end within them. */
  readonly observedHours: number;
  readonly countAt: (hour: number) => number;
  readonly trafficAt: (hour: number) => number;
  /** Rates per unit of traffic rather than per hour, when every week has traffic. */
  readonly perTraffic: boolean;
  /** κ, the baseline's overdispersion (Var = μ + κμ²). */
  readonly dispersion: number;
  /** Σ of the baseline hours' squared expected counts. */
  readonly baselineSquaredExpected: number;
  readonly baselineHours: number;
  readonly baselineCount: number;
}

/** One week's occurrences, traffic and observed hours. */
interface WeekTotals {
  readonly count: number;
  readonly traffic: number;
  readonly hours: number;
}

/** A slow burn found: the latest week against the week two weeks before it. */
interface SlowBurn {
  readonly reason: string;
  readonly ratio: number;
  readonly pValue: number;
  readonly recentRate: number;
  readonly baselineRate: number;
}

function weekTotals(history: SlowBurnHistory, weeksBack: number): WeekTotals {
  let count = 0, traffic = 0, hours = 0;
  const weekEnd = history.endHour - weeksBack * WEEK;
  for (let hour = Math.max(0, weekEnd - WEEK); hour < weekEnd; hour++) {
    count += history.countAt(hour);
    traffic += history.trafficAt(hour);
    hours++;
  }
  return { count, traffic, hours };
}

/**
 * Slow burn: three weeks of strictly increasing rate, the latest week at
 * least `minRatio` times the one two weeks before it and significantly so
 * (the same conditional test as the windows, with the baseline's κ). The
 * oldest week may have begun less than a day before the data did: a store
 * three weeks old, asked just before its last hour ends, still shows three
 * weeks of growth.
 */
function slowBurn(
  history: SlowBurnHistory,
  { alpha, minRatio }: Pick<Settings, "alpha" | "minRatio">,
): SlowBurn | undefined {
  const { endHour, observedHours } = history;
  if (endHour - 3 * WEEK + SLOW_BURN_UNOBSERVED_HOURS < 0 || endHour > observedHours) {
    return undefined;
  }
  const latest = weekTotals(history, 0);
  const middle = weekTotals(history, 1);
  const earliest = weekTotals(history, 2);
  const perTraffic = history.perTraffic && latest.traffic > 0 && middle.traffic > 0 &&
    earliest.traffic > 0;
  const rateOf = (week: WeekTotals) =>
    perTraffic ? week.count / week.traffic : week.count / week.hours;
  const latestRate = rateOf(latest), middleRate = rateOf(middle), earliestRate = rateOf(earliest);
  const ratio = earliestRate > 0 ? latestRate / earliestRate : Infinity;
  // It grows from a rate it already had: one that was absent is new, not a slow burn.
  const growing = earliestRate > 0 && earliestRate < middleRate && middleRate < latestRate;
  if (!(growing && ratio >= minRatio)) return undefined;
  const latestShare = perTraffic
    ? latest.traffic / (latest.traffic + earliest.traffic)
    : latest.hours / (latest.hours + earliest.hours);
  const pooledCount = latest.count + earliest.count;
  const { dispersion, baselineSquaredExpected, baselineHours, baselineCount } = history;
  // The gamma scale of an hour at the two weeks' average level.
  const gammaScale = (dispersion * baselineSquaredExpected *
    Math.max(
      1,
      (pooledCount * baselineHours) / ((latest.hours + earliest.hours) * baselineCount),
    )) / baselineCount;
  const pValue = conditionalTail(
    latest.count,
    pooledCount,
    latestShare,
    gammaScale > 0 ? pooledCount / gammaScale : Infinity,
    true,
  );
  if (!(pValue < alpha)) return undefined;
  const steps = ` (${ratioText(middleRate / earliestRate)}, then ${
    ratioText(latestRate / middleRate)
  })`;
  const recentRate = latest.count / latest.hours;
  return {
    reason: `slow burn: weekly rate up two weeks running${steps}, ${
      ratioText(ratio)
    } over the last 7 days vs the week two weeks before${
      perTraffic ? " (per unit of traffic)" : ""
    }, ${formatP(pValue)}`,
    ratio,
    pValue,
    recentRate,
    baselineRate: recentRate / ratio,
  };
}

/**
 * A signature first seen within the last `days` days after an observed
 * silence twice as long, and still occurring at about its rate since: new,
 * so emerging, even when it is too rare for the windows above to tell a rise
 * from its own first days. The test is the chance that all of the
 * occurrences fall in these days if the rate had been the same before,
 * (their share of the exposure)^count. A burst (half of it within a few
 * hours) is left to the windows above.
 */
function newThisWeek(
  series: HourlySeries,
  { now, days, alpha, minFallRatio }: Settings,
  windowHours: number,
): TrendVerdict | undefined {
  const { counts, traffic } = series;
  const span = days * 24;
  if (windowHours >= span) return undefined;
  const end = Math.floor((now - series.start) / HOUR_MS);
  const limit = traffic === undefined ? counts.length : Math.min(counts.length, traffic.length);
  const weekStart = end - span, recentStart = end - windowHours;
  let total = 0, recent = 0, weekHours = 0, weekTraffic = 0, recentHours = 0, first = -1;
  let beforeHours = 0, beforeTraffic = 0;
  for (let i = Math.max(0, weekStart - 2 * span); i < Math.min(end, limit); i++) {
    const c = checkedCount(counts, i), t = traffic === undefined ? 0 : checkedTraffic(traffic, i);
    if (i < weekStart) {
      if (c > 0) return undefined;
      beforeHours++;
      beforeTraffic += t;
      continue;
    }
    total += c;
    weekHours++;
    weekTraffic += t;
    if (c > 0 && first < 0) first = i;
    if (i >= recentStart) [recent, recentHours] = [recent + c, recentHours + 1];
  }
  if (beforeHours < span || recent === 0) return undefined;
  const burst = densestBurst(counts, Math.max(0, weekStart), Math.min(end, limit)).sum;
  if (burst >= CONCENTRATION * total) return undefined;
  const byTraffic = traffic !== undefined && beforeTraffic > 0 && weekTraffic > 0;
  const share = byTraffic
    ? weekTraffic / (weekTraffic + beforeTraffic)
    : weekHours / (weekHours + beforeHours);
  const p = binomialUpperTail(total, total, share) / NEW_WEIGHT;
  if (!(p < alpha)) return undefined;
  // Still occurring: not clearly fewer in the latest window than its share of the hours since it came.
  const earlierHours = recentStart - first;
  const recentRate = recent / recentHours;
  if (
    earlierHours > 0 &&
    recentRate < (total - recent) / earlierHours / minFallRatio &&
    binomialLowerTail(recent, total, recentHours / (recentHours + earlierHours)) < STOPPED_P
  ) return undefined;
  const age = end - first;
  return {
    class: "emerging",
    reason: `new in the last ${hoursText(span)}: ${total} occurrences since it first came ${
      hoursText(age >= 48 ? Math.floor(age / 24) * 24 : age)
    } ago, none in the ${hoursText(2 * span)} before; ${recent} in the last ${
      hoursText(windowHours)
    }, ${formatP(p)}`,
    ratio: Infinity,
    pValue: Math.min(1, p),
    recentRate,
    baselineRate: 0,
    dispersion: 1,
  };
}

/** The largest sum of `BURST_HOURS` consecutive values in `[from, to)`, and where its hours end. */
function densestBurst(
  values: ArrayLike<number>,
  from: number,
  to: number,
): { sum: number; end: number } {
  let sum = 0, run = 0, end = from;
  for (let i = from; i < to; i++) {
    run += values[i]! - (i - BURST_HOURS >= from ? values[i - BURST_HOURS]! : 0);
    if (run > sum) [sum, end] = [run, i + 1];
  }
  return { sum, end };
}

function checkedCount(counts: readonly number[], i: number): number {
  const c = counts[i] as number;
  if (!(c >= 0 && c < Infinity)) throw new RangeError(`counts[${i}] must be a finite number ≥ 0`);
  return c;
}

function checkedTraffic(traffic: readonly number[], i: number): number {
  const t = traffic[i] as number;
  if (!(t >= 0 && t < Infinity)) throw new RangeError(`traffic[${i}] must be a finite number ≥ 0`);
  return t;
}

function mod24(n: number): number {
  return ((n % 24) + 24) % 24;
}

function hoursText(n: number): string {
  if (n >= 48 && n % 24 === 0) return `${n / 24} days`;
  return n === 1 ? "hour" : `${n} hours`;
}

/** Where the part [from, to) of a window of `windowHours` hours lies, in words. */
function windowText(from: number, to: number, windowHours: number): string {
  if (to === windowHours) return `over the last ${hoursText(to - from)}`;
  const length = to - from, ago = windowHours - to;
  return `during ${length === 1 ? "1 hour" : `${length} hours`} ending ${
    ago === 1 ? "1 hour" : `${ago} hours`
  } ago`;
}

function ratioText(r: number): string {
  if (r === Infinity) return "×∞";
  if (r >= 10) return `×${r.toFixed(0)}`;
  if (r >= 1) return `×${r.toFixed(1)}`;
  return `×${r.toFixed(2)}`;
}

/** A p-value in words: an upper bound when small, two digits otherwise. */
export function formatP(p: number): string {
  if (p < 1e-12) return "p < 1e-12";
  if (p < 1e-9) return "p < 1e-9";
  if (p < 1e-6) return "p < 1e-6";
  if (p < 0.001) return "p < 0.001";
  if (p < 0.01) return "p < 0.01";
  return `p = ${Number(Math.min(1, p).toPrecision(2))}`;
}
