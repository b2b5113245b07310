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
  originKey,
  type PartOrigin,
  recordsByOrigin,
  type SourceBatch,
} from "../../ports/log_source.ts";
import {
  encodeRecordColumns,
  joinRecordColumns,
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
  const records = encodeWorkerRecords(batch);
  return { records, transfer: transferOf(records) };
}

/** A batch's records encoded as a worker posts them. */
export function encodeWorkerRecords(batch: SourceBatch): WorkerRecords {
  const skeletons = skeletonsOf(batch.records.map((record) => record.parsed.message));
  const parts = recordsByOrigin(batch.records, batch.context).flatMap(partsOfAtMost).map(
    ({ origin, records, positions }): WorkerPart => ({
      origin,
      columns: encodeRecordColumns(records === batch.records ? batch : { ...batch, records }),
      positions: positions === null ? null : Int32Array.from(positions),
    }),
  );
  return { skeletons, parts };
}

/** The buffers a posted batch moves to the ingesting thread rather than copies. */
export function transferOf({ skeletons, parts }: WorkerRecords): ArrayBuffer[] {
  return [
    skeletons.skeletonOf.buffer,
    ...parts.flatMap(({ columns, positions }) => [
      columns.timestamps.buffer,
      columns.middle.buffer,
      columns.groupEnds.buffer,
      columns.severities.buffer,
      columns.groupRows.buffer,
      ...(positions === null ? [] : [positions.buffer]),
    ]),
  ];
}

/**
 * The records of consecutive pieces of one batch (encoded one after another,
 * see `joinRecordColumns`) as the batch's: skeletons numbered once, each
 * origin's records in parts of at most {@linkcode PART_RECORDS}, in the
 * order the origins first appear, as {@linkcode encodeWorkerRecords} of the
 * whole batch gives them (the parts may be cut at other places).
 */
export function joinWorkerRecords(pieces: readonly WorkerRecords[]): WorkerRecords {
  if (pieces.length === 1) return pieces[0]!;
  const keys: string[] = [];
  const examples: string[] = [];
  const keyIndex = new Map<string, number>();
  const skeletonOf = new Int32Array(
    pieces.reduce((sum, piece) => sum + piece.skeletons.skeletonOf.length, 0),
  );
  interface Run {
    readonly origin: PartOrigin;
    readonly columns: RecordColumnsPayload[];
    readonly positions: number[];
    count: number;
  }
  const runsByOrigin = new Map<string, Run[]>();
  let offset = 0;
  for (const { skeletons, parts } of pieces) {
    const renumbered = skeletons.keys.map((key, k) => {
      let index = keyIndex.get(key);
      if (index === undefined) {
        index = keys.push(key) - 1;
        examples.push(skeletons.examples[k]!);
        keyIndex.set(key, index);
      }
      return index;
    });
    const pieceCount = skeletons.skeletonOf.length;
    for (let i = 0; i < pieceCount; i++) {
      skeletonOf[offset + i] = renumbered[skeletons.skeletonOf[i]!]!;
    }
    for (const part of parts) {
      const key = originKey(part.origin);
      let runs = runsByOrigin.get(key);
      if (runs === undefined) runsByOrigin.set(key, runs = []);
      let run = runs.at(-1);
      if (run === undefined || run.count + part.columns.count > PART_RECORDS) {
        run = { origin: part.origin, columns: [], positions: [], count: 0 };
        runs.push(run);
      }
      run.columns.push(part.columns);
      if (part.positions === null) {
        for (let i = 0; i < pieceCount; i++) run.positions.push(offset + i);
      } else for (const position of part.positions) run.positions.push(offset + position);
      run.count += part.columns.count;
    }
    offset += pieceCount;
  }
  const runs = [...runsByOrigin.values()].flat();
  return {
    skeletons: { keys, examples, skeletonOf },
    parts: runs.map((run) => ({
      origin: run.origin,
      columns: joinRecordColumns(run.columns),
      positions: runs.length === 1 ? null : Int32Array.from(run.positions),
    })),
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
