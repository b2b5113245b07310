/** Timestamps as real logs write them, to epoch milliseconds. */

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

export function monthIndex(name: string): number | undefined {
  return MONTHS[name.slice(0, 3).toLowerCase()];
}

const ISO_LIKE =
  /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:[.,](\d{1,9}))?)?\s*(Z|[+-]\d{2}:?\d{2}|UTC|GMT)?$/i;

/**
 * ISO 8601 and its log-file variants (`2024-03-01 12:00:01,123`); no zone
 * means UTC. Returns undefined when the text is not such a time or the date
 * does not exist.
 */
export function parseIsoLike(text: string): number | undefined {
  const fast = parseCanonicalUtc(text);
  if (fast !== undefined) return fast;
  const m = ISO_LIKE.exec(text.trim());
  if (m === null) return undefined;
  const [, y, mo, d, h, mi, s, fraction, zone] = m;
  const month = Number(mo) - 1;
  const millis = fraction === undefined ? 0 : Number(fraction.slice(0, 3).padEnd(3, "0"));
  const utc = Date.UTC(Number(y), month, Number(d), Number(h), Number(mi), Number(s ?? 0), millis);
  const date = new Date(utc);
  if (
    date.getUTCMonth() !== month || date.getUTCDate() !== Number(d) || Number(h) > 23 ||
    Number(mi) > 59
  ) {
    return undefined;
  }
  return utc - zoneOffsetMinutes(zone) * 60_000;
}

/**
 * `2026-03-01T10:00:00.123Z`, what most structured loggers write: V8's own
 * parser is several times faster than the general pattern. It rolls
 * impossible days over (Feb 30 → Mar 2), hence the day check.
 */
function parseCanonicalUtc(text: string): number | undefined {
  const n = text.length;
  if (
    n < 20 || n > 30 || text.charCodeAt(10) !== 84 || text.charCodeAt(n - 1) !== 90 ||
    text.charCodeAt(4) !== 45
  ) {
    return undefined;
  }
  const millis = Date.parse(text);
  if (Number.isNaN(millis)) return undefined;
  const day = (text.charCodeAt(8) - 48) * 10 + text.charCodeAt(9) - 48;
  return new Date(millis).getUTCDate() === day ? millis : undefined;
}

function zoneOffsetMinutes(zone: string | undefined): number {
  if (zone === undefined || /^(z|utc|gmt)$/i.test(zone)) return 0;
  const sign = zone.startsWith("-") ? -1 : 1;
  const digits = zone.slice(1).replace(":", "");
  return sign * (Number(digits.slice(0, 2)) * 60 + Number(digits.slice(2, 4)));
}

/** Epoch seconds, milliseconds, microseconds or nanoseconds, told apart by magnitude. */
export function fromEpochNumber(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  if (value < 1e11) return Math.round(value * 1000);
  if (value < 1e14) return Math.round(value);
  if (value < 1e17) return Math.round(value / 1000);
  return Math.round(value / 1e6);
}

/** Any time value a structured record may carry. */
export function parseTimeValue(value: unknown): number | undefined {
  if (typeof value === "number") return fromEpochNumber(value);
  if (typeof value !== "string") return undefined;
  const text = value.trim();
  if (/^\d+(\.\d+)?$/.test(text)) return fromEpochNumber(Number(text));
  const iso = parseIsoLike(text);
  if (iso !== undefined) return iso;
  // RFC 2822 and other forms Date understands; only with an explicit year.
  if (/\d{4}/.test(text) && /[a-z]{3}/i.test(text)) {
    const parsed = Date.parse(text);
    if (!Number.isNaN(parsed)) return parsed;
  }
  return undefined;
}

/**
 * A time without a year (`Oct 11 22:14:15`): the year that puts it closest to
 * the reference time without being more than a day after it.
 */
export function withInferredYear(
  month: number,
  day: number,
  h: number,
  m: number,
  s: number,
  ms: number,
  reference: number,
): number | undefined {
  const year = new Date(reference).getUTCFullYear();
  for (const candidate of [year + 1, year, year - 1]) {
    const t = Date.UTC(candidate, month, day, h, m, s, ms);
    if (new Date(t).getUTCDate() !== day) continue;
    if (t <= reference + 86_400_000) return t;
  }
  return undefined;
}
