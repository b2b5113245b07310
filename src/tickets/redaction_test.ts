import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { type RedactionRules, Redactor } from "../../domain/redaction/mod.ts";
import { METRICS_STREAM } from "../../domain/rules/types.ts";
import { ticketStream } from "../../domain/tickets/mod.ts";
import { TicketService } from "./mod.ts";

const T0 = Date.UTC(2026, 2, 1);

/** Tickets over an in-memory store whose every value pseudonym is `c0ffee`. */
function redactingTickets(rules: RedactionRules = {}) {
  const store = new MemoryEventStore({ clock: { now: () => T0 } });
  let id = 0;
  const tickets = new TicketService({
    store,
    projections: new MemoryProjectionStore(),
    clock: { now: () => T0 },
    newId: () => `01TEST${String(++id).padStart(8, "0")}`,
    defaultRules: [],
    settled: () => Promise.resolve(),
    redactor: new Redactor(rules, () => "c0ffee"),
  });
  return { store, tickets };
}

Deno.test("ticket texts are redacted before they are stored, with the customer's rules", async () => {
  const { store, tickets } = redactingTickets({ customers: { globex: { disabled: ["phone"] } } });
  const opened = await tickets.openTicket({
    customer: "acme",
    environment: "prod",
    subject: "Refund for ann@acme.test",
    description: "Card 4111 1111 1111 1111 charged twice, call +44 20 7946 0958",
    severity: "high",
    reporter: "ann@acme.test",
  });
  await tickets.comment(opened.ticketId, {
    author: "agent",
    body: "password=hunter2 was in the screenshot",
    visibility: "internal",
  });
  await tickets.resolve(opened.ticketId, {
    rootCause: "Retry sent twice to ann@acme.test",
    solution: "Refunded",
    prevention: null,
    resolver: "agent",
  });
  const other = await tickets.openTicket({
    customer: "globex",
    environment: "prod",
    subject: "Call +44 20 7946 0958",
    description: "from bob@globex.test",
    severity: "low",
    reporter: "bob",
  });

  const stored = JSON.stringify(await store.readStream(ticketStream(opened.ticketId)));
  for (const value of ["ann@acme.test", "4111 1111 1111 1111", "+44 20 7946 0958", "hunter2"]) {
    assert.ok(!stored.includes(value), value);
  }
  assert.ok(stored.includes("Refund for <email:c0ffee>"));
  assert.ok(stored.includes("password=<secret:c0ffee>"));
  const globex = JSON.stringify(await store.readStream(ticketStream(other.ticketId)));
  assert.ok(globex.includes("Call +44 20 7946 0958"));
  assert.ok(globex.includes("from <email:c0ffee>"));
});

Deno.test("metric names are redacted before they are stored; plain names are kept", async () => {
  const { store, tickets } = redactingTickets();
  await tickets.recordMetrics([{
    environment: "prod",
    customer: "acme",
    at: T0,
    metrics: {
      "latency_ms{host=10.2.0.7}": 12,
      'mailbox_size{user="ann@acme.test"}': 3,
      "response_ms.redis": 4,
    },
  }]);
  const stored = JSON.stringify(await store.readStream(METRICS_STREAM));
  for (const value of ["10.2.0.7", "ann@acme.test"]) assert.ok(!stored.includes(value), value);
  assert.ok(stored.includes('"latency_ms{host=<ipv4:c0ffee>}":12'), stored);
  assert.ok(stored.includes('"mailbox_size{user=\\"<email:c0ffee>\\"}":3'), stored);
  assert.ok(stored.includes('"response_ms.redis":4'), stored);
});
