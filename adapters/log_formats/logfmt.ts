import type { ParsedLog } from "../../domain/log_record.ts";
import { MESSAGE_FIELD_LIST, recordFromFields } from "./fields.ts";
import { lineParser, type RecordParser } from "./format.ts";

/** `key=value key2="quoted \"value\""`, as Heroku, Go's slog and logrus write. */
export function logfmtParser(): RecordParser {
  return lineParser(parseLogfmtLine);
}

const NO_MESSAGE = `no message field (looked for ${MESSAGE_FIELD_LIST})`;

/** One logfmt line as a record, or why it is not one. */
export function parseLogfmtLine(text: string): ParsedLog | string {
  const pairs = parseLogfmtPairs(text);
  if (typeof pairs === "string") return pairs;
  const record = recordFromFields(pairs.fields);
  // Router-style lines (`at=info method=GET path=/ status=200`) have no
  // message field: the line itself is the message.
  return record === NO_MESSAGE ? recordFromFields({ ...pairs.fields, msg: text }) : record;
}

/** The fields of a logfmt line; a bare word (no `=`) is a flag set to true. */
export interface LogfmtPairs {
  readonly fields: Record<string, string | true>;
  /** How many key=value pairs the line has. */
  readonly pairs: number;
  /** How many bare words the line has. */
  readonly flags: number;
}

/**
 * The pairs of a logfmt line, or why it is not one.
 *
 * @example
 * ```ts
 * import { parseLogfmtPairs } from "./logfmt.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseLogfmtPairs('level=warn msg="disk \\"/\\" 91% full" retry'), {
 *   fields: { level: "warn", msg: 'disk "/" 91% full', retry: true },
 *   pairs: 2,
 *   flags: 1,
 * });
 * ```
 */
export function parseLogfmtPairs(text: string): LogfmtPairs | string {
  const fields: Record<string, string | true> = {};
  let pairs = 0;
  let flags = 0;
  let i = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text.charCodeAt(i) !== 61 && text.charCodeAt(i) > 32) i++;
    const rawKey = text.slice(keyStart, i);
    if (rawKey.length === 0 || rawKey.includes('"')) {
      return `Cannot parse logfmt: bad key at column ${keyStart + 1}`;
    }
    // As a plain key it would set the object's prototype, not a field.
    const key = rawKey === "__proto__" ? "[__proto__]" : rawKey;
    if (text.charCodeAt(i) !== 61) {
      fields[key] = true;
      flags++;
      continue;
    }
    i++;
    if (text.charCodeAt(i) === 34) {
      const quoted = readQuoted(text, i + 1);
      if (quoted === undefined) {
        return `Cannot parse logfmt: unterminated quote in the value of ${key} at column ${i + 1}`;
      }
      fields[key] = quoted.value;
      i = quoted.end;
    } else {
      const valueStart = i;
      while (i < n && text.charCodeAt(i) > 32) i++;
      fields[key] = text.slice(valueStart, i);
    }
    pairs++;
  }
  if (pairs === 0) return "Cannot parse logfmt: no key=value pair";
  return { fields, pairs, flags };
}

/** A quoted value from just after its opening quote; `end` is just after the closing one. */
function readQuoted(text: string, from: number): { value: string; end: number } | undefined {
  let value = "";
  let start = from;
  for (let i = from; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 34) return { value: value + text.slice(start, i), end: i + 1 };
    if (c === 92 && i + 1 < text.length) {
      const next = text[i + 1]!;
      value += text.slice(start, i) + (next === "n" ? "\n" : next === "t" ? "\t" : next);
      start = ++i + 1;
    }
  }
  return undefined;
}
