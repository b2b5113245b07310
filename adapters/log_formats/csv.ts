import { parse } from "csv-parse/sync";
import type { RawLine } from "../log_sources/lines.ts";
import { canonicalFieldName, recordFromFields } from "./fields.ts";
import { type ParseItem, quarantine, type RecordParser } from "./format.ts";

/** Most physical lines one row may span (quoted newlines) before its quote is taken as broken. */
const MAX_ROW_LINES = 200;

/**
 * CSV exports with a header row, read with csv-parse; header names map as
 * JSON fields do, whatever their case. A quoted field may hold
 * newlines, so lines are gathered until the row's quotes balance. A quote
 * that never closes costs only its own line: the lines gathered after it are
 * read again as rows of their own.
 */
export function csvParser(): RecordParser {
  let header: string[] | undefined;
  let pending: RawLine[] = [];
  /** Whether the gathered lines end inside a quoted field. */
  let quoted = false;

  const parseRow = (lines: readonly RawLine[]): ParseItem[] => {
    const first = lines[0]!;
    const text = lines.length === 1 ? first.text! : lines.map((l) => l.text).join("\n");
    const raw = { ...first, text };
    let rows: string[][];
    try {
      rows = parse(text, { relax_column_count: true, bom: true }) as string[][];
    } catch (error) {
      return [quarantine(raw, `Cannot parse CSV: ${(error as Error).message}`)];
    }
    const row = rows[0];
    if (row === undefined) return [];
    if (rows.length > 1) {
      return [quarantine(raw, `Cannot parse CSV: ${rows.length} rows where one was expected`)];
    }
    if (header === undefined) {
      header = row.map((name) => canonicalFieldName(name.trim()));
      return [];
    }
    if (row.length !== header.length) {
      return [quarantine(raw, `CSV row has ${row.length} fields, header has ${header.length}`)];
    }
    const fields: Record<string, string> = {};
    for (let i = 0; i < header.length; i++) {
      const value = row[i]!;
      if (value !== "") fields[header[i]!] = value;
    }
    const record = recordFromFields(fields);
    if (typeof record === "string") return [quarantine(raw, record)];
    return [{ kind: "record", parsed: record, line: first.line, offset: first.offset }];
  };

  /** The first gathered line opened a quote that never closed: drop it, read the rest again. */
  const unterminated = (reason: string, atEnd: boolean): ParseItem[] => {
    const [first, ...rest] = pending;
    pending = [];
    quoted = false;
    const items = [quarantine(first!, reason)];
    for (const line of rest) items.push(...push(line));
    if (atEnd) items.push(...flush());
    return items;
  };

  const push = (line: RawLine): ParseItem[] => {
    if (line.problem !== undefined) return [quarantine(line, line.problem)];
    pending.push(line);
    quoted = endsQuoted(line.text!, quoted);
    if (!quoted) {
      const lines = pending;
      pending = [];
      return parseRow(lines);
    }
    if (pending.length >= MAX_ROW_LINES) {
      return unterminated(
        `Cannot parse CSV: quoted field not closed within ${MAX_ROW_LINES} lines`,
        false,
      );
    }
    return [];
  };

  const flush = (): ParseItem[] =>
    pending.length === 0
      ? []
      : unterminated("Cannot parse CSV: quoted field not closed at end of input", true);

  return { push, flush };
}

/**
 * Whether a row is still inside a quoted field after this line, given whether
 * it was before. As RFC 4180 has it, only a quote at the start of a field
 * opens one (`a"b` is left for csv-parse to refuse), and `""` inside is an
 * escaped quote.
 */
export function endsQuoted(text: string, quotedBefore: boolean): boolean {
  let quoted = quotedBefore;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) {
    if (!quoted) {
      if (i === 0 || text.charCodeAt(i - 1) === 44) quoted = true;
    } else if (text.charCodeAt(i + 1) === 34) {
      i++;
    } else {
      quoted = false;
    }
  }
  return quoted;
}
