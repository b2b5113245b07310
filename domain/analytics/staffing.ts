/**
 * How many tickets will come in, per day and shift: the same weekday and
 * shift averaged over the recent weeks of history (weekly seasonality), plus
 * what emerging issues will still bring.
 *
 * @module
 */

const HOUR_MS = 3_600_000;
const DAY_MS = 86_400_000;
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
