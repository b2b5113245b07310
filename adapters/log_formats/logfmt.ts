import type { Attributes } from "../../domain/log_record.ts";
import { recordFromFields } from "./fields.ts";
import { lineParser, type RecordParser } from "./format.ts";

/** `key=value key2="quoted \"value\""`, as Heroku, Go's slog and logrus write. */
export function logfmtParser(): RecordParser {
  return lineParser((text) => {
    const fields = parseLogfmtPairs(text);
    if (typeof fields === "string") return fields;
    // Router-style lines (`at=info method=GET path=/ status=200`) have no
    // message field: the line itself is the message.
    const record = recordFromFields(fields);
    return typeof record === "string" && record.startsWith("no message field")
      ? recordFromFields({ ...fields, msg: text })
      : record;
  });
}

/** The pairs of a logfmt line, or why it is not one. */
export function parseLogfmtPairs(text: string): Attributes | string {
  const fields: Attributes = {};
  let i = 0;
  let pairs = 0;
  const n = text.length;
  while (i < n) {
    while (i < n && text.charCodeAt(i) <= 32) i++;
    if (i >= n) break;
    const keyStart = i;
    while (i < n && text[i] !== "=" && text.charCodeAt(i) > 32) i++;
    const key = text.slice(keyStart, i);
    if (key.length === 0 || key.includes('"')) {
      return `Cannot parse logfmt: bad key at column ${keyStart + 1}`;
    }
    if (text[i] !== "=") {
      fields[key] = true;
      continue;
    }
    i++;
    let value: string;
    if (text[i] === '"') {
      i++;
      let out = "";
      let closed = false;
      while (i < n) {
        const c = text[i]!;
        if (c === "\\" && i + 1 < n) {
          const next = text[i + 1]!;
          out += next === "n" ? "\n" : next === "t" ? "\t" : next;
          i += 2;
          continue;
        }
        if (c === '"') {
          closed = true;
          i++;
          break;
        }
        out += c;
        i++;
      }
      if (!closed) return `Cannot parse logfmt: unterminated quote in the value of ${key}`;
      value = out;
    } else {
      const valueStart = i;
      while (i < n && text.charCodeAt(i) > 32) i++;
      value = text.slice(valueStart, i);
    }
    fields[key] = value;
    pairs++;
  }
  if (pairs === 0) return "Cannot parse logfmt: no key=value pair";
  return fields;
}
