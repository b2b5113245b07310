/**
 * A ticket's history as the states it went through, each with the change
 * that made it, in words: what a prediction update is shown with.
 *
 * @module
 */
import { evolve, type Ticket, type TicketEvent } from "../tickets/mod.ts";

export interface TicketStep {
  readonly event: TicketEvent;
  /** The ticket right after the event. */
  readonly state: Ticket;
  readonly change: string;
}

/**
 * The states of a ticket after each of its events dated at or before `at`
 * (all of them by default), oldest first.
 *
 * @example
 * ```ts
 * import { ticketSteps } from "./ticket_changes.ts";
 * import assert from "node:assert/strict";
 * const base = { ticketId: "t1", by: null };
 * const steps = ticketSteps([
 *   { type: "TicketOpened", data: { ...base, at: 0, customer: "acme", environment: "prod",
 *     subject: "Export fails", description: "It fails", severity: "high", reporter: "ann",
 *     externalRef: null, window: null, openedAt: 0 } },
 *   { type: "TicketSeverityChanged", data: { ...base, at: 5, from: "high", to: "critical" } },
 *   { type: "TicketCommented", data: { ...base, at: 9, commentId: "c1", author: "ann",
 *     body: "Still failing", visibility: "public" } },
 * ], 8);
 * assert.deepEqual(steps.map((s) => s.change), [
 *   "opened (high)",
 *   "severity high → critical",
 * ]);
 * ```
 */
export function ticketSteps(events: readonly TicketEvent[], at = Infinity): TicketStep[] {
  const steps: TicketStep[] = [];
  let state: Ticket | null = null;
  for (const event of events) {
    if (event.data.at > at) break;
    const before: Ticket | null = state;
    state = evolve(state, event);
    if (state === null) continue;
    steps.push({ event, state, change: describeChange(event, before, state) });
  }
  return steps;
}

function describeChange(event: TicketEvent, before: Ticket | null, after: Ticket): string {
  switch (event.type) {
    case "TicketOpened":
      return `opened (${after.severity})`;
    case "TicketEdited":
      return before !== null && before.subject !== after.subject
        ? `subject edited: "${after.subject}"`
        : "description or window edited";
    case "TicketCommented":
      return `${
        event.data.visibility === "internal" ? "internal note" : "comment"
      } by ${event.data.author}${event.data.author === after.reporter ? " (the reporter)" : ""}`;
    case "TicketStatusChanged":
      return `status ${event.data.from} → ${event.data.to}`;
    case "TicketAssigned":
      return event.data.assignee === null ? "unassigned" : `assigned to ${event.data.assignee}`;
    case "TicketSeverityChanged":
      return `severity ${event.data.from} → ${event.data.to}`;
    case "TicketSignatureLinked":
      return `linked to signature ${event.data.signatureId}`;
    case "TicketSignatureUnlinked":
      return `unlinked from signature ${event.data.signatureId}`;
    case "TicketLogEventLinked":
      return `log event ${event.data.logEventId} linked`;
    case "TicketLogEventUnlinked":
      return `log event ${event.data.logEventId} unlinked`;
    case "TicketResolved":
      return `resolved by ${event.data.resolver}`;
  }
}
