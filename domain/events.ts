import {
  type AttributePairs,
  type LogRecord,
  type ParsedLog,
  type QuarantinedLine,
  type SourceContext,
  toAttributePairs,
} from "./log_record.ts";
import type { MinerEvent } from "./mining/miner_events.ts";
import type { AccessEvent } from "./access/events.ts";
import type { CustomerEvent } from "./customers/types.ts";
import type { Origin } from "./customers/origin.ts";
import type { ArticleEvent } from "./kb/article.ts";
import type { ArticleFeedbackRecorded } from "./kb/feedback.ts";
import type { PrivacyEvent } from "./privacy/retention.ts";
import type { MetricsRecorded, RulesConfigured } from "./rules/types.ts";
import type { SyncEvent } from "./ticketing/events.ts";
import type { TicketEvent } from "./tickets/types.ts";

/**
 * A record as the event log keeps it: the normalized record, the signature it
 * was given at ingest, and where it stood in its source. What every record
 * of a batch shares is kept once: the source name, and the customer,
 * environment, service and version of the batch's context — a record stores
 * null for those when it has the context's value (see `contextualField`).
 */
export interface StoredRecord extends
  Pick<
    LogRecord,
    "timestamp" | "customer" | "environment" | "service" | "version" | "severityNumber" | "message"
  > {
  // The severity text is `severityTextOf(severityNumber)`: not stored.
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
  /**
   * The customer the records were attributed to when they were stored (by
   * the directory: a tenant of a shared cluster, not the cluster). Ingest
   * stores a batch whose records come from several origins as one such
   * event per origin, sharing the batch id. Absent on batches stored
   * before, and when no customer was known.
   */
  readonly customer?: string;
  /**
   * Where all the records come from, whose keys seal them (see
   * `domain/privacy/ownership.ts`): which customer that is may be learned,
   * or change, after they were stored. Absent on batches stored before,
   * which are sealed under `customer`'s keys, and when no customer was known.
   */
  readonly origin?: Origin;
  readonly receivedAt: number;
  readonly records: readonly StoredRecord[];
  readonly quarantined: readonly QuarantinedLine[];
}

type ContextField = "customer" | "environment" | "service" | "version";

/** A record's customer, environment, service or version, with the batch's context applied. */
export function contextualField(
  record: Readonly<Partial<Record<ContextField, string | null>>>,
  context: SourceContext,
  field: ContextField,
): string | null {
  return record[field] ?? context[field] ?? null;
}

/** What a record stores for a field: null when the batch context gives the value. */
function ownValue(
  value: string | undefined,
  context: SourceContext,
  field: ContextField,
): string | null {
  return value === undefined || value === context[field] ? null : value;
}

/**
 * The record the event log keeps for a parsed line: `normalizeRecord`'s
 * values, with what the batch context already says left out, built in one
 * step because ingest does this for every record.
 */
export function storedRecordOf(
  parsed: ParsedLog,
  context: SourceContext,
  observedAt: number,
  line: number,
  offset: number | undefined,
  signatureId: string,
): StoredRecord {
  return {
    timestamp: parsed.timestamp ?? observedAt,
    customer: ownValue(parsed.customer, context, "customer"),
    environment: ownValue(parsed.environment, context, "environment"),
    service: ownValue(parsed.service, context, "service"),
    version: ownValue(parsed.version, context, "version"),
    severityNumber: parsed.severity?.number ?? 0,
    message: parsed.message,
    attributes: toAttributePairs(parsed.attributes),
    line,
    offset: offset ?? null,
    signatureId,
  };
}

export type LogBatchIngested = {
  readonly type: "LogBatchIngested";
  readonly data: LogBatchIngestedData;
};

/** Every event the ingest path writes, in one atomic append per batch. */
export type IngestEvent = MinerEvent | LogBatchIngested;

/** The stream all ingest batches and what the miner learns from them go to. */
export const INGEST_STREAM = "ingest";

/** The stream a person's corrections of the automatic issue grouping go to. */
export const ISSUES_STREAM = "issues";

/** A person said these issues are one problem: `merged` join `issueId`. */
export type IssuesMerged = {
  readonly type: "IssuesMerged";
  readonly data: {
    readonly issueId: string;
    readonly merged: readonly string[];
    readonly by: string | null;
    readonly at: number;
  };
};

/**
 * A person said an issue holds more than one problem: the signatures named
 * leave it (back to the issue they were merged from, or into one of their
 * own); none named undoes every merge into it.
 */
export type IssueSplit = {
  readonly type: "IssueSplit";
  readonly data: {
    readonly issueId: string;
    readonly signatureIds: readonly string[];
    readonly by: string | null;
    readonly at: number;
  };
};

export type IssueCorrection = IssuesMerged | IssueSplit;

/**
 * Every event Loupe appends, discriminated by `type`: what a projection or a
 * use case switches on to read an event's data without a cast. A type not in
 * this union (written by a later version, say) matches no case and is
 * skipped, as it always was.
 */
export type LoupeEvent =
  | IngestEvent
  | IssueCorrection
  | TicketEvent
  | MetricsRecorded
  | RulesConfigured
  | CustomerEvent
  | PrivacyEvent
  | ArticleEvent
  | ArticleFeedbackRecorded
  | AccessEvent
  | SyncEvent;

/** The name of each event Loupe appends. */
export type LoupeEventType = LoupeEvent["type"];
