import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import type { EncodedRecords } from "../../ports/log_source.ts";
import { LoupeError } from "../../ports/errors.ts";
import { receivedRecords } from "../log_sources/worker_records.ts";
import type { DecodeJob, DecodeResult } from "./decode_worker.ts";
import type { OtlpOptions } from "./logs.ts";

/** A protobuf request's records, encoded on a worker, and its quarantined records. */
export interface DecodedOtlp {
  readonly records: EncodedRecords;
  readonly quarantined: readonly QuarantinedLine[];
}

/**
 * Workers that decode OTLP protobuf requests and encode their records, so
 * the thread that mines and stores does neither: decoding and mapping a
 * 1,000-record request costs about as much as storing it.
 *
 * @example
 * ```ts
 * import { OtlpDecoders } from "./decoders.ts";
 * import assert from "node:assert/strict";
 * const decoders = new OtlpDecoders(1);
 * const decoded = await decoders.decode(new Uint8Array(), {
 *   customerAttribute: "customer.id", source: "otlp", context: {},
 * });
 * assert.equal(decoded.records.count, 0);
 * decoders.close();
 * ```
 */
export class OtlpDecoders {
  readonly #workers: Worker[];
  readonly #waiting = new Map<number, (result: DecodeResult) => void>();
  #nextId = 0;

  constructor(workers: number) {
    this.#workers = Array.from({ length: workers }, (_, index) => {
      const worker = new Worker(new URL("./decode_worker.ts", import.meta.url), {
        type: "module",
        name: `loupe-otlp-decoder-${index}`,
      });
      worker.onmessage = ({ data }: MessageEvent<DecodeResult>) => {
        this.#waiting.get(data.id)?.(data);
        this.#waiting.delete(data.id);
      };
      worker.onerror = (event) => {
        event.preventDefault();
        this.#failAll(`An OTLP decoder failed: ${event.message}`);
      };
      return worker;
    });
  }

  /** Takes `bytes` over: they are moved to the worker, not copied. */
  decode(
    bytes: Uint8Array,
    options: OtlpOptions & { readonly context: SourceContext },
  ): Promise<DecodedOtlp> {
    const id = this.#nextId++;
    const worker = this.#workers[id % this.#workers.length]!;
    const owned = bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength &&
        bytes.buffer instanceof ArrayBuffer
      ? bytes as Uint8Array<ArrayBuffer>
      : bytes.slice();
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, (result) => {
        if (!("error" in result)) {
          resolve({ records: receivedRecords(result.records), quarantined: result.quarantined });
        } else if (result.error.startsWith("Cannot decode")) {
          reject(new LoupeError("bad_request", result.error));
        } else reject(new Error(result.error));
      });
      worker.postMessage({ id, bytes: owned, options } satisfies DecodeJob, [owned.buffer]);
    });
  }

  close(): void {
    for (const worker of this.#workers) worker.terminate();
    this.#failAll("The OTLP decoders were closed");
  }

  #failAll(error: string): void {
    for (const settle of this.#waiting.values()) settle({ id: -1, error });
    this.#waiting.clear();
  }
}
