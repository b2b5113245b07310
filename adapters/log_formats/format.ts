import { type ParsedLog, QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import type { RawLine } from "../log_sources/lines.ts";

/** The log formats Loupe reads. */
export type FormatName = "jsonl" | "logfmt" | "syslog" | "access" | "text" | "csv";
/** Every format, the more structured first: detection breaks ties in this order. */
export const FORMAT_NAMES: readonly FormatName[] = [
  "jsonl",
  "logfmt",
  "syslog",
  "access",
  "csv",
  "text",
];

/** What a parser makes of its input: a record, or a quarantined line and why. */
export type ParseItem =
  | {
    readonly kind: "record";
    readonly parsed: ParsedLog;
    readonly line: number;
    readonly offset: number;
  }
  | {
    readonly kind: "quarantined";
    readonly line: number;
    readonly offset: number;
    readonly reason: string;
    readonly raw: string;
  };

/**
 * Turns lines into records. Stateful: a multi-line format holds a record back
 * until the line that starts the next one, or the end of input.
 */
export interface RecordParser {
  push(line: RawLine): ParseItem[];
  flush(): ParseItem[];
}

export interface ParserOptions {
  /** Epoch ms near the logs' time, for formats that omit the year. */
  readonly referenceTime: number;
}

/** A parser for formats where one line is one record. */
export function lineParser(parse: (text: string) => ParsedLog | string): RecordParser {
  return {
    push(line) {
      if (line.problem !== undefined) return [quarantine(line, line.problem)];
      const result = parse(line.text!);
      if (typeof result === "string") return [quarantine(line, result)];
      return [{ kind: "record", parsed: result, line: line.line, offset: line.offset }];
    },
    flush: () => [],
  };
}

/** A line (or gathered lines) that cannot become a record, with its raw text cut short. */
export function quarantine(line: RawLine, reason: string): ParseItem {
  const raw = line.text ?? line.raw ?? "";
  return {
    kind: "quarantined",
    line: line.line,
    offset: line.offset,
    reason,
    raw: raw.length > QUARANTINE_RAW_LIMIT ? raw.slice(0, QUARANTINE_RAW_LIMIT) : raw,
  };
}
