/**
 * Timestamps as real logs write them, to epoch milliseconds. Every parser
 * here returns `undefined` for text that is not such a time or names a date
 * that does not exist (`2024-02-30`), so callers can say which.
 *
 * @module
 */

const MONTHS: Record<string, number> = {
  jan: 0,
  feb: 1,
  mar: 2,
  apr: 3,
  may: 4,
  jun: 5,
  jul: 6,
  aug: 7,
  sep: 8,
  oct: 9,
  nov: 10,
  dec: 11,
};

/** 0-based month of an English month name or its three-letter abbreviation. */
export function monthIndex(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

/** Milliseconds in an hour. */
export const HOUR_MS = 3_600_000;

/** Milliseconds in a UTC day (no leap seconds in epoch time). */
export const DAY_MS = 24 * HOUR_MS;

/** Epoch ms of a UTC calendar time, or undefined when the date does not exist. */
export function utcTime(
  year: number,
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
): number | undefined {
  if (month < 0 || month > 11 || day < 1 || day > daysIn(year, month)) return undefined;
  // A leap second (60) is kept as the last moment of its minute.
  if (hour > 23 || minute > 59 || second > 60) return undefined;
  const ms = second === 60 ? 59_999 : second * 1000 + millis;
  return daysFromCivil(year, month + 1, day) * DAY_MS + hour * 3_600_000 + minute * 60_000 + ms;
}

/** Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm). */
function daysFromCivil(year: number, month: number, day: number): number {
  const y = month <= 2 ? year - 1 : year;
  const era = Math.floor(y / 400);
  const yearOfEra = y - era * 400;
  const dayOfYear = Math.floor((153 * (month + (month > 2 ? -3 : 9)) + 2) / 5) + day - 1;
  const dayOfEra = yearOfEra * 365 + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100) +
    dayOfYear;
  return era * 146_097 + dayOfEra - 719_468;
}

/** A proleptic Gregorian date: `month` from 1 (January) to 12. */
export interface CivilDate {
  readonly year: number;
  readonly month: number;
  readonly day: number;
}

/** The date `days` days after 1970-01-01: the inverse of `daysFromCivil`. */
export function civilFromDays(days: number): CivilDate {
  // In 400-year eras starting in March (H. Hinnant, "chrono-compatible low-level date algorithms").
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const dayOfEra = z - era * 146_097;
  const yearOfEra = Math.floor(
    (dayOfEra - Math.floor(dayOfEra / 1460) + Math.floor(dayOfEra / 36_524) -
      Math.floor(dayOfEra / 146_096)) / 365,
  );
  const dayOfYear = dayOfEra -
    (365 * yearOfEra + Math.floor(yearOfEra / 4) - Math.floor(yearOfEra / 100));
  const marchMonth = Math.floor((5 * dayOfYear + 2) / 153);
  const day = dayOfYear - Math.floor((153 * marchMonth + 2) / 5) + 1;
  const month = marchMonth < 10 ? marchMonth + 3 : marchMonth - 9;
  return { year: yearOfEra + era * 400 + (month <= 2 ? 1 : 0), month, day };
}

function daysIn(year: number, month: number): number {
  if (month === 1) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return month === 3 || month === 5 || month === 8 || month === 10 ? 30 : 31;
}

/** The number in `text[at, at + count)` when those are all ASCII digits, else -1. */
function digitsAt(text: string, at: number, count: number): number {
  let value = 0;
  for (let i = at; i < at + count; i++) {
    const d = text.charCodeAt(i) - 48;
    if (!(d >= 0 && d <= 9)) return -1;
    value = value * 10 + d;
  }
  return value;
}

/** A time read from the start of some text, and where it ends. */
export interface ScannedTime {
  readonly time: number;
  /** Index just after the time (and its zone, when it has one). */
  readonly end: number;
}

/**
 * ISO 8601 and its log-file variants: `2024-03-01T12:00:01.123Z`,
 * `2024-03-01 12:00:01,123`, `2024-03-01T12:00:01+02:00`, `2024-03-01`,
 * `2024/03/01 12:00:01`.
 * No zone means UTC. Read character by character: this runs for nearly every
 * record, and is several times faster than a regular expression and Date.
 *
 * @example
 * ```ts
 * import { parseIsoLike } from "./time.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseIsoLike("2024-03-01 12:00:01,123"), Date.UTC(2024, 2, 1, 12, 0, 1, 123));
 * assert.equal(parseIsoLike("2024-03-01T12:00:01+02:00"), Date.UTC(2024, 2, 1, 10, 0, 1));
 * assert.equal(parseIsoLike("2024-02-30T00:00:00Z"), undefined);
 * ```
 */
export function parseIsoLike(text: string): number | undefined {
  const scanned = scanIsoTime(text, 0);
  if (scanned === undefined) return undefined;
  let end = scanned.end;
  while (end < text.length && text.charCodeAt(end) === 32) end++;
  return end === text.length ? scanned.time : undefined;
}

/**
 * An ISO 8601 time at `at`, followed by anything: the header of a text log
 * line. A date alone counts only when nothing or a space follows it.
 */
export function scanIsoTime(text: string, at: number): ScannedTime | undefined {
  const n = text.length;
  const dash = text.charCodeAt(at + 4);
  // `2024/03/01 12:00:01` is Go's log package and nginx's error log.
  if (n - at < 10 || (dash !== 45 && dash !== 47) || text.charCodeAt(at + 7) !== dash) {
    return undefined;
  }
  const year = digitsAt(text, at, 4);
  const month = digitsAt(text, at + 5, 2);
  const day = digitsAt(text, at + 8, 2);
  if (year < 0 || month < 0 || day < 0) return undefined;
  const separator = text.charCodeAt(at + 10);
  // T, t or a space between date and time.
  const timeFollows = (separator === 84 || separator === 116 || separator === 32) &&
    text.charCodeAt(at + 13) === 58;
  if (!timeFollows) {
    if (at + 10 < n && separator !== 32) return undefined;
    const time = utcTime(year, month - 1, day, 0, 0, 0, 0);
    return time === undefined ? undefined : { time, end: at + 10 };
  }
  const hour = digitsAt(text, at + 11, 2);
  const minute = digitsAt(text, at + 14, 2);
  if (hour < 0 || minute < 0) return undefined;
  let i = at + 16;
  let second = 0;
  let millis = 0;
  if (text.charCodeAt(i) === 58) {
    second = digitsAt(text, i + 1, 2);
    if (second < 0) return undefined;
    i += 3;
    const mark = text.charCodeAt(i);
    if (mark === 46 || mark === 44) {
      const start = ++i;
      while (i < n && i - start < 9) {
        const d = text.charCodeAt(i) - 48;
        if (!(d >= 0 && d <= 9)) break;
        if (i - start < 3) millis = millis * 10 + d;
        i++;
      }
      if (i === start) return undefined;
      for (let k = i - start; k < 3; k++) millis *= 10;
    }
  }
  const time = utcTime(year, month - 1, day, hour, minute, second, millis);
  if (time === undefined) return undefined;
  const zone = scanZone(text, i);
  return zone === undefined
    ? { time, end: i }
    : { time: time - zone.minutes * 60_000, end: zone.end };
}

/**
 * A zone right after a time: `Z`, `+02:00`, `+0200`, `+02`, or after one
 * space `+02:00`, `UTC`, `GMT`. Whatever follows must not continue a word.
 */
function scanZone(text: string, at: number): { minutes: number; end: number } | undefined {
  let i = at;
  const spaced = text.charCodeAt(i) === 32;
  if (spaced) i++;
  const first = text.charCodeAt(i);
  if (!spaced && (first === 90 || first === 122)) {
    return endsWord(text, i + 1) ? { minutes: 0, end: i + 1 } : undefined;
  }
  if (first === 43 || first === 45) {
    const hours = digitsAt(text, i + 1, 2);
    if (hours < 0 || hours > 23) return undefined;
    let minutes = 0;
    let end = i + 3;
    if (text.charCodeAt(end) === 58) {
      minutes = digitsAt(text, end + 1, 2);
      end += 3;
    } else if (digitsAt(text, end, 2) >= 0) {
      minutes = digitsAt(text, end, 2);
      end += 2;
    }
    if (minutes < 0 || minutes > 59 || !endsWord(text, end)) return undefined;
    return { minutes: (first === 45 ? -1 : 1) * (hours * 60 + minutes), end };
  }
  if (spaced) {
    const name = text.slice(i, i + 3).toUpperCase();
    if ((name === "UTC" || name === "GMT") && endsWord(text, i + 3)) {
      return { minutes: 0, end: i + 3 };
    }
  }
  return undefined;
}

function endsWord(text: string, at: number): boolean {
  if (at >= text.length) return true;
  const c = text.charCodeAt(at);
  return !((c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || c === 95);
}

/**
 * Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by
 * magnitude: seconds up to 1e11 (year 5138), milliseconds up to 1e14, and so on.
 */
export function fromEpochNumber(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return Math.round(value * 1000);
  if (value < 1e14) return Math.round(value);
  if (value < 1e17) return Math.round(value / 1000);
  return Math.round(value / 1e6);
}

const EPOCH_TEXT = /^\d+(?:\.\d+)?$/;

/**
 * Any time value a structured record may carry: ISO 8601 text, an epoch
 * number or numeric string, or a date with a month name and a year
 * (`Fri, 01 Mar 2024 12:00:01 GMT`).
 *
 * @example
 * ```ts
 * import { parseTimeValue } from "./time.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseTimeValue(1709294401), 1709294401000);
 * assert.equal(parseTimeValue("1709294401123"), 1709294401123);
 * assert.equal(parseTimeValue("2024-03-01T12:00:01Z"), 1709294401000);
 * ```
 */
export function parseTimeValue(value: unknown): number | undefined {
  if (typeof value === "number") return fromEpochNumber(value);
  if (typeof value !== "string") return undefined;
  const iso = parseIsoLike(value);
  if (iso !== undefined) return iso;
  const text = value.trim();
  if (text !== value) return parseTimeValue(text);
  if (EPOCH_TEXT.test(text)) return fromEpochNumber(Number(text));
  // RFC 2822 and the like: only with a month name and a year, since Date.parse
  // accepts nearly anything ("1", "x 2") as some date.
  if (/\b\d{4}\b/.test(text) && monthName(text)) {
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return undefined;
}

function monthName(text: string): boolean {
  for (const word of text.match(/[A-Za-z]{3,}/g) ?? []) {
    if (monthIndex(word) !== undefined) return true;
  }
  return false;
}

/**
 * A time without a year (`Oct 11 22:14:15`): the year that puts it closest to
 * the reference time without being more than a day after it.
 *
 * @example
 * ```ts
 * import { withInferredYear } from "./time.ts";
 * import assert from "node:assert/strict";
 * // A December line read on the 2nd of January belongs to the year before.
 * const reference = Date.UTC(2025, 0, 2);
 * assert.equal(withInferredYear(11, 31, 23, 59, 0, 0, reference), Date.UTC(2024, 11, 31, 23, 59));
 * ```
 */
export function withInferredYear(
  month: number,
  day: number,
  hour: number,
  minute: number,
  second: number,
  millis: number,
  reference: number,
): number | undefined {
  const year = new Date(reference).getUTCFullYear();
  // Feb 29 may need to go back up to eight years to find a leap year.
  for (let candidate = year + 1; candidate >= year - 8; candidate--) {
    const time = utcTime(candidate, month, day, hour, minute, second, millis);
    if (time !== undefined && time <= reference + DAY_MS) return time;
  }
  return undefined;
}
