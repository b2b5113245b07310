/**
 * Syslog frames parsed on worker threads. On the listening thread, parsing,
 * redacting and encoding a read's messages left the miner and the store
 * waiting; on workers it runs beside them, as HTTP bodies do.
 *
 * @module
 */
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { EncodedRecords } from "../../ports/log_source.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { WorkerPool } from "../log_sources/worker_pool.ts";
import type { RecordsResult } from "../log_sources/records_worker.ts";
import { receivedRecords } from "../lmdb/worker_records.ts";
import type { Frame } from "./framing.ts";
import { type FrameOptions, type PackedFrames, packFrames } from "./messages.ts";
import type { SyslogJob } from "./parse_worker.ts";

/**
 * A few workers that parse frames, each given the next read's frames in turn.
 *
 * @example
 * ```ts
 * import { SyslogParsers } from "./parsers.ts";
 * import assert from "node:assert/strict";
 * const parsers = new SyslogParsers(1);
 * const frame = { bytes: new TextEncoder().encode("<11>1 2026-12-04T10:00:00Z acme api 1 - - failed") };
 * const parsed = await parsers.parse([frame, { refused: "too long" }], {
 *   source: "tcp", firstLine: 1, now: 0, environment: "prod",
 * });
 * assert.equal(parsed.records.count, 1);
 * assert.deepEqual(parsed.quarantined.map((q) => q.line), [2]);
 * parsers.close();
 * ```
 */
export class SyslogParsers {
  readonly #pool: WorkerPool<SyslogJob, RecordsResult>;
  readonly #redaction: RedactionSettings | undefined;

  /** With `redaction`, every message and quarantined line is redacted on the workers. */
  constructor(workers: number, redaction?: RedactionSettings) {
    this.#redaction = redaction;
    this.#pool = new WorkerPool(
      new URL("./parse_worker.ts", import.meta.url),
      workers,
      "syslog parser",
    );
  }

  parse(
    frames: readonly Frame[],
    options: Omit<FrameOptions, "redaction">,
  ): Promise<{ records: EncodedRecords; quarantined: readonly QuarantinedLine[] }> {
    return this.parsePacked(packFrames(frames), options);
  }

  /** Frames already packed (by the framer, as they were read); their bytes are taken over. */
  async parsePacked(
    packed: PackedFrames,
    options: Omit<FrameOptions, "redaction">,
  ): Promise<{ records: EncodedRecords; quarantined: readonly QuarantinedLine[] }> {
    const redaction = this.#redaction;
    const answer = await this.#pool.run(packed.bytes, (id, bytes) => ({
      id,
      frames: { ...packed, bytes },
      options: redaction === undefined ? options : { ...options, redaction },
    }));
    if ("error" in answer) throw new Error(answer.error);
    return { records: receivedRecords(answer.records), quarantined: answer.quarantined };
  }

  close(): void {
    this.#pool.close();
  }
}
