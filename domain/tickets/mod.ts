/**
 * The support ticket aggregate: `decide(command, state, metadata) -> events`
 * and `evolve(state, event) -> state`, pure and exhaustive. A ticket's stream
 * is `ticket-<id>`; its version is the number of events in it.
 *
 * @example
 * ```ts
 * import { decide, evolve, type TicketState } from "./mod.ts";
 * import assert from "node:assert/strict";
 * let ticket: TicketState = null;
 * const at = { at: 1_000, by: "agent" };
 * for (const event of decide({
 *   type: "OpenTicket", ticketId: "t1", customer: "acme", environment: "prod",
 *   subject: "Checkout fails", description: "Payment fails", severity: "high",
 *   reporter: "ann", externalRef: null, window: null, openedAt: null,
 * }, ticket, at)) ticket = evolve(ticket, event);
 * assert.deepEqual(decide({ type: "AssignTicket", assignee: null }, ticket, at), []);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export {
  givenTicketFields,
  type OpeningTicketFields,
  TICKET_FIELD_NAMES,
  TICKET_FIELDS,
  type TicketFieldChanges,
  type TicketFieldName,
  type TicketFieldRule,
  type TicketFields,
} from "./fields.ts";
export * from "./errors.ts";
export * from "./status.ts";
export { decide, legalTargets, parseLogEventId } from "./decide.ts";
export { evolve, replayTicket } from "./evolve.ts";
export { resolveTicketEnvironment } from "./environment.ts";
