import type { Severity } from "./severity.ts";

/** Attribute values kept as JSON-safe scalars so they survive the event log. */
export type AttributeValue = string | number | boolean | null;
/** A record's attributes by name. */
export type Attributes = Record<string, AttributeValue>;

/**
 * Attributes as a flat list, `[key1, value1, key2, value2, ...]`: how the
 * event log keeps them. Objects of a different shape per source make binary
 * encoders (msgpack records) several times slower than one list does.
 */
export type AttributePairs = readonly AttributeValue[];

export function toAttributePairs(attributes: Attributes): AttributePairs {
  const pairs: AttributeValue[] = [];
  for (const key in attributes) pairs.push(key, attributes[key]!);
  return pairs;
}

/**
 * @example
 * ```ts
 * import { fromAttributePairs, toAttributePairs } from "./log_record.ts";
 * import assert from "node:assert/strict";
 * const attributes = { host: "db-1", status: 503, retried: true, note: null };
 * assert.deepEqual(fromAttributePairs(toAttributePairs(attributes)), attributes);
 * ```
 */
export function fromAttributePairs(pairs: AttributePairs): Attributes {
  const attributes: Attributes = {};
  for (let i = 0; i + 1 < pairs.length; i += 2) attributes[String(pairs[i])] = pairs[i + 1]!;
  return attributes;
}

/** Where a record came from: enough to find the original bytes again. */
export interface RecordOrigin {
  /** A file path, `http`, an archive name... */
  readonly source: string;
  /** 1-based line number of the record's first line within the source. */
  readonly line?: number;
  /** Byte offset of the record's first line within the source. */
  readonly offset?: number;
  /** The ingest batch the record arrived in. */
  readonly batch?: string;
}

/**
 * The context a source gives to every record it yields: the customer
 * environment a file or HTTP push belongs to. A record's own fields win.
 */
export interface SourceContext {
  /** The customer (or shared cluster) the source belongs to. */
  readonly customer?: string;
  /** The environment within it (prod, staging...). */
  readonly environment?: string;
  /** The service that wrote the records. */
  readonly service?: string;
  /** The release it runs. */
  readonly version?: string;
}

/** What a log format parser could read from one record (one or more lines). */
export interface ParsedLog {
  /** Epoch milliseconds, when the line states a time. */
  readonly timestamp?: number;
  /** The severity the line states. */
  readonly severity?: Severity;
  /** The message, without the fields read from the line. */
  readonly message: string;
  /** A customer the line names itself. */
  readonly customer?: string;
  /** An environment the line names itself. */
  readonly environment?: string;
  /** A service the line names itself. */
  readonly service?: string;
  /** A release the line names itself. */
  readonly version?: string;
  /** Every other field the line carries. */
  readonly attributes: Attributes;
}

/** A normalized log record, as Loupe keeps it. */
export interface LogRecord {
  /** Epoch milliseconds; the time the record was observed when the line had none. */
  readonly timestamp: number;
  /** The record's customer (or shared cluster), null when unknown. */
  readonly customer: string | null;
  /** Its environment, null when unknown. */
  readonly environment: string | null;
  /** Its service, null when unknown. */
  readonly service: string | null;
  /** Its release, null when unknown. */
  readonly version: string | null;
  /** OpenTelemetry severity number, 0 when unspecified. */
  readonly severityNumber: number;
  /** The text of that number's range. */
  readonly severityText: string;
  /** The message that signatures are mined from. */
  readonly message: string;
  /** Every other field. */
  readonly attributes: Attributes;
  /** Where the record came from. */
  readonly origin: RecordOrigin;
}

/** A line that could not become a record, kept with the reason why. */
export interface QuarantinedLine {
  readonly source: string;
  readonly line: number;
  readonly offset?: number;
  readonly reason: string;
  /** The line as far as it could be decoded, cut to a bounded length. */
  readonly raw: string;
}

/** Longest raw text kept for a quarantined line. */
export const QUARANTINE_RAW_LIMIT = 2048;

/**
 * Fills a parsed record in with its source's context and the observation time.
 *
 * @example
 * ```ts
 * import { normalizeRecord } from "./log_record.ts";
 * import assert from "node:assert/strict";
 * const record = normalizeRecord(
 *   { message: "disk full", attributes: {} },
 *   { customer: "acme", environment: "prod" },
 *   { source: "http", line: 1 },
 *   1_700_000_000_000,
 * );
 * assert.equal(record.customer, "acme");
 * assert.equal(record.severityText, "UNSPECIFIED");
 * ```
 */
export function normalizeRecord(
  parsed: ParsedLog,
  context: SourceContext,
  origin: RecordOrigin,
  observedAt: number,
): LogRecord {
  return {
    timestamp: parsed.timestamp ?? observedAt,
    customer: parsed.customer ?? context.customer ?? null,
    environment: parsed.environment ?? context.environment ?? null,
    service: parsed.service ?? context.service ?? null,
    version: parsed.version ?? context.version ?? null,
    severityNumber: parsed.severity?.number ?? 0,
    severityText: parsed.severity?.text ?? "UNSPECIFIED",
    message: parsed.message,
    attributes: parsed.attributes,
    origin,
  };
}
