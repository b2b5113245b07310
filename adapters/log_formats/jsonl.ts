import type { Attributes } from "../../domain/log_record.ts";
import { flatten, recordFromFields } from "./fields.ts";
import { lineParser, type RecordParser } from "./format.ts";

/** One JSON object per line, with the common field names of structured loggers. */
export function jsonLinesParser(): RecordParser {
  return lineParser(parseJsonLine);
}

export function parseJsonLine(text: string) {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    return `Cannot parse JSON: ${(error as Error).message}`;
  }
  if (value === null || typeof value !== "object" || Array.isArray(value)) {
    return `JSON line is not an object (found ${
      Array.isArray(value) ? "an array" : value === null ? "null" : typeof value
    })`;
  }
  return recordFromFields(
    isFlat(value) ? value as Attributes : flatten(value as Record<string, unknown>),
  );
}

/** Most structured loggers write flat objects: those need no copy. */
function isFlat(value: object): boolean {
  for (const key in value) {
    const inner = (value as Record<string, unknown>)[key];
    if (inner !== null && typeof inner === "object") return false;
    if (key === "__proto__") return false;
  }
  return true;
}
