/**
 * Request bodies parsed on worker threads. Parsing a pushed batch and
 * encoding its records was over a third of the server's work per record;
 * on workers it runs beside the miner, the store and the projections, which
 * stay on the main thread.
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import type { EncodedRecords } from "../../ports/log_source.ts";
import type { FormatName } from "../log_formats/mod.ts";
import type { BodyJob } from "./body_worker.ts";
import type { RecordsResult } from "./records_worker.ts";
import type { ParseOptions } from "./format_pipeline.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { receivedRecords } from "../lmdb/worker_records.ts";
import { WorkerPool } from "./worker_pool.ts";

export type BodyParseOptions = ParseOptions & {
  readonly source: string;
  readonly context: SourceContext;
};

export interface ParsedBatch {
  readonly format: FormatName;
  readonly records: EncodedRecords;
  readonly quarantined: readonly QuarantinedLine[];
}

/**
 * A few workers that parse bodies, each given the next body in turn.
 *
 * @example
 * ```ts
 * import { BodyParsers } from "./body_parsers.ts";
 * import assert from "node:assert/strict";
 * const parsers = new BodyParsers(1);
 * const body = new TextEncoder().encode('{"msg":"paid"}\n{"msg":\n');
 * const parsed = await parsers.parse(body, {
 *   source: "http", context: {}, maxLineBytes: 65536, referenceTime: 0,
 * });
 * assert.equal(parsed.format, "jsonl");
 * assert.deepEqual(parsed.records.skeletons.examples, ["paid"]);
 * assert.deepEqual(parsed.quarantined.map((q) => q.line), [2]);
 * parsers.close();
 * ```
 */
export class BodyParsers {
  readonly #pool: WorkerPool<BodyJob, RecordsResult & { readonly format: FormatName }>;
  readonly #redaction: RedactionSettings | undefined;

  /** With `redaction`, every body's records and quarantined lines are redacted on the workers. */
  constructor(workers: number, redaction?: RedactionSettings) {
    this.#redaction = redaction;
    this.#pool = new WorkerPool(
      new URL("./body_worker.ts", import.meta.url),
      workers,
      "body parser",
    );
  }

  /** Takes `bytes` over: they are moved to the worker, not copied. */
  async parse(bytes: Uint8Array, options: BodyParseOptions): Promise<ParsedBatch> {
    const redaction = this.#redaction;
    const answer = await this.#pool.run(bytes, (id, owned) => ({
      id,
      bytes: owned,
      options: redaction === undefined ? options : { ...options, redaction },
    }));
    if ("error" in answer) throw new Error(answer.error);
    return { ...answer, records: receivedRecords(answer.records) };
  }

  close(): void {
    this.#pool.close();
  }
}
