import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import {
  decide,
  evolve,
  type Ticket,
  type TicketCommand,
  TicketRuleViolation,
  type TicketState,
  ticketStream,
} from "../../domain/tickets/mod.ts";
import { dumpTables } from "../../test/support/app.ts";
import { Projector } from "../app/projector.ts";
import { TICKET_TABLES, ticketProjection } from "./tickets.ts";

const TICKETS = ["t1", "t2", "t3"];

const step = fc.record({
  ticket: fc.constantFrom(...TICKETS),
  command: fc.oneof(
    fc.record({
      type: fc.constantFrom("LinkSignature" as const, "UnlinkSignature" as const),
      signatureId: fc.constantFrom("sig_a", "sig_b", "sig_c"),
    }, { noNullPrototype: true }),
    fc.record({
      type: fc.constantFrom("LinkLogEvent" as const, "UnlinkLogEvent" as const),
      logEventId: fc.constantFrom("3:0", "3:1", "9:4"),
    }, { noNullPrototype: true }),
    fc.record({
      type: fc.constant("ChangeTicketStatus" as const),
      status: fc.constantFrom("open" as const, "pending" as const, "escalated" as const),
      reason: fc.constant(null),
    }, { noNullPrototype: true }),
    fc.record({
      type: fc.constant("AssignTicket" as const),
      assignee: fc.constantFrom("ann", "bob", null),
    }, { noNullPrototype: true }),
  ),
}, { noNullPrototype: true });

/** Appends the accepted commands' events to a memory store, one append per command. */
async function storeOf(steps: readonly { ticket: string; command: TicketCommand }[]) {
  const store = new MemoryEventStore({ clock: { now: () => 1 } });
  const states = new Map<string, TicketState>();
  const append = async (ticketId: string, command: TicketCommand, at: number) => {
    const state = states.get(ticketId) ?? null;
    let events;
    try {
      events = decide(command, state, { at, by: null });
    } catch (error) {
      assert.ok(error instanceof TicketRuleViolation);
      return;
    }
    if (events.length === 0) return;
    await store.append(ticketStream(ticketId), events, { expectedVersion: state?.version ?? 0 });
    states.set(ticketId, events.reduce<TicketState>(evolve, state));
  };
  for (const ticketId of TICKETS) {
    await append(ticketId, {
      type: "OpenTicket",
      ticketId,
      customer: ticketId === "t3" ? "globex" : "acme",
      environment: "prod",
      subject: "s",
      description: "d",
      severity: "high",
      reporter: "r",
      externalRef: null,
      window: null,
      openedAt: null,
    }, 0);
  }
  let at = 1;
  for (const { ticket, command } of steps) await append(ticket, command, at++);
  return { store, states };
}

async function project(store: MemoryEventStore, chunkSize: number) {
  const projections = new MemoryProjectionStore();
  await new Projector(store, projections, [ticketProjection], { chunkSize }).catchUp();
  return projections;
}

Deno.test("links stay symmetric: a ticket's links are exactly the signature -> tickets index", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 50 }), async (steps) => {
      const { store, states } = await storeOf(steps);
      const projections = await project(store, 16);
      const fromIndex = new Map<string, Set<string>>();
      for (const { key } of projections.range(TICKET_TABLES.signatureTickets)) {
        const set = fromIndex.get(String(key[1])) ?? new Set();
        set.add(String(key[0]));
        fromIndex.set(String(key[1]), set);
      }
      const logIndex = new Map<string, Set<string>>();
      for (const { key } of projections.range(TICKET_TABLES.logEventTickets)) {
        const set = logIndex.get(String(key[1])) ?? new Set();
        set.add(String(key[0]));
        logIndex.set(String(key[1]), set);
      }
      for (const ticketId of TICKETS) {
        const ticket = projections.get<Ticket>(TICKET_TABLES.tickets, [ticketId])!;
        assert.deepEqual(
          ticket,
          states.get(ticketId),
          "the projection holds the aggregate's state",
        );
        assert.deepEqual(new Set(ticket.signatures), fromIndex.get(ticketId) ?? new Set());
        assert.deepEqual(new Set(ticket.logEvents), logIndex.get(ticketId) ?? new Set());
      }
    }),
    { numRuns: 100 },
  );
});

Deno.test("the indexes list each ticket once, under its current values only", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(step, { maxLength: 40 }), async (steps) => {
      const { store, states } = await storeOf(steps);
      const projections = await project(store, 5);
      const entries = [...projections.range(TICKET_TABLES.index)].map((e) => e.key.join("|"));
      const expected = TICKETS.flatMap((id) => {
        const t = states.get(id)!;
        return [
          `status|${t.status}|${id}`,
          `customer|${t.customer}|${id}`,
          `environment|${t.environment}|${id}`,
          `severity|${t.severity}|${id}`,
          `assignee|${t.assignee ?? ""}|${id}`,
        ];
      });
      assert.deepEqual(entries.sort(), expected.sort());
    }),
    { numRuns: 60 },
  );
});

Deno.test("the ticket tables are the same however the events are chunked", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(step, { maxLength: 40 }),
      fc.integer({ min: 1, max: 7 }),
      async (steps, chunkSize) => {
        const { store } = await storeOf(steps);
        const whole = await project(store, 1000);
        const chunked = await project(store, chunkSize);
        assert.deepEqual(
          dumpTables(chunked, ticketProjection.tables),
          dumpTables(whole, ticketProjection.tables),
        );
      },
    ),
    { numRuns: 40 },
  );
});
