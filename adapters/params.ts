/** Query parameters and flags the edges (HTTP routes, CLI) share, parsed the same way everywhere. */
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
