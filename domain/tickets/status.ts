import type { TicketStatus } from "./types.ts";

/**
 * The legal status transitions. `solved` is reached only by recording a
 * resolution, so a solved ticket always says why; `solved -> open` reopens
 * it; `closed` is final, as in the ticketing systems support teams use: a
 * problem that comes back gets a new ticket.
 */
export const TRANSITIONS: Readonly<Record<TicketStatus, readonly TicketStatus[]>> = {
  new: ["open", "pending", "escalated", "solved"],
  open: ["pending", "escalated", "solved"],
  pending: ["open", "escalated", "solved"],
  escalated: ["open", "pending", "solved"],
  solved: ["open", "closed"],
  closed: [],
};

/**
 * @example
 * ```ts
 * import { canTransition } from "./status.ts";
 * import assert from "node:assert/strict";
 * assert.equal(canTransition("solved", "open"), true);
 * assert.equal(canTransition("closed", "open"), false);
 * ```
 */
export function canTransition(from: TicketStatus, to: TicketStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/** Statuses in which the ticket still needs work. */
export function isOpenStatus(status: TicketStatus): boolean {
  return status !== "solved" && status !== "closed";
}
