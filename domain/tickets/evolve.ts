import { givenTicketFields, openingTicketFields } from "./fields.ts";
import type { Ticket, TicketEvent, TicketState } from "./types.ts";

/**
 * The ticket after one more event. Events are facts: evolve never refuses
 * one, and an event for a ticket that was never opened leaves no ticket.
 *
 * @example
 * ```ts
 * import { evolve } from "./evolve.ts";
 * import assert from "node:assert/strict";
 * const ticket = evolve(null, {
 *   type: "TicketOpened",
 *   data: {
 *     ticketId: "t1", customer: "acme", environment: "prod", subject: "Checkout fails",
 *     description: "Payment fails", severity: "high", reporter: "ann", externalRef: null,
 *     window: null, openedAt: 1_000, at: 1_000, by: null,
 *   },
 * });
 * assert.equal(ticket?.status, "new");
 * assert.equal(ticket?.version, 1);
 * ```
 */
export function evolve(state: TicketState, event: TicketEvent): TicketState {
  if (event.type === "TicketOpened") {
    const d = event.data;
    return {
      ticketId: d.ticketId,
      version: (state?.version ?? 0) + 1,
      customer: d.customer,
      environment: d.environment,
      // A field added after the ticket was opened reads as null from older events.
      ...openingTicketFields(d),
      severity: d.severity,
      status: "new",
      reporter: d.reporter,
      assignee: null,
      openedAt: d.openedAt,
      updatedAt: d.at,
      closedAt: null,
      comments: [],
      signatures: [],
      logEvents: [],
      resolution: null,
      resolutions: [],
      escalations: 0,
    };
  }
  if (state === null) return null;
  const next: Ticket = { ...state, version: state.version + 1, updatedAt: event.data.at };
  switch (event.type) {
    case "TicketEdited":
      return { ...next, ...givenTicketFields(event.data) };
    case "TicketCommented":
      return {
        ...next,
        comments: [...state.comments, {
          commentId: event.data.commentId,
          author: event.data.author,
          body: event.data.body,
          visibility: event.data.visibility,
          at: event.data.at,
        }],
      };
    case "TicketStatusChanged": {
      const to = event.data.to;
      const finished = to === "solved" || to === "closed";
      return {
        ...next,
        status: to,
        closedAt: finished ? event.data.at : null,
        escalations: state.escalations +
          (to === "escalated" && state.status !== "escalated" ? 1 : 0),
        // A reopened ticket needs a new resolution before it can be solved again.
        resolution: finished ? state.resolution : null,
      };
    }
    case "TicketAssigned":
      return { ...next, assignee: event.data.assignee };
    case "TicketSeverityChanged":
      return { ...next, severity: event.data.to };
    case "TicketSignatureLinked":
      return { ...next, signatures: [...state.signatures, event.data.signatureId] };
    case "TicketSignatureUnlinked":
      return {
        ...next,
        signatures: state.signatures.filter((id) => id !== event.data.signatureId),
      };
    case "TicketLogEventLinked":
      return { ...next, logEvents: [...state.logEvents, event.data.logEventId] };
    case "TicketLogEventUnlinked":
      return { ...next, logEvents: state.logEvents.filter((id) => id !== event.data.logEventId) };
    case "TicketResolved": {
      const resolution = {
        rootCause: event.data.rootCause,
        solution: event.data.solution,
        prevention: event.data.prevention,
        resolver: event.data.resolver,
        at: event.data.at,
      };
      return { ...next, resolution, resolutions: [...state.resolutions, resolution] };
    }
    default:
      return unreachable(event);
  }
}

/** The ticket its events describe, from the first. */
export function replayTicket(events: readonly TicketEvent[]): TicketState {
  return events.reduce<TicketState>(evolve, null);
}

function unreachable(event: never): never {
  throw new Error(`Cannot evolve: unknown event ${(event as { type: string }).type}`);
}
