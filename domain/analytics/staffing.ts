/**
 * How many tickets will come in, per day and shift: the same weekday and
 * shift averaged over the recent weeks of history (weekly seasonality), plus
 * what emerging issues will still bring.
 *
 * @module
 */

import { DAY_MS, HOUR_MS } from "../time.ts";
const WEEK_MS = 7 * DAY_MS;
/** Recent weeks averaged: enough to smooth a week's noise, few enough to follow a trend. */
const WEEKS = 8;
export const SHIFTS = [
  { name: "night", fromHour: 0, toHour: 8 },
  { name: "day", fromHour: 8, toHour: 16 },
  { name: "evening", fromHour: 16, toHour: 24 },
] as const;

export interface ShiftForecast {
  /** Start of the day, epoch ms (UTC). */
  readonly day: number;
  readonly shift: (typeof SHIFTS)[number]["name"];
  readonly from: number;
  readonly to: number;
  /** Tickets expected from the weekly pattern. */
  readonly seasonal: number;
  /** Weeks of history the seasonal figure averages. */
  readonly weeks: number;
}

/**
 * Expected tickets per shift of every day in [from, to), from the open times
 * before `asOf` only.
 *
 * @example
 * ```ts
 * import { forecastShifts } from "./staffing.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * // One ticket every morning at 09:00 for four weeks.
 * const opens = Array.from({ length: 28 }, (_, i) => i * day + 9 * 3_600_000);
 * const next = forecastShifts(opens, 28 * day, 28 * day, 29 * day);
 * assert.deepEqual(next.map((s) => s.seasonal), [0, 1, 0]);
 * ```
 */
export function forecastShifts(
  openedAt: readonly number[],
  asOf: number,
  from: number,
  to: number,
): ShiftForecast[] {
  const known = openedAt.filter((t) => t < asOf);
  const first = known.length === 0 ? asOf : Math.min(...known);
  const out: ShiftForecast[] = [];
  for (let day = Math.floor(from / DAY_MS) * DAY_MS; day < to; day += DAY_MS) {
    for (const shift of SHIFTS) {
      const start = day + shift.fromHour * HOUR_MS;
      const end = day + shift.toHour * HOUR_MS;
      let weeks = 0;
      let count = 0;
      // The same shift one, two, ... weeks before, as long as history covers it and it is past.
      for (let back = Math.ceil((start - asOf + 1) / WEEK_MS); weeks < WEEKS; back++) {
        const s = start - Math.max(1, back) * WEEK_MS;
        if (back < 1) continue;
        if (s + (end - start) > asOf) continue;
        if (s < first - (end - start)) break;
        weeks++;
        for (const t of known) if (t >= s && t < s + (end - start)) count++;
      }
      out.push({
        day,
        shift: shift.name,
        from: start,
        to: end,
        seasonal: weeks === 0 ? 0 : count / weeks,
        weeks,
      });
    }
  }
  return out;
}

/**
 * Tickets an issue will still bring: of the customers it hits, those who have
 * not filed yet, times the share of hit customers who file on such issues.
 */
export function emergingTickets(
  customersHit: number,
  customersFiled: number,
  filingShare: number,
): number {
  return Math.max(0, customersHit - customersFiled) * Math.min(1, Math.max(0, filingShare));
}

/** Emerging issues' tickets are expected over this many days after the forecast is made. */
export const EMERGING_DAYS = 3;

/** A customer an issue hit, per its logs, and when that customer first filed on it. */
export interface CustomerHitFact {
  readonly issue: string;
  readonly customer: string;
  /** When the customer's logs first showed the issue. */
  readonly firstSeen: number;
  /** When the customer first opened a ticket on it; null if never. */
  readonly filedAt: number | null;
}

export interface EmergingForecast {
  readonly issue: string;
  readonly customersHit: number;
  readonly customersFiled: number;
  /** Hit in the last `EMERGING_DAYS` and not filed yet: who may still file. */
  readonly customersPending: number;
  readonly expectedTickets: number;
}

/** Customers first hit longer ago than this say nothing about how today's issues are filed. */
const COHORT_DAYS = 28;
/** A weak prior for the filing share: one in ten hit customers, worth ten customers of evidence. */
const PRIOR_SHARE = 0.1;
const PRIOR_WEIGHT = 10;

/**
 * The tickets issues will still bring in the next `EMERGING_DAYS`: the
 * customers they hit in the last `EMERGING_DAYS` who have not filed yet,
 * times the share of customers hit earlier (up to 4 weeks back, across
 * issues) who filed. A customer hit weeks ago who never filed is not
 * expected to file now; an issue still spreading to new customers is.
 *
 * @example
 * ```ts
 * import { emergingIssues } from "./staffing.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const hits = [
 *   // Ten customers hit a week ago, half of whom filed.
 *   ...Array.from({ length: 10 }, (_, i) => ({
 *     issue: "old", customer: `c${i}`, firstSeen: 3 * day, filedAt: i < 5 ? 4 * day : null,
 *   })),
 *   // Twenty customers hit yesterday, one of whom filed.
 *   ...Array.from({ length: 20 }, (_, i) => ({
 *     issue: "new", customer: `d${i}`, firstSeen: 9 * day, filedAt: i === 0 ? 9.5 * day : null,
 *   })),
 * ];
 * const [only] = emergingIssues(hits, 10 * day);
 * assert.equal(only!.issue, "new");
 * assert.equal(only!.customersPending, 19);
 * assert.ok(only!.expectedTickets > 4 && only!.expectedTickets < 10);
 * ```
 */
export function emergingIssues(
  hits: readonly CustomerHitFact[],
  asOf: number,
): EmergingForecast[] {
  const recentFrom = asOf - EMERGING_DAYS * DAY_MS;
  let cohort = 0;
  let cohortFiled = 0;
  const byIssue = new Map<string, { hit: number; filed: number; pending: number }>();
  for (const h of hits) {
    const filed = h.filedAt !== null && h.filedAt < asOf;
    const seen = h.firstSeen < asOf;
    if (!seen && !filed) continue;
    const issue = byIssue.get(h.issue) ?? { hit: 0, filed: 0, pending: 0 };
    if (seen) issue.hit++;
    if (filed) issue.filed++;
    if (seen && !filed && h.firstSeen >= recentFrom) issue.pending++;
    byIssue.set(h.issue, issue);
    if (seen && h.firstSeen < recentFrom && h.firstSeen >= asOf - COHORT_DAYS * DAY_MS) {
      cohort++;
      if (filed) cohortFiled++;
    }
  }
  const filingShare = (cohortFiled + PRIOR_SHARE * PRIOR_WEIGHT) / (cohort + PRIOR_WEIGHT);
  return [...byIssue]
    .map(([issue, f]) => ({
      issue,
      customersHit: Math.max(f.hit, f.filed),
      customersFiled: f.filed,
      customersPending: f.pending,
      expectedTickets: f.pending * filingShare,
    }))
    .filter((e) => e.expectedTickets > 0)
    .sort((a, b) => b.expectedTickets - a.expectedTickets || (a.issue < b.issue ? -1 : 1));
}

/** Of `expectedTickets` spread evenly over the `EMERGING_DAYS` after `asOf`, those in [from, to). */
export function emergingInWindow(
  expectedTickets: number,
  asOf: number,
  from: number,
  to: number,
): number {
  const until = asOf + EMERGING_DAYS * DAY_MS;
  const overlap = Math.max(0, Math.min(to, until) - Math.max(from, asOf));
  return (expectedTickets * overlap) / (EMERGING_DAYS * DAY_MS);
}
