/**
 * How a parsing worker hands a batch's records to the thread that ingests
 * them: already in the LMDB event store's row format (`row_codec.ts`, hence
 * here beside it), messages reduced to skeletons for the miner, the bytes
 * moved rather than copied. The ingesting thread then only mines a handful
 * of skeletons and appends.
 *
 * Records of different origins (the tenants of a shared cluster, records
 * naming their own customer) are encoded as separate parts: ingest seals
 * each customer's records under that customer's key, and encoded bytes
 * cannot be split afterwards without decoding them.
 *
 * @module
 */
import { type SkeletonBatch, skeletonsOf } from "../../domain/mining/skeletons.ts";
import {
  type EncodedRecords,
  type PartOrigin,
  recordsByOrigin,
  type SourceBatch,
} from "../../ports/log_source.ts";
import {
  encodeRecordColumns,
  type RecordColumnsPayload,
  recordColumnsWithSignatures,
} from "./row_codec.ts";

/** The records of one origin, as a worker posts them. */
export interface WorkerPart {
  readonly origin: PartOrigin;
  readonly columns: RecordColumnsPayload;
  readonly skeletons: SkeletonBatch;
}

/** A batch's records as a worker posts them: one part per origin. */
export interface WorkerRecords {
  readonly parts: readonly WorkerPart[];
}

/** On the worker: the records to post, and the buffers to move with them. */
export function workerRecords(
  batch: SourceBatch,
): { readonly records: WorkerRecords; readonly transfer: ArrayBuffer[] } {
  const parts = recordsByOrigin(batch.records, batch.context).map(({ origin, records }) => {
    const columns = encodeRecordColumns(records === batch.records ? batch : { ...batch, records });
    const skeletons = skeletonsOf(records.map((record) => record.parsed.message));
    return { origin, columns, skeletons };
  });
  return {
    records: { parts },
    transfer: parts.flatMap(({ columns, skeletons }) => [
      columns.timestamps.buffer,
      columns.middle.buffer,
      skeletons.skeletonOf.buffer,
    ]),
  };
}

/** On the ingesting thread: the records as ingest takes them. */
export function receivedRecords({ parts }: WorkerRecords): EncodedRecords {
  return {
    count: parts.reduce((sum, part) => sum + part.columns.count, 0),
    parts: parts.map(({ origin, columns, skeletons }) => ({
      origin,
      count: columns.count,
      skeletons,
      withSignatures: (signatureIds, receivedAt) =>
        recordColumnsWithSignatures(columns, signatureIds, receivedAt),
    })),
  };
}
