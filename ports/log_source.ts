import type { ParsedLog, QuarantinedLine, SourceContext } from "../domain/log_record.ts";
import type { SkeletonBatch } from "../domain/mining/skeletons.ts";
import type { Preencoded } from "./event_store.ts";

/** A record as a source yields it, with where it stood. */
export interface SourcedLog {
  readonly parsed: ParsedLog;
  readonly line: number;
  readonly offset?: number;
}

/** A run of records from one source that share one context. */
export interface SourceBatch {
  /** A file path, `http`, ... */
  readonly source: string;
  readonly context: SourceContext;
  readonly format: string;
  readonly records: readonly SourcedLog[];
  readonly quarantined: readonly QuarantinedLine[];
}

/**
 * Anything that yields logs: a file, a directory, an archive, a push. Batches
 * are bounded so a large source streams through in constant memory.
 */
export interface LogSource {
  readonly name: string;
  batches(maxRecords: number): AsyncIterable<SourceBatch>;
}

/**
 * A batch's records parsed and encoded for the event store on another thread,
 * their messages reduced to skeletons there too: ingest mines the skeletons
 * and hands the store the encoded records with each one's signature.
 */
export interface EncodedRecords {
  readonly count: number;
  readonly skeletons: SkeletonBatch;
  /**
   * The records as the batch event keeps them: record i gets `signatureIds[i]`,
   * and `receivedAt` is the time of a record that states none.
   */
  withSignatures(signatureIds: readonly string[], receivedAt: number): Preencoded;
}

/** A {@linkcode SourceBatch} whose records were encoded where they were parsed. */
export interface EncodedSourceBatch extends Omit<SourceBatch, "records"> {
  readonly records: EncodedRecords;
  /** Byte offset of the last record in its source, for progress. */
  readonly lastOffset?: number;
  /**
   * Identifies what the batch stores (records, quarantined lines, context):
   * the same data read again, from any file, has the same digest.
   */
  readonly contentDigest: string;
}
