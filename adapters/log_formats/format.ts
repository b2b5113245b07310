import type { ParsedLog } from "../../domain/log_record.ts";
import type { RawLine } from "../log_sources/lines.ts";

export type FormatName = "jsonl" | "logfmt" | "syslog" | "access" | "text" | "csv";
export const FORMAT_NAMES: readonly FormatName[] = [
  "jsonl",
  "logfmt",
  "syslog",
  "access",
  "text",
  "csv",
];

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

export function quarantine(line: RawLine, reason: string): ParseItem {
  return {
    kind: "quarantined",
    line: line.line,
    offset: line.offset,
    reason,
    raw: line.text ?? line.raw ?? "",
  };
}
