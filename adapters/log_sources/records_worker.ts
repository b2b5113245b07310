/**
 * The worker side that the body parsers, the syslog parsers and the OTLP
 * decoders share: a job is answered by its id with its batch's records
 * encoded for the event store (`worker_records.ts`) and its quarantined
 * lines, or with why it failed.
 *
 * @module
 */
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { SourceBatch } from "../../ports/log_source.ts";
import { type WorkerRecords, workerRecords } from "../lmdb/worker_records.ts";
import type { WorkerAnswer } from "./worker_pool.ts";

/** A batch's records as a worker answers them. */
export interface RecordsResult {
  readonly records: WorkerRecords;
  readonly quarantined: readonly QuarantinedLine[];
}

declare const self: {
  onmessage: ((event: MessageEvent) => void) | null;
  postMessage(message: WorkerAnswer<RecordsResult>, transfer: Transferable[]): void;
};

/** Hands every job this worker is sent to `handle`. */
export function onJob<Job>(handle: (job: Job) => void): void {
  self.onmessage = ({ data }: MessageEvent<Job>) => handle(data);
}

/**
 * Answers job `id` with `batch`'s records, encoded (their buffers moved, not
 * copied), its quarantined lines, and `extra`.
 */
export function answerRecords(id: number, batch: SourceBatch, extra: object = {}): void {
  const { records, transfer } = workerRecords(batch);
  self.postMessage({ id, ...extra, records, quarantined: batch.quarantined }, transfer);
}

/** Answers job `id` with why it failed. */
export function answerFailure(id: number, error: string): void {
  self.postMessage({ id, error }, []);
}
