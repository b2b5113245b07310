import type { AttributePairs, QuarantinedLine, SourceContext } from "./log_record.ts";
import type { MinerEvent } from "./mining/miner_events.ts";

/**
 * A record as the event log keeps it: the normalized record, the signature it
 * was given at ingest, and where it stood in its source. The source name
 * itself is kept once per batch.
 */
export interface StoredRecord {
  readonly timestamp: number;
  readonly customer: string | null;
  readonly environment: string | null;
  readonly service: string | null;
  readonly version: string | null;
  readonly severityNumber: number;
  readonly severityText: string;
  readonly message: string;
  /** `[key, value, key, value, ...]`: see AttributePairs. */
  readonly attributes: AttributePairs;
  readonly line: number;
  readonly offset: number | null;
  readonly signatureId: string;
}

export interface LogBatchIngestedData {
  readonly batchId: string;
  readonly source: string;
  readonly format: string;
  readonly context: SourceContext;
  readonly receivedAt: number;
  readonly records: readonly StoredRecord[];
  readonly quarantined: readonly QuarantinedLine[];
}

export type LogBatchIngested = {
  readonly type: "LogBatchIngested";
  readonly data: LogBatchIngestedData;
};

/** Every event the ingest path writes, in one atomic append per batch. */
export type IngestEvent = MinerEvent | LogBatchIngested;

/** The stream all ingest batches and what the miner learns from them go to. */
export const INGEST_STREAM = "ingest";
