import { tenantOfAttributes } from "../domain/customers/tenant.ts";
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
 * Where some of a batch's records come from beyond the batch's context: the
 * customer and environment they name themselves (null: the context's) and
 * the tenant they name ("" for none). Attribution, and so the key a record
 * is sealed with, depends on nothing else.
 */
export interface PartOrigin {
  readonly customer: string | null;
  readonly environment: string | null;
  readonly tenant: string;
}

/**
 * A batch's records parsed and encoded for the event store on another thread,
 * their messages reduced to skeletons there too: ingest mines the skeletons
 * and hands the store the encoded records with each one's signature. Records
 * of different origins (tenants of a shared cluster, say) are encoded apart,
 * so ingest can seal each customer's under its own key without decoding them;
 * they are mined together, as one batch, so a split changes no signature.
 */
export interface EncodedRecords {
  readonly count: number;
  /** Every record's message as a skeleton, in batch order. */
  readonly skeletons: SkeletonBatch;
  /** One part per origin, in the order each first appears; one part when they share one. */
  readonly parts: readonly EncodedPart[];
}

/** The records of one origin of an {@linkcode EncodedRecords}, in their order in the batch. */
export interface EncodedPart {
  readonly origin: PartOrigin;
  /** Where its records stand in the batch, ascending; null when it holds them all. */
  readonly positions: Int32Array | null;
  /**
   * The records as the batch event keeps them: its record i gets
   * `signatureIds[i]`, and `receivedAt` is the time of a record that states none.
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

/** The records of one origin, and where they stand in their batch (null: they are all of it). */
export interface OriginGroup {
  readonly origin: PartOrigin;
  readonly records: readonly SourcedLog[];
  readonly positions: readonly number[] | null;
}

/**
 * The records grouped by origin, each group in batch order, the groups in
 * the order they first appear. Nearly every batch has one origin: it is
 * then returned as it is, with no copy.
 */
export function recordsByOrigin(
  records: readonly SourcedLog[],
  context: SourceContext,
): OriginGroup[] {
  const first = records[0];
  if (first === undefined) {
    return [{ origin: originOf(undefined, context), records, positions: null }];
  }
  const firstOrigin = originOf(first, context);
  // Looked at for every record: compared in place, no origin made for each.
  let index = 1;
  while (index < records.length && isOf(records[index]!, firstOrigin, context)) index++;
  if (index === records.length) return [{ origin: firstOrigin, records, positions: null }];
  const groups = new Map<
    string,
    { origin: PartOrigin; records: SourcedLog[]; positions: number[] }
  >();
  groups.set(originKey(firstOrigin), {
    origin: firstOrigin,
    records: records.slice(0, index),
    positions: Array.from({ length: index }, (_, i) => i),
  });
  for (; index < records.length; index++) {
    const record = records[index]!;
    const origin = originOf(record, context);
    const key = originKey(origin);
    const group = groups.get(key);
    if (group === undefined) groups.set(key, { origin, records: [record], positions: [index] });
    else {
      group.records.push(record);
      group.positions.push(index);
    }
  }
  return [...groups.values()];
}

function originOf(record: SourcedLog | undefined, context: SourceContext): PartOrigin {
  if (record === undefined) return { customer: null, environment: null, tenant: "" };
  const { customer, environment, attributes } = record.parsed;
  return {
    customer: customer === undefined || customer === context.customer ? null : customer,
    environment: environment === undefined || environment === context.environment
      ? null
      : environment,
    tenant: tenantOfAttributes(attributes),
  };
}

function isOf(record: SourcedLog, origin: PartOrigin, context: SourceContext): boolean {
  const { customer, environment, attributes } = record.parsed;
  return (customer === undefined || customer === context.customer
    ? origin.customer === null
    : customer === origin.customer) &&
    (environment === undefined || environment === context.environment
      ? origin.environment === null
      : environment === origin.environment) &&
    tenantOfAttributes(attributes) === origin.tenant;
}

/** One string per origin, to group parts by. */
export function originKey(origin: PartOrigin): string {
  const customer = origin.customer ?? "\u0001";
  return `${customer}\u0000${origin.environment ?? "\u0001"}\u0000${origin.tenant}`;
}
