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
export type { ParserOptions } from "./format.ts";
export { FORMAT_NAMES, type FormatName, type ParseItem, type RecordParser } from "./format.ts";
export { isContinuation, recognizeHeader } from "./text.ts";
export type { HeaderRecognizer, RecognizedHeader } from "./text.ts";

export interface CreateParserOptions extends ParserOptions {
  /** For text: a header layout to try before the built-in ones. */
  readonly headerRecognizer?: HeaderRecognizer;
}

/**
 * A parser for one format. Parsers are stateful (multi-line formats hold a
 * record back until the next one starts): one per source, `flush()` at its end.
 *
 * @example
 * ```ts
 * import { createParser } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const parser = createParser("text", { referenceTime: Date.UTC(2024, 2, 1) });
 * const items = [
 *   ...parser.push({ line: 1, offset: 0, text: "2024-03-01 12:00:01,123 ERROR [main] com.acme.Foo - Failed" }),
 *   ...parser.push({ line: 2, offset: 70, text: "\tat com.acme.Foo.run(Foo.java:42)" }),
 *   ...parser.flush(),
 * ];
 * assert.equal(items.length, 1);
 * assert.ok(items[0]!.kind === "record");
 * assert.equal(items[0]!.parsed.message, "Failed\n\tat com.acme.Foo.run(Foo.java:42)");
 * ```
 */
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
