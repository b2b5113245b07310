/**
 * How a parsing worker hands a batch's records to the thread that ingests
 * them: already in the LMDB event store's row format (`row_codec.ts`, hence
 * here beside it), messages reduced to skeletons for the miner, the bytes
 * moved rather than copied. The ingesting thread then only mines a handful
 * of skeletons and appends.
 *
 * @module
 */
import { type SkeletonBatch, skeletonsOf } from "../../domain/mining/skeletons.ts";
import type { EncodedRecords, SourceBatch } from "../../ports/log_source.ts";
import {
  encodeRecordColumns,
  type RecordColumnsPayload,
  recordColumnsWithSignatures,
} from "./row_codec.ts";

/** A batch's records as a worker posts them. */
export interface WorkerRecords {
  readonly columns: RecordColumnsPayload;
  readonly skeletons: SkeletonBatch;
}

/** On the worker: the records to post, and the buffers to move with them. */
export function workerRecords(
  batch: SourceBatch,
): { readonly records: WorkerRecords; readonly transfer: ArrayBuffer[] } {
  const columns = encodeRecordColumns(batch);
  const skeletons = skeletonsOf(batch.records.map((record) => record.parsed.message));
  return {
    records: { columns, skeletons },
    transfer: [
      columns.timestamps.buffer,
      columns.middle.buffer,
      columns.groupEnds.buffer,
      columns.severities.buffer,
      skeletons.skeletonOf.buffer,
    ],
  };
}

/** On the ingesting thread: the records as ingest takes them. */
export function receivedRecords({ columns, skeletons }: WorkerRecords): EncodedRecords {
  return {
    count: columns.count,
    skeletons,
    withSignatures: (signatureIds, receivedAt) =>
      recordColumnsWithSignatures(columns, signatureIds, receivedAt),
  };
}
