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
  return recordFromFields(flatten(value as Record<string, unknown>));
}
