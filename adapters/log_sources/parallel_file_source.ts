/**
 * A file log source parsed on a worker thread. Reading and parsing is about
 * a third of ingest's work; the miner and the store stay on the main thread,
 * so on two cores the two halves run side by side.
 *
 * @module
 */
import type { LogSource, SourceBatch } from "../../ports/log_source.ts";
import type { FileSourceOptions } from "./file_source.ts";
import type { FromWorker, ToWorker } from "./parse_worker.ts";

/** Batches the worker may parse ahead of the consumer. */
const PARSE_AHEAD = 4;

/**
 * The same batches as `fileLogSource(path, options)`, parsed on a worker.
 * A header recognizer is a function and cannot reach a worker: such options
 * are refused.
 *
 * @example
 * ```ts
 * import { parallelFileLogSource } from "./parallel_file_source.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * await Deno.writeTextFile(`${root}/app.log`, 'level=error msg="card declined"\n');
 * const source = parallelFileLogSource(root, { referenceTime: Date.now() });
 * for await (const batch of source.batches(1000)) {
 *   assert.equal(batch.records[0]!.parsed.message, "card declined");
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export function parallelFileLogSource(path: string, options: FileSourceOptions): LogSource {
  if (options.headerRecognizer !== undefined) {
    throw new TypeError("A header recognizer cannot be given to a parsing worker");
  }
  return {
    name: path,
    async *batches(maxRecords: number): AsyncIterable<SourceBatch> {
      if (!(maxRecords >= 1)) {
        throw new RangeError(`Cannot read ${path}: maxRecords must be at least 1`);
      }
      const worker = new Worker(new URL("./parse_worker.ts", import.meta.url), { type: "module" });
      const arrived: FromWorker[] = [];
      let wake: (() => void) | undefined;
      const receive = (message: FromWorker) => {
        arrived.push(message);
        wake?.();
      };
      worker.onmessage = (event: MessageEvent<FromWorker>) => receive(event.data);
      worker.onerror = (event) => {
        event.preventDefault();
        receive({ type: "error", message: event.message });
      };
      const send = (message: ToWorker) => worker.postMessage(message);
      try {
        send({ type: "start", path, options, maxRecords, window: PARSE_AHEAD });
        for (;;) {
          while (arrived.length === 0) await new Promise<void>((resolve) => wake = resolve);
          const message = arrived.shift()!;
          if (message.type === "end") return;
          if (message.type === "error") throw new Error(message.message);
          send({ type: "more" });
          yield JSON.parse(message.json) as SourceBatch;
        }
      } finally {
        worker.terminate();
      }
    },
  };
}
