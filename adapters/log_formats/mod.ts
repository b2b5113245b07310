/**
 * Log formats: detection and parsers for JSON lines, logfmt, syslog (RFC 5424
 * and 3164), Apache/nginx access logs, plain text with stack traces, and CSV.
 *
 * @module
 */
import { accessLogParser } from "./access.ts";
import { csvParser } from "./csv.ts";
import type { FormatName, ParserOptions, RecordParser } from "./format.ts";
import { jsonLinesParser } from "./jsonl.ts";
import { logfmtParser } from "./logfmt.ts";
import { syslogParser } from "./syslog.ts";
import { type HeaderRecognizer, textParser } from "./text.ts";

export { detectFormat, type Detection, DETECTION_SAMPLE } from "./detect.ts";
export { FORMAT_NAMES, type FormatName, type ParseItem, type RecordParser } from "./format.ts";
export type { HeaderRecognizer, RecognizedHeader } from "./text.ts";

export interface CreateParserOptions extends ParserOptions {
  readonly headerRecognizer?: HeaderRecognizer;
}

export function createParser(format: FormatName, options: CreateParserOptions): RecordParser {
  switch (format) {
    case "jsonl":
      return jsonLinesParser();
    case "logfmt":
      return logfmtParser();
    case "syslog":
      return syslogParser(options);
    case "access":
      return accessLogParser();
    case "csv":
      return csvParser();
    case "text":
      return textParser(
        options.headerRecognizer === undefined
          ? {}
          : { headerRecognizer: options.headerRecognizer },
      );
  }
}
