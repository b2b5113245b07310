/**
 * Issue detection: when a signature becomes something support should know
 * about. Pure: the facts of one signature in one hour come in, a verdict
 * goes out.
 *
 * @module
 */
import { binomialUpperTail, formatP } from "../trends/mod.ts";
import { DAY_MS, HOUR_MS } from "../time.ts";

/** WARN and above can be issues; INFO and DEBUG are how systems talk. */
export const ISSUE_MIN_SEVERITY = 13;
/** A new WARN needs this many lines in its first hour; a new ERROR or FATAL needs one. */
const NEW_WARN_MIN_LINES = 5;
/** History the store must hold before a first sighting counts as new rather than as the start of the data. */
export const NEW_AFTER_MS = DAY_MS;
/** A surge needs at least this many lines in the hour... */
const SURGE_MIN_LINES = 10;
/** ...at least this many times the baseline's hourly rate... */
export const SURGE_RATIO = 5;
/** ...with at least this much baseline to compare against... */
const SURGE_MIN_BASELINE_HOURS = 24;
/** ...and this unlikely under the baseline rate. */
const SURGE_ALPHA = 1e-6;
/** Hours of baseline a surge is measured against. */
export const BASELINE_HOURS = 7 * 24;

export interface HourFacts {
  readonly severityNumber: number;
  /** Start of the hour examined. */
  readonly hour: number;
  /** Lines of the signature in that hour. */
  readonly count: number;
  /** Lines in the baseline hours before it, and how many of them the store covers. */
  readonly baselineCount: number;
  readonly baselineHours: number;
  /** First line of the signature ever. */
  readonly firstSeen: number;
  /** First record of any kind in the store. */
  readonly dataSince: number;
}

export interface Detection {
  readonly kind: "new" | "surge";
  readonly reason: string;
  /** The hour's rate against the baseline's (Infinity for a new signature). */
  readonly ratio: number;
  readonly pValue: number;
}

/**
 * A new signature (first seen after a day of data without it), or a surge
 * of an existing one well above its own last week; null otherwise.
 *
 * @example
 * ```ts
 * import { detectIssue } from "./detect.ts";
 * import assert from "node:assert/strict";
 * const hour = 3_600_000;
 * const surge = detectIssue({
 *   severityNumber: 17, hour: 200 * hour, count: 60, baselineCount: 168, baselineHours: 168,
 *   firstSeen: 0, dataSince: 0,
 * });
 * assert.equal(surge?.kind, "surge");
 * assert.equal(surge?.reason, "surge: 60 lines in one hour, ×60 its rate over the previous 7 days (p < 1e-12)");
 * ```
 */
export function detectIssue(facts: HourFacts): Detection | null {
  if (facts.severityNumber < ISSUE_MIN_SEVERITY || facts.count === 0) return null;
  const firstHour = Math.floor(facts.firstSeen / HOUR_MS) * HOUR_MS;
  if (facts.baselineCount === 0 && firstHour === facts.hour) {
    if (facts.firstSeen - facts.dataSince < NEW_AFTER_MS) return null;
    if (facts.severityNumber < 17 && facts.count < NEW_WARN_MIN_LINES) return null;
    return {
      kind: "new",
      reason: `new: first seen after ${
        Math.floor((facts.firstSeen - facts.dataSince) / DAY_MS * 10) / 10
      } days of data without it`,
      ratio: Infinity,
      pValue: 0,
    };
  }
  if (facts.count < SURGE_MIN_LINES || facts.baselineHours < SURGE_MIN_BASELINE_HOURS) return null;
  const usual = facts.baselineCount / facts.baselineHours;
  const ratio = facts.count / Math.max(usual, 1 / facts.baselineHours);
  if (ratio < SURGE_RATIO) return null;
  // Given the lines of the hour and its baseline together, the hour's share
  // is Binomial(N, 1/(hours + 1)) when nothing changed.
  const pooled = facts.count + facts.baselineCount;
  const pValue = binomialUpperTail(facts.count, pooled, 1 / (facts.baselineHours + 1));
  if (pValue >= SURGE_ALPHA) return null;
  const days = Math.round(facts.baselineHours / 24 * 10) / 10;
  return {
    kind: "surge",
    reason: `surge: ${facts.count} lines in one hour, ×${
      ratio >= 10 ? Math.round(ratio) : ratio.toFixed(1)
    } its rate over the previous ${days} days (${formatP(pValue)})`,
    ratio,
    pValue,
  };
}
