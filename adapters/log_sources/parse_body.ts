/**
 * A request body already in memory, parsed whole with the same line and
 * format handling as files (`format_pipeline.ts`).
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import type { SourcedLog } from "../../ports/log_source.ts";
import type { FormatName, ParseItem } from "../log_formats/mod.ts";
import { redactorOf, redactSourced } from "../redaction/log_redaction.ts";
import { FormatPipeline, type ParseOptions, sourced, toQuarantined } from "./format_pipeline.ts";
import { splitLinesSync } from "./lines.ts";
import { pinToContext } from "./pinned_origin.ts";

/** A body parsed whole: its format, its records and its quarantined lines. */
export interface ParsedBody {
  readonly format: FormatName;
  readonly records: SourcedLog[];
  readonly quarantined: QuarantinedLine[];
}

/**
 * A request body already in memory, with the same line and format handling
 * as files: detected format, line numbers, quarantine with reasons.
 *
 * @example
 * ```ts
 * import { parseBody } from "./parse_body.ts";
 * import assert from "node:assert/strict";
 * const body = new TextEncoder().encode('{"msg":"paid"}\n{"msg":\n{"msg":"shipped"}\n');
 * const parsed = parseBody(body, { source: "http", maxLineBytes: 65536, referenceTime: 0 });
 * assert.equal(parsed.format, "jsonl");
 * assert.deepEqual(parsed.records.map((r) => r.parsed.message), ["paid", "shipped"]);
 * assert.deepEqual(parsed.quarantined.map((q) => q.line), [2]);
 * ```
 */
export function parseBody(
  bytes: Uint8Array,
  options: ParseOptions & { readonly source: string; readonly context?: SourceContext },
): ParsedBody {
  const pipeline = new FormatPipeline(options);
  const records: SourcedLog[] = [];
  const quarantined: QuarantinedLine[] = [];
  const take = (items: readonly ParseItem[]) => {
    for (const item of items) {
      if (item.kind === "record") records.push(sourced(item));
      else quarantined.push(toQuarantined(item, options.source));
    }
  };
  for (const line of splitLinesSync(bytes, options)) take(pipeline.push(line));
  take(pipeline.end());
  if (options.pinOrigin === true) pinToContext(records);
  if (options.redaction !== undefined) {
    redactSourced(records, quarantined, options.context ?? {}, redactorOf(options.redaction));
  }
  return { format: pipeline.format, records, quarantined };
}
