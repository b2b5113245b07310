import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import type { TicketSummary } from "../../ports/tickets.ts";
import {
  evolve,
  isTicketEvent,
  type Ticket,
  TICKET_STREAM_PREFIX,
  type TicketEvent,
} from "../../domain/tickets/mod.ts";
import type { Projection } from "./projection.ts";

export const TICKET_TABLES = {
  /** [ticketId] -> Ticket */
  tickets: "tickets",
  /** [field, value, ticketId] -> 1, field in status, customer, environment, severity, assignee */
  index: "ticket_index",
  /** [signatureId, ticketId] -> time linked */
  signatureTickets: "signature_tickets",
  /** [logEventId, ticketId] -> time linked */
  logEventTickets: "log_event_tickets",
} as const;

export type IndexedField = "status" | "customer" | "environment" | "severity" | "assignee";
const INDEXED: readonly IndexedField[] = [
  "status",
  "customer",
  "environment",
  "severity",
  "assignee",
];

/** Index key part for an unassigned ticket. */
export const UNASSIGNED = "";

/**
 * Tickets as read models: each ticket's state, the indexes lists filter by,
 * and the signature -> tickets links, kept symmetric with each ticket's own
 * links because both follow the same events.
 */
export const ticketProjection: Projection = {
  name: "tickets",
  tables: Object.values(TICKET_TABLES),
  apply(events, tx) {
    // Applied event by event through the transaction: the result does not
    // depend on where the chunks are cut.
    for (const event of events) {
      if (event.stream.startsWith(TICKET_STREAM_PREFIX) && isTicketEvent(event)) {
        applyTicketEvent(event, tx);
      }
    }
  },
};

function applyTicketEvent(event: TicketEvent, tx: ProjectionWriter): void {
  const ticketId = event.data.ticketId;
  const before = tx.get<Ticket>(TICKET_TABLES.tickets, [ticketId]) ?? null;
  const after = evolve(before, event);
  if (after === null) return;
  tx.put(TICKET_TABLES.tickets, [ticketId], after);
  for (const field of INDEXED) {
    const old = before === null ? undefined : indexValue(before, field);
    const now = indexValue(after, field);
    if (old === now) continue;
    if (old !== undefined) tx.remove(TICKET_TABLES.index, [field, old, ticketId]);
    tx.put(TICKET_TABLES.index, [field, now, ticketId], 1);
  }
  switch (event.type) {
    case "TicketSignatureLinked":
      tx.put(TICKET_TABLES.signatureTickets, [event.data.signatureId, ticketId], event.data.at);
      return;
    case "TicketSignatureUnlinked":
      tx.remove(TICKET_TABLES.signatureTickets, [event.data.signatureId, ticketId]);
      return;
    case "TicketLogEventLinked":
      tx.put(TICKET_TABLES.logEventTickets, [event.data.logEventId, ticketId], event.data.at);
      return;
    case "TicketLogEventUnlinked":
      tx.remove(TICKET_TABLES.logEventTickets, [event.data.logEventId, ticketId]);
      return;
    default:
      return;
  }
}

function indexValue(ticket: Ticket, field: IndexedField): string {
  switch (field) {
    case "status":
      return ticket.status;
    case "customer":
      return ticket.customer;
    case "environment":
      return ticket.environment;
    case "severity":
      return ticket.severity;
    case "assignee":
      return ticket.assignee ?? UNASSIGNED;
  }
}

export function summaryOf(ticket: Ticket): TicketSummary {
  return {
    ticketId: ticket.ticketId,
    version: ticket.version,
    customer: ticket.customer,
    environment: ticket.environment,
    subject: ticket.subject,
    severity: ticket.severity,
    status: ticket.status,
    assignee: ticket.assignee,
    reporter: ticket.reporter,
    externalRef: ticket.externalRef,
    openedAt: ticket.openedAt,
    updatedAt: ticket.updatedAt,
    closedAt: ticket.closedAt,
    signatures: ticket.signatures.length,
    logEvents: ticket.logEvents.length,
  };
}

/** Ticket ids indexed under one value of a field. */
export function indexedIds(
  reader: ProjectionReader,
  field: IndexedField,
  value: string,
): string[] {
  return [...reader.range<number>(TICKET_TABLES.index, { prefix: [field, value] })].map((e) =>
    String(e.key[2])
  );
}

export function indexCount(reader: ProjectionReader, field: IndexedField, value: string): number {
  return reader.count(TICKET_TABLES.index, [field, value]);
}
