/** Values the edges (HTTP routes, CLI) share, in queries and bodies, parsed the same way everywhere. */
import { z } from "zod";
import { parseSeverity } from "../domain/severity.ts";

/** An ISO 8601 time or epoch milliseconds, as epoch milliseconds. */
export const timeParam = z.string().transform((value, ctx) => {
  const millis = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (Number.isNaN(millis)) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not an ISO 8601 time or epoch milliseconds`,
    });
    return z.NEVER;
  }
  return millis;
});

/** A severity name (TRACE ... FATAL, or an alias), as its OpenTelemetry number. */
export const severityParam = z.string().transform((value, ctx) => {
  const severity = parseSeverity(value);
  if (severity === undefined) {
    ctx.addIssue({
      code: "custom",
      message: `"${value}" is not a severity (TRACE, DEBUG, INFO, WARN, ERROR, FATAL)`,
    });
    return z.NEVER;
  }
  return severity.number;
});

/** A name or id a person gives: 1 to 200 characters, trimmed. */
export const label = z.string().trim().min(1).max(200);

/** Who and what a pushed batch is about, as both ingest routes (text and OTLP) read the query. */
export const ingestLabels = {
  customer: label.optional(),
  environment: label.optional(),
  service: label.optional(),
  version: label.optional(),
  source: label.optional(),
};

/** A century: the furthest ahead a time may lie (a typo in the year, not a plan). */
const CENTURY_MS = 100 * 365.25 * 86_400_000;

/** A time in a JSON body: epoch milliseconds, or the text `timeParam` takes, from 1970 to a century ahead. */
export const bodyTime = z.union([z.number().int(), z.string().max(100).pipe(timeParam)]).refine(
  (millis) => millis >= 0 && millis <= Date.now() + CENTURY_MS,
  { message: "the time is outside 1970-01-01 .. 100 years from now" },
);
