import assert from "node:assert/strict";
import type { Ticket } from "../tickets/mod.ts";
import { agentHoursPerTicket, handleHours, MIN_MEASURED_TICKETS } from "./handle_time.ts";

const HOUR = 3_600_000;

function ticket(i: number, agentReplies: readonly number[], resolvedAt: number | null): Ticket {
  return {
    ticketId: `t${i}`,
    version: 1,
    customer: "acme",
    environment: "prod",
    subject: "s",
    description: "d",
    severity: "medium",
    status: resolvedAt === null ? "open" : "solved",
    reporter: "ann@acme.example",
    assignee: null,
    externalRef: null,
    window: null,
    openedAt: 0,
    updatedAt: 0,
    closedAt: resolvedAt,
    comments: [
      { commentId: "c0", author: "ann@acme.example", body: "help", visibility: "public", at: 0 },
      ...agentReplies.map((at, k) => ({
        commentId: `c${k + 1}`,
        author: "farid",
        body: "on it",
        visibility: "public" as const,
        at,
      })),
    ],
    signatures: [],
    logEvents: [],
    resolution: null,
    resolutions: resolvedAt === null
      ? []
      : [{ rootCause: "r", solution: "s", prevention: null, resolver: "farid", at: resolvedAt }],
    escalations: 0,
  };
}

Deno.test("handle time: agent events within 30 minutes are one session; the customer's own comments are not work", () => {
  // A reply at 1 h, a note 20 min later, the resolution 2 days on: two sessions.
  const t = ticket(1, [HOUR, HOUR + HOUR / 3], 49 * HOUR);
  assert.ok(Math.abs(handleHours(t, Infinity)! - (1 / 3 + 1 / 6 + 1 / 6)) < 1e-9);
  // Only what happened by `until` counts.
  assert.ok(Math.abs(handleHours(t, 2 * HOUR)! - (1 / 3 + 1 / 6)) < 1e-9);
  assert.equal(handleHours(ticket(2, [], 5 * HOUR), Infinity), null);
});

Deno.test("staffing's agent hours are measured from recent resolved tickets, else assumed and said so", () => {
  const asOf = 30 * 24 * HOUR;
  const enough = Array.from(
    { length: MIN_MEASURED_TICKETS },
    (_, i) => ticket(i, [HOUR], 10 * 24 * HOUR),
  );
  const measured = agentHoursPerTicket(enough, asOf, 1.5);
  assert.equal(measured.source, "measured");
  assert.equal(measured.tickets, MIN_MEASURED_TICKETS);
  // One reply, then the resolution days later: two touches of 10 minutes.
  assert.ok(Math.abs(measured.hoursPerTicket - 1 / 3) < 1e-3);

  const few = agentHoursPerTicket(enough.slice(1), asOf, 1.5);
  assert.equal(few.source, "assumed");
  assert.equal(few.hoursPerTicket, 1.5);
  assert.match(few.basis, /only 19 tickets/);

  // Resolved long before the last 8 weeks, or after the forecast is made: not measured.
  const stale = agentHoursPerTicket(enough, 200 * 24 * HOUR, 1.5);
  assert.equal(stale.source, "assumed");
});
