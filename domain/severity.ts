/**
 * Severity as OpenTelemetry defines it: a number 1-24 in six ranges, and the
 * short text of its range. 0 means the source did not say.
 */
export type SeverityText =
  | "UNSPECIFIED"
  | "TRACE"
  | "DEBUG"
  | "INFO"
  | "WARN"
  | "ERROR"
  | "FATAL";

/** A severity: the OpenTelemetry number (0 = unspecified) and its range's text. */
export interface Severity {
  /** 1-24; 0 when the source did not say. */
  readonly number: number;
  /** The text of the number's range. */
  readonly text: SeverityText;
}

export const SEVERITY_TEXTS: readonly SeverityText[] = [
  "TRACE",
  "DEBUG",
  "INFO",
  "WARN",
  "ERROR",
  "FATAL",
];

const RANGE_START: Record<SeverityText, number> = {
  UNSPECIFIED: 0,
  TRACE: 1,
  DEBUG: 5,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
  FATAL: 21,
};

/**
 * The text of the OpenTelemetry range a severity number falls in.
 *
 * @example
 * ```ts
 * import { severityTextOf } from "./severity.ts";
 * import assert from "node:assert/strict";
 * assert.equal(severityTextOf(17), "ERROR");
 * assert.equal(severityTextOf(0), "UNSPECIFIED");
 * ```
 */
export function severityTextOf(severityNumber: number): SeverityText {
  if (!(severityNumber >= 1)) return "UNSPECIFIED";
  if (severityNumber < 5) return "TRACE";
  if (severityNumber < 9) return "DEBUG";
  if (severityNumber < 13) return "INFO";
  if (severityNumber < 17) return "WARN";
  if (severityNumber < 21) return "ERROR";
  return "FATAL";
}

export function severityFromNumber(severityNumber: number): Severity {
  const clamped = Math.max(0, Math.min(24, Math.trunc(severityNumber)));
  return { number: clamped, text: severityTextOf(clamped) };
}

// Names real systems write (log4j, syslog, Python, Go, .NET, bunyan...), mapped
// onto the OpenTelemetry ranges. NOTICE sits above INFO as syslog intends.
const SEVERITY_NAMES: Record<string, number> = {
  trace: 1,
  finest: 1,
  finer: 2,
  verbose: 3,
  debug: 5,
  fine: 5,
  dbug: 5,
  config: 7,
  info: 9,
  information: 9,
  informational: 9,
  notice: 10,
  i: 9,
  d: 5,
  w: 13,
  e: 17,
  f: 21,
  warn: 13,
  warning: 13,
  wrn: 13,
  error: 17,
  err: 17,
  severe: 17,
  eror: 17,
  critical: 21,
  crit: 21,
  alert: 22,
  fatal: 21,
  emerg: 23,
  emergency: 23,
  panic: 23,
};

/**
 * Reads a severity a log line states in words (`WARN`, `warning`, `E`) or as
 * an OpenTelemetry number; `undefined` when it is not a severity.
 *
 * @example
 * ```ts
 * import { parseSeverity } from "./severity.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseSeverity("warning"), { number: 13, text: "WARN" });
 * ```
 */
export function parseSeverity(value: unknown): Severity | undefined {
  if (typeof value === "number") {
    return value >= 1 && value <= 24 ? severityFromNumber(value) : undefined;
  }
  if (typeof value !== "string") return undefined;
  const key = value.trim().toLowerCase();
  const named = SEVERITY_NAMES[key];
  if (named !== undefined) return severityFromNumber(named);
  if (/^\d{1,2}$/.test(key)) return parseSeverity(Number(key));
  return undefined;
}

/** Syslog severities 0 (emergency) to 7 (debug) as OpenTelemetry numbers. */
export function severityFromSyslog(code: number): Severity {
  const byCode = [23, 22, 21, 17, 13, 10, 9, 5];
  return severityFromNumber(byCode[code] ?? 0);
}

export function severityRangeStart(text: SeverityText): number {
  return RANGE_START[text];
}

export const UNSPECIFIED_SEVERITY: Severity = { number: 0, text: "UNSPECIFIED" };
