/**
 * A file import parsed and encoded on worker threads. Reading, parsing,
 * encoding records and reducing messages to skeletons is most of ingest's
 * work; the miner and the store stay on the main thread. Files are dealt to the workers in turn and their
 * batches taken back in the source's order, so what is ingested, and in
 * which order, does not depend on how many workers there are.
 *
 * @module
 */
import type { EncodedSourceBatch } from "../../ports/log_source.ts";
import { type FileSourceOptions, sourceFiles } from "./file_source.ts";
import type { FromWorker, ToWorker } from "./parse_worker.ts";
import { receivedRecords } from "../lmdb/worker_records.ts";

/** Batches each worker may parse ahead of the consumer. */
const PARSE_AHEAD = 4;
/**
 * Workers per import. The main thread mines and appends; on two cores,
 * two parsers keep it fed (one left it waiting half the time).
 */
const PARSERS = 2;

/**
 * The batches of `fileLogSource(path, options)`, in the same order, parsed on
 * workers, with their records encoded for the LMDB event store. A header
 * recognizer is a function and cannot reach a worker: such options are refused.
 *
 * @example
 * ```ts
 * import { encodedFileBatches } from "./parallel_file_source.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(
 *   `${root}/app.log`,
 *   'time=2026-03-01T10:00:00Z level=error msg="card declined"\n',
 * );
 * for await (const batch of encodedFileBatches(root, { referenceTime: Date.now() }, 1000)) {
 *   assert.deepEqual(batch.records.skeletons.keys, ["card declined"]);
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export function encodedFileBatches(
  path: string,
  options: FileSourceOptions,
  maxRecords: number,
): AsyncIterable<EncodedSourceBatch> {
  if (options.headerRecognizer !== undefined) {
    throw new TypeError("A header recognizer cannot be given to a parsing worker");
  }
  if (!(maxRecords >= 1)) {
    throw new RangeError(`Cannot read ${path}: maxRecords must be at least 1`);
  }
  return {
    async *[Symbol.asyncIterator]() {
      const files = await sourceFiles(path, options);
      const parsers = Array.from(
        { length: Math.min(PARSERS, files.length) },
        (_, index) => new Parser(index),
      );
      try {
        parsers.forEach((parser, index) =>
          parser.start({
            type: "start",
            files: files.flatMap((file, ordinal) =>
              ordinal % parsers.length === index ? [{ ordinal, file }] : []
            ),
            options,
            maxRecords,
            window: PARSE_AHEAD,
          })
        );
        for (let ordinal = 0; ordinal < files.length; ordinal++) {
          const parser = parsers[ordinal % parsers.length]!;
          // A parser's batches come file by file: once it shows a later file
          // (or its end), this one is done. A later file's failure waits for
          // its turn, so the files before it are read whole, as in order.
          for (;;) {
            const message = await parser.peek();
            if (message.type === "error" && !(message.ordinal > ordinal)) {
              throw new Error(message.message);
            }
            if (message.type !== "batch" || message.ordinal !== ordinal) break;
            parser.take();
            yield { ...message.batch, records: receivedRecords(message.batch.records) };
          }
        }
      } finally {
        for (const parser of parsers) parser.stop();
      }
    },
  };
}

/** One worker and the messages it has sent that were not taken yet. */
class Parser {
  readonly #worker: Worker;
  readonly #arrived: FromWorker[] = [];
  #wake: (() => void) | undefined;

  constructor(index: number) {
    this.#worker = new Worker(new URL("./parse_worker.ts", import.meta.url), {
      type: "module",
      name: `loupe-parser-${index}`,
    });
    this.#worker.onmessage = (event: MessageEvent<FromWorker>) => this.#receive(event.data);
    this.#worker.onerror = (event) => {
      event.preventDefault();
      this.#receive({ type: "error", ordinal: -1, message: event.message });
    };
  }

  start(message: ToWorker): void {
    this.#worker.postMessage(message);
  }

  async peek(): Promise<FromWorker> {
    while (this.#arrived.length === 0) await new Promise<void>((resolve) => this.#wake = resolve);
    return this.#arrived[0]!;
  }

  /** Drops the first message, a batch, and lets the worker parse one more. */
  take(): void {
    this.#arrived.shift();
    this.#worker.postMessage({ type: "more" } satisfies ToWorker);
  }

  stop(): void {
    this.#worker.terminate();
  }

  #receive(message: FromWorker): void {
    this.#arrived.push(message);
    this.#wake?.();
  }
}
