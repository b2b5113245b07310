/**
 * The driving port of the ticket side: what the HTTP adapter asks of tickets,
 * metrics, rules and correlation. src/tickets implements it.
 */
import type { ScoredSignature } from "../domain/correlation/mod.ts";
import type { Finding, MetricsSnapshot, Rule } from "../domain/rules/mod.ts";
import type {
  CommentVisibility,
  ExternalRef,
  OpeningTicketFields,
  Ticket,
  TicketFieldChanges,
  TicketSeverity,
  TicketStatus,
  TimeWindow,
} from "../domain/tickets/mod.ts";
import type { LogRecord } from "../domain/log_record.ts";

/** Who asks, and what version of the ticket they last saw (If-Match). */
export interface WriteOptions {
  readonly by?: string | null;
  /** The version the caller saw; a different current version is refused (412). */
  readonly expectedVersion?: number;
}

/** The editable fields (`domain/tickets/fields.ts`), and who the ticket is for. */
export interface OpenTicketRequest extends OpeningTicketFields {
  readonly customer: string;
  readonly environment: string;
  readonly severity: TicketSeverity;
  readonly reporter: string;
  /** For tickets imported from elsewhere: when the customer reported it. */
  readonly openedAt?: number | null;
}

/** A PATCH: every field optional; the ones given are applied together. */
export interface TicketUpdate extends TicketFieldChanges {
  readonly status?: TicketStatus;
  readonly statusReason?: string | null;
  /** null unassigns. */
  readonly assignee?: string | null;
  readonly severity?: TicketSeverity;
}

export interface CommentRequest {
  readonly author: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
}

export interface LinkRequest {
  readonly signatureIds?: readonly string[];
  /** `"<position>:<index>"` of a record within its ingest batch. */
  readonly logEventIds?: readonly string[];
}

export interface ResolutionRequest {
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention?: string | null;
  readonly resolver: string;
}

/** A ticket as lists show it. */
export interface TicketSummary {
  readonly ticketId: string;
  readonly version: number;
  readonly customer: string;
  readonly environment: string;
  readonly subject: string;
  readonly severity: TicketSeverity;
  readonly status: TicketStatus;
  readonly assignee: string | null;
  readonly reporter: string;
  readonly externalRef: ExternalRef | null;
  readonly openedAt: number;
  readonly updatedAt: number;
  readonly closedAt: number | null;
  readonly signatures: number;
  readonly logEvents: number;
}

export interface TicketQuery {
  readonly status?: readonly TicketStatus[];
  readonly customer?: string;
  readonly environment?: string;
  readonly severity?: readonly TicketSeverity[];
  /** `null`: only unassigned tickets. */
  readonly assignee?: string | null;
  /** Newest opened first by default. */
  readonly sort?: TicketSort;
  readonly limit: number;
  readonly offset: number;
}

/** Orders a ticket list can be read in. */
export const TICKET_SORTS = ["newest", "oldest", "updated", "severity"] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export interface TicketPage {
  readonly total: number;
  readonly items: readonly TicketSummary[];
}

export interface TicketHistoryEntry {
  readonly version: number;
  readonly type: string;
  readonly at: number;
  readonly by: string | null;
  readonly data: Record<string, unknown>;
}

export interface TicketDetail {
  readonly ticket: Ticket;
  readonly history: readonly TicketHistoryEntry[];
}

export interface LogQuery {
  /** Lowest severity shown, by OpenTelemetry number. */
  readonly minSeverity?: number;
  /** Case-insensitive text the message must contain. */
  readonly text?: string;
  /** Narrows the ticket's window. */
  readonly from?: number;
  readonly to?: number;
  readonly limit: number;
  /** From a previous page's `nextCursor`. */
  readonly cursor?: string;
}

export interface LogLine extends
  Pick<
    LogRecord,
    | "timestamp"
    | "customer"
    | "environment"
    | "service"
    | "version"
    | "severityNumber"
    | "severityText"
    | "message"
  > {
  /** `"<position>:<index>"`: what to link to the ticket. */
  readonly logEventId: string;
  readonly signatureId: string;
  readonly source: string;
  readonly line: number;
}

export interface LogPage {
  readonly window: TimeWindow;
  readonly items: readonly LogLine[];
  /** null on the last page. */
  readonly nextCursor: string | null;
}

export interface MetricsView {
  readonly window: TimeWindow;
  readonly snapshots: readonly MetricsSnapshot[];
  readonly findings: readonly Finding[];
  readonly rulesVersion: number;
}

export interface MetricsQuery {
  readonly environment: string;
  readonly customer?: string;
  readonly from: number;
  readonly to: number;
  readonly limit: number;
}

export interface MetricsReceipt {
  readonly accepted: number;
  /** 0 when there was nothing to store. */
  readonly position: number;
}

export interface RuleSetView {
  readonly version: number;
  /** `default` until a rule set is configured. */
  readonly source: "default" | "configured";
  readonly rules: readonly Rule[];
}

export interface CandidateStats {
  readonly countInWindow: number;
  readonly peakHourInWindow: number;
  readonly countBefore: number;
  readonly beforeHours: number;
  readonly envFirstSeen: number | null;
  readonly customersAffected: number;
  readonly totalCustomers: number;
}

export interface Candidate extends ScoredSignature {
  /** The issue it stands for: candidates are one per issue. */
  readonly issueId?: string | null;
  readonly severityNumber: number;
  readonly rank: number;
  readonly linked: boolean;
  readonly stats: CandidateStats;
}

export interface CandidateList {
  readonly ticketId: string;
  readonly window: TimeWindow;
  /** Signatures this customer environment logged in the window. */
  readonly considered: number;
  readonly candidates: readonly Candidate[];
}

export interface ProbableTicket {
  readonly ticket: TicketSummary;
  readonly score: number;
  /** The signature's rank among the ticket's candidates, from 1. */
  readonly rank: number;
  readonly reasons: readonly string[];
}

export interface SignatureTickets {
  readonly signatureId: string;
  /** Tickets linked to the signature, in either direction. */
  readonly linked: readonly TicketSummary[];
  /** Open tickets that probably describe it, best first. */
  readonly probable: readonly ProbableTicket[];
}

export interface TicketApi {
  openTicket(request: OpenTicketRequest, options?: WriteOptions): Promise<Ticket>;
  listTickets(query: TicketQuery): TicketPage;
  /** Throws LoupeError not_found. */
  ticket(ticketId: string): Promise<TicketDetail>;
  updateTicket(ticketId: string, update: TicketUpdate, options?: WriteOptions): Promise<Ticket>;
  comment(ticketId: string, comment: CommentRequest, options?: WriteOptions): Promise<Ticket>;
  link(ticketId: string, links: LinkRequest, options?: WriteOptions): Promise<Ticket>;
  unlink(ticketId: string, links: LinkRequest, options?: WriteOptions): Promise<Ticket>;
  resolve(ticketId: string, resolution: ResolutionRequest, options?: WriteOptions): Promise<Ticket>;
  ticketLogs(ticketId: string, query: LogQuery): Promise<LogPage>;
  ticketMetrics(ticketId: string): Promise<MetricsView>;
  candidates(ticketId: string, limit: number): Promise<CandidateList>;
  signatureTickets(signatureId: string, limit: number): Promise<SignatureTickets>;
  recordMetrics(snapshots: readonly MetricsSnapshot[]): Promise<MetricsReceipt>;
  metrics(query: MetricsQuery): MetricsView;
  rules(): RuleSetView;
  configureRules(rules: readonly Rule[], options?: WriteOptions): Promise<RuleSetView>;
}
