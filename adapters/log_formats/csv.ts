import { parse } from "csv-parse/sync";
import type { Attributes } from "../../domain/log_record.ts";
import type { RawLine } from "../log_sources/lines.ts";
import { recordFromFields } from "./fields.ts";
import { type ParseItem, quarantine, type RecordParser } from "./format.ts";

/** Most physical lines one quoted CSV field may span before the row is refused. */
const MAX_ROW_LINES = 200;

/**
 * CSV exports with a header row. A quoted field may hold newlines, so lines
 * are gathered until the row's quotes balance, then the row is parsed by
 * csv-parse.
 */
export function csvParser(): RecordParser {
  let header: string[] | undefined;
  let pending: { lines: string[]; first: RawLine } | undefined;

  const parseRow = (text: string, first: RawLine): ParseItem[] => {
    let rows: string[][];
    try {
      rows = parse(text, {
        relax_column_count: true,
        bom: true,
        skip_empty_lines: true,
      }) as string[][];
    } catch (error) {
      return [quarantine({ ...first, text }, `Cannot parse CSV: ${(error as Error).message}`)];
    }
    const row = rows[0];
    if (row === undefined) return [];
    if (header === undefined) {
      header = row.map((name) => name.trim());
      return [];
    }
    if (row.length !== header.length) {
      return [
        quarantine(
          { ...first, text },
          `CSV row has ${row.length} fields, header has ${header.length}`,
        ),
      ];
    }
    const fields: Attributes = {};
    header.forEach((name, index) => {
      const value = row[index]!;
      if (value !== "") fields[name] = value;
    });
    const record = recordFromFields(fields);
    if (typeof record === "string") return [quarantine({ ...first, text }, record)];
    return [{ kind: "record", parsed: record, line: first.line, offset: first.offset }];
  };

  return {
    push(line) {
      if (line.problem !== undefined) return [quarantine(line, line.problem)];
      const text = line.text!;
      if (pending === undefined) pending = { lines: [], first: line };
      pending.lines.push(text);
      const joined = pending.lines.join("\n");
      if (quotesBalanced(joined)) {
        const { first } = pending;
        pending = undefined;
        return parseRow(joined, first);
      }
      if (pending.lines.length >= MAX_ROW_LINES) {
        const { first } = pending;
        pending = undefined;
        return [
          quarantine(
            { ...first, text: joined },
            `Cannot parse CSV: unterminated quoted field over ${MAX_ROW_LINES} lines`,
          ),
        ];
      }
      return [];
    },
    flush() {
      if (pending === undefined) return [];
      const { first, lines } = pending;
      pending = undefined;
      return [
        quarantine(
          { ...first, text: lines.join("\n") },
          "Cannot parse CSV: unterminated quoted field at end of input",
        ),
      ];
    },
  };
}

function quotesBalanced(text: string): boolean {
  let quotes = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i + 1)) quotes++;
  return quotes % 2 === 0;
}
