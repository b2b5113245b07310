import type { ParsedLog, QuarantinedLine, SourceContext } from "../domain/log_record.ts";

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
