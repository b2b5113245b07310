/**
 * Trend classification of a signature's hourly occurrences: emerging,
 * spiking, resolving, stable, new or quiet, with a seasonality- and
 * traffic-aware conditional (beta-)binomial test that is robust to bursty counts. Pure.
 *
 * @example
 * ```ts
 * import { classifyTrend } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const start = Date.UTC(2025, 0, 1);
 * const counts = new Array(24 * 8).fill(3);
 * assert.equal(classifyTrend({ start, counts }, { now: start + 24 * 8 * 3_600_000 }).class, "stable");
 * ```
 *
 * @module
 */
export { binomialLowerTail, binomialUpperTail, conditionalTail } from "./statistics.ts";
export {
  classifyTrend,
  formatP,
  type HourlySeries,
  TREND_HISTORY_HOURS,
  type TrendClass,
  type TrendOptions,
  type TrendVerdict,
} from "./classify.ts";
export {
  compareVersions,
  type VersionRate,
  type VersionVerdict,
  versionVerdict,
} from "./versions.ts";
