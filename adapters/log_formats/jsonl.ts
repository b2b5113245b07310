import type { ParsedLog } from "../../domain/log_record.ts";
import { recordFromFields } from "./fields.ts";
import { lineParser, type RecordParser } from "./format.ts";

/**
 * One JSON object per line (NDJSON), with the field names of the common
 * structured loggers: pino, bunyan, logrus, zap, slog, ECS, OpenTelemetry.
 */
export function jsonLinesParser(): RecordParser {
  return lineParser(parseJsonLine);
}

/**
 * One JSON line as a record, or why it is not one.
 *
 * @example
 * ```ts
 * import { parseJsonLine } from "./jsonl.ts";
 * import assert from "node:assert/strict";
 * assert.equal(parseJsonLine("[1, 2]"), "JSON line is not an object (found an array)");
 * ```
 */
export function parseJsonLine(text: string): ParsedLog | string {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Cannot parse JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `JSON line is not an object (found ${
      Array.isArray(value) ? "an array" : value === null ? "null" : `a ${typeof value}`
    })`;
  }
  return recordFromFields(value as Record<string, unknown>);
}
