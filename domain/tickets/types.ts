/**
 * A support ticket as plain data: its state, the commands that ask to change
 * it and the events that record what changed. Times are epoch milliseconds.
 * The fields a ticket is opened with and may edit (subject, description,
 * window, external reference...) are listed once, in `fields.ts`.
 */
import type { OpeningTicketFields, TicketFieldChanges, TicketFields } from "./fields.ts";

export const TICKET_STATUSES = ["new", "open", "pending", "escalated", "solved", "closed"] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const TICKET_SEVERITIES = ["critical", "high", "medium", "low"] as const;
export type TicketSeverity = (typeof TICKET_SEVERITIES)[number];

export type CommentVisibility = "public" | "internal";

/** Where the ticket lives in an outside ticketing system (Zendesk, Jira...). */
export interface ExternalRef {
  readonly system: string;
  readonly id: string;
}

/** When the customer says the problem happened; `to` is exclusive. */
export interface TimeWindow {
  readonly from: number;
  readonly to: number;
}

export interface TicketComment {
  readonly commentId: string;
  readonly author: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
  readonly at: number;
}

export interface Resolution {
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention: string | null;
  readonly resolver: string;
  readonly at: number;
}

export interface Ticket extends TicketFields {
  readonly ticketId: string;
  /** Number of events in the ticket's stream: the ETag clients send back. */
  readonly version: number;
  readonly customer: string;
  readonly environment: string;
  readonly severity: TicketSeverity;
  readonly status: TicketStatus;
  readonly reporter: string;
  readonly assignee: string | null;
  readonly openedAt: number;
  readonly updatedAt: number;
  /** When the ticket was last solved or closed; null while it is being worked on. */
  readonly closedAt: number | null;
  readonly comments: readonly TicketComment[];
  /** Linked signature ids, in the order they were linked. */
  readonly signatures: readonly string[];
  /** Linked log events, `"<position>:<index>"`, in the order they were linked. */
  readonly logEvents: readonly string[];
  /** The resolution in force: set when solved, cleared when reopened. */
  readonly resolution: Resolution | null;
  /** Every resolution ever recorded, oldest first. */
  readonly resolutions: readonly Resolution[];
  /** How many times it was escalated: part of what an issue costs support. */
  readonly escalations: number;
}

/** Before its first event a ticket does not exist. */
export type TicketState = Ticket | null;

/** Who asks and when: the clock and the caller live outside the domain. */
export interface CommandMetadata {
  readonly at: number;
  readonly by: string | null;
}

export interface OpenTicket extends OpeningTicketFields {
  readonly type: "OpenTicket";
  readonly ticketId: string;
  readonly customer: string;
  readonly environment: string;
  readonly severity: TicketSeverity;
  readonly reporter: string;
  /** When the customer reported it, for tickets imported from elsewhere; default: now. */
  readonly openedAt: number | null;
}

/** Only the fields given change; null removes a field that may be null (the window...). */
export interface EditTicket extends TicketFieldChanges {
  readonly type: "EditTicket";
}

export interface CommentOnTicket {
  readonly type: "CommentOnTicket";
  readonly commentId: string;
  readonly author: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
}

export interface ChangeTicketStatus {
  readonly type: "ChangeTicketStatus";
  readonly status: TicketStatus;
  readonly reason: string | null;
}

export interface AssignTicket {
  readonly type: "AssignTicket";
  /** null leaves the ticket unassigned. */
  readonly assignee: string | null;
}

export interface ChangeTicketSeverity {
  readonly type: "ChangeTicketSeverity";
  readonly severity: TicketSeverity;
}

export interface LinkSignature {
  readonly type: "LinkSignature";
  readonly signatureId: string;
}

export interface UnlinkSignature {
  readonly type: "UnlinkSignature";
  readonly signatureId: string;
}

export interface LinkLogEvent {
  readonly type: "LinkLogEvent";
  readonly logEventId: string;
}

export interface UnlinkLogEvent {
  readonly type: "UnlinkLogEvent";
  readonly logEventId: string;
}

export interface ResolveTicket {
  readonly type: "ResolveTicket";
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention: string | null;
  readonly resolver: string;
}

export type TicketCommand =
  | OpenTicket
  | EditTicket
  | CommentOnTicket
  | ChangeTicketStatus
  | AssignTicket
  | ChangeTicketSeverity
  | LinkSignature
  | UnlinkSignature
  | LinkLogEvent
  | UnlinkLogEvent
  | ResolveTicket;

interface EventOf<T extends string, D> {
  readonly type: T;
  readonly data: D & { readonly ticketId: string; readonly at: number; readonly by: string | null };
}

export type TicketOpened = EventOf<
  "TicketOpened",
  TicketFields & {
    readonly customer: string;
    readonly environment: string;
    readonly severity: TicketSeverity;
    readonly reporter: string;
    readonly openedAt: number;
  }
>;

/** Only the fields that changed are present. */
export type TicketEdited = EventOf<"TicketEdited", TicketFieldChanges>;

export type TicketCommented = EventOf<"TicketCommented", {
  readonly commentId: string;
  readonly author: string;
  readonly body: string;
  readonly visibility: CommentVisibility;
}>;

export type TicketStatusChanged = EventOf<"TicketStatusChanged", {
  readonly from: TicketStatus;
  readonly to: TicketStatus;
  readonly reason: string | null;
}>;

export type TicketAssigned = EventOf<"TicketAssigned", {
  readonly assignee: string | null;
  readonly previous: string | null;
}>;

export type TicketSeverityChanged = EventOf<"TicketSeverityChanged", {
  readonly from: TicketSeverity;
  readonly to: TicketSeverity;
}>;

export type TicketSignatureLinked = EventOf<"TicketSignatureLinked", {
  readonly signatureId: string;
}>;

export type TicketSignatureUnlinked = EventOf<"TicketSignatureUnlinked", {
  readonly signatureId: string;
}>;

export type TicketLogEventLinked = EventOf<"TicketLogEventLinked", {
  readonly logEventId: string;
}>;

export type TicketLogEventUnlinked = EventOf<"TicketLogEventUnlinked", {
  readonly logEventId: string;
}>;

export type TicketResolved = EventOf<"TicketResolved", {
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention: string | null;
  readonly resolver: string;
}>;

export type TicketEvent =
  | TicketOpened
  | TicketEdited
  | TicketCommented
  | TicketStatusChanged
  | TicketAssigned
  | TicketSeverityChanged
  | TicketSignatureLinked
  | TicketSignatureUnlinked
  | TicketLogEventLinked
  | TicketLogEventUnlinked
  | TicketResolved;

export const TICKET_EVENT_TYPES: readonly TicketEvent["type"][] = [
  "TicketOpened",
  "TicketEdited",
  "TicketCommented",
  "TicketStatusChanged",
  "TicketAssigned",
  "TicketSeverityChanged",
  "TicketSignatureLinked",
  "TicketSignatureUnlinked",
  "TicketLogEventLinked",
  "TicketLogEventUnlinked",
  "TicketResolved",
];

const TICKET_EVENT_TYPE_SET: ReadonlySet<string> = new Set(TICKET_EVENT_TYPES);

/** Whether an event read from the store is one of a ticket's, by its type. */
export function isTicketEvent<E extends { readonly type: string }>(
  event: E,
): event is E & TicketEvent {
  return TICKET_EVENT_TYPE_SET.has(event.type);
}

/** The event stream of one ticket. */
export function ticketStream(ticketId: string): string {
  return `ticket-${ticketId}`;
}

export const TICKET_STREAM_PREFIX = "ticket-";
