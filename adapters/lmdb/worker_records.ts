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
  type OriginGroup,
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
  /** Where its records stand in the batch; null when it holds them all. */
  readonly positions: Int32Array<ArrayBuffer> | null;
}

/**
 * A batch's records as a worker posts them: every message's skeleton, and
 * one part per origin, or several for an origin of more than
 * {@linkcode PART_RECORDS} records.
 */
export interface WorkerRecords {
  readonly skeletons: SkeletonBatch;
  readonly parts: readonly WorkerPart[];
}

/**
 * Most records in one part, so in one stored batch event. Projections apply
 * an event in one synchronous transaction, and a request may carry 100,000
 * lines: as one event, its first projection held the thread that answers
 * /healthz for 100-130 ms. A file import's batches are this size already.
 */
export const PART_RECORDS = 10_000;

/** On the worker: the records to post, and the buffers to move with them. */
export function workerRecords(
  batch: SourceBatch,
): { readonly records: WorkerRecords; readonly transfer: ArrayBuffer[] } {
  const skeletons = skeletonsOf(batch.records.map((record) => record.parsed.message));
  const parts = recordsByOrigin(batch.records, batch.context).flatMap(partsOfAtMost).map(
    ({ origin, records, positions }): WorkerPart => ({
      origin,
      columns: encodeRecordColumns(records === batch.records ? batch : { ...batch, records }),
      positions: positions === null ? null : Int32Array.from(positions),
    }),
  );
  return {
    records: { skeletons, parts },
    transfer: [
      skeletons.skeletonOf.buffer,
      ...parts.flatMap(({ columns, positions }) => [
        columns.timestamps.buffer,
        columns.middle.buffer,
        columns.groupEnds.buffer,
        columns.severities.buffer,
        ...(positions === null ? [] : [positions.buffer]),
      ]),
    ],
  };
}

/** An origin's records in runs of at most {@linkcode PART_RECORDS}, each with its positions. */
function partsOfAtMost(group: OriginGroup): OriginGroup[] {
  const { origin, records, positions } = group;
  if (records.length <= PART_RECORDS) return [group];
  const parts: OriginGroup[] = [];
  for (let from = 0; from < records.length; from += PART_RECORDS) {
    const to = Math.min(records.length, from + PART_RECORDS);
    parts.push({
      origin,
      records: records.slice(from, to),
      positions: positions === null
        ? Array.from({ length: to - from }, (_, k) => from + k)
        : positions.slice(from, to),
    });
  }
  return parts;
}

/** On the ingesting thread: the records as ingest takes them. */
export function receivedRecords({ skeletons, parts }: WorkerRecords): EncodedRecords {
  return {
    count: parts.reduce((sum, part) => sum + part.columns.count, 0),
    skeletons,
    parts: parts.map(({ origin, columns, positions }) => ({
      origin,
      positions,
      withSignatures: (signatureIds, receivedAt) =>
        recordColumnsWithSignatures(columns, signatureIds, receivedAt),
    })),
  };
}
