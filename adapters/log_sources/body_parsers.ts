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
import type { BodyJob, BodyResult } from "./body_worker.ts";
import type { ParseOptions } from "./file_source.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { receivedRecords } from "./worker_records.ts";

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
  readonly #workers: Worker[];
  readonly #waiting = new Map<number, (result: BodyResult) => void>();
  #nextId = 0;
  readonly #redaction: RedactionSettings | undefined;

  /** With `redaction`, every body's records and quarantined lines are redacted on the workers. */
  constructor(workers: number, redaction?: RedactionSettings) {
    this.#redaction = redaction;
    this.#workers = Array.from({ length: workers }, (_, index) => {
      const worker = new Worker(new URL("./body_worker.ts", import.meta.url), {
        type: "module",
        name: `loupe-body-parser-${index}`,
      });
      worker.onmessage = ({ data }: MessageEvent<BodyResult>) => {
        this.#waiting.get(data.id)?.(data);
        this.#waiting.delete(data.id);
      };
      worker.onerror = (event) => {
        // Parsing catches what it can; this is the worker itself failing.
        event.preventDefault();
        this.#failAll(`A body parser failed: ${event.message}`);
      };
      return worker;
    });
  }

  /** Takes `bytes` over: they are moved to the worker, not copied. */
  parse(bytes: Uint8Array, options: BodyParseOptions): Promise<ParsedBatch> {
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength &&
        bytes.buffer instanceof ArrayBuffer
      ? bytes as Uint8Array<ArrayBuffer>
      : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (result) => {
        if ("error" in result) reject(new Error(result.error));
        else resolve({ ...result, records: receivedRecords(result.records) });
      });
      const job: BodyJob = {
        id,
        bytes: owned,
        options: this.#redaction === undefined
          ? options
          : { ...options, redaction: this.#redaction },
      };
      worker.postMessage(job, [owned.buffer]);
    });
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#failAll("The body parsers were closed");
  }

  #failAll(error: string): void {
    for (const settle of this.#waiting.values()) settle({ id: -1, error });
    this.#waiting.clear();
  }
}
