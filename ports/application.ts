/**
 * The driving side of the hexagon: what the HTTP adapter and the CLIs ask
 * of the application. src/ implements it; adapters only see these types.
 */
import type { QuarantinedLine, SourceContext } from "../domain/log_record.ts";
import type { EncodedRecords, SourcedLog } from "./log_source.ts";
import type { WriteHealth } from "./storage.ts";

export interface IngestRequest {
  readonly source: string;
  readonly format: string;
  readonly context: SourceContext;
  /** Parsed records, or records a file import already encoded for the store. */
  readonly records: readonly SourcedLog[] | EncodedRecords;
  readonly quarantined: readonly QuarantinedLine[];
  /** A retried request with the same key is stored once. */
  readonly idempotencyKey?: string;
  /** A hash of what the keyed request said: the same key for another request is refused. */
  readonly fingerprint?: string;
}

export interface IngestReceipt {
  readonly batchId: string;
  readonly accepted: number;
  readonly quarantined: number;
  /** Position of the batch in the event log; 0 when there was nothing to store. */
  readonly position: number;
  /** True when the idempotency key had been seen: nothing was stored again. */
  readonly duplicate: boolean;
}

/** A signature as the catalogue shows it. */
export interface SignatureSummary {
  readonly signatureId: string;
  readonly template: string;
  readonly severityNumber: number;
  readonly count: number;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /** Distinct known customers that logged it. */
  readonly customers: number;
  /** How many times the template learned that a token is variable. */
  readonly generalizations: number;
}

export interface SignatureQuery {
  readonly customer?: string;
  /** Lowest severity shown, by OpenTelemetry number. */
  readonly minSeverity?: number;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  readonly limit: number;
  readonly offset: number;
}

export interface SignaturePage {
  readonly total: number;
  readonly items: readonly SignatureSummary[];
}

export interface ExampleLine {
  readonly timestamp: number;
  readonly customer: string | null;
  readonly environment: string | null;
  readonly service: string | null;
  readonly version: string | null;
  readonly severityText: string;
  readonly message: string;
  readonly source: string;
  readonly line: number;
}

export interface CustomerCount {
  readonly customer: string | null;
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface SignatureDetail extends SignatureSummary {
  /** The issue it is part of (null before the issue grouping has seen it). */
  readonly issueId?: string | null;
  readonly examples: readonly ExampleLine[];
  readonly byCustomer: readonly CustomerCount[];
}

export interface QuarantinePage {
  readonly total: number;
  readonly items: readonly QuarantinedLine[];
}

export interface ServiceStatus {
  readonly recordsIngested: number;
  readonly linesQuarantined: number;
  readonly batchesIngested: number;
  readonly signatures: number;
  readonly storeBytes: number;
  readonly headPosition: number;
  readonly projectionPosition: number;
  readonly projectionLag: number;
  /** Events the projections skipped because they could not use them, by reason. */
  readonly skippedEvents: readonly { readonly reason: string; readonly count: number }[];
  /** Whether writes are refused since a commit failed. */
  readonly writes: WriteHealth;
}

export interface LoupeApplication {
  ingest(request: IngestRequest): Promise<IngestReceipt>;
  listSignatures(query: SignatureQuery): SignaturePage;
  /** Throws LoupeError not_found for an unknown id. */
  signature(signatureId: string): SignatureDetail;
  quarantine(limit: number, offset: number): QuarantinePage;
  status(): ServiceStatus;
  /** Resolves when projections include everything appended so far. */
  settled(): Promise<void>;
}
