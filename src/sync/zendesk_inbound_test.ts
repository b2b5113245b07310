import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { ZendeskAdapter } from "../../adapters/ticketing/zendesk.ts";
import { FakeZendesk } from "../../test/ticketing/fake_zendesk.ts";
import { customerOf } from "../../domain/customers/_test_customer.ts";
import { evolve, type TicketEvent, type TicketState } from "../../domain/tickets/mod.ts";
import { DEFAULT_INBOUND_CONFIG, ZendeskInbound } from "./zendesk_inbound.ts";
import { ZENDESK_CURSOR_STREAM } from "./streams.ts";
import { Redactor } from "../../domain/redaction/mod.ts";

const T0 = Date.parse("2026-09-01T08:00:00Z");
const H = 3_600_000;

function setup(statusMap = DEFAULT_INBOUND_CONFIG.statusMap, redactor?: Redactor) {
  const fake = new FakeZendesk({ exportLagMs: 0, pageSize: 2, now: () => T0 + 100 * H });
  const store = new MemoryEventStore({ clock: { now: () => Date.now() } });
  const inbound = new ZendeskInbound({
    store,
    source: new ZendeskAdapter({
      url: fake.url,
      email: "agent@example.test",
      apiToken: "zendesk-token",
    }),
    customers:
      () => [{ ...customerOf("acme"), name: "Acme Corp", primaryEmail: "ops@acme.example" }],
    clock: { now: () => Date.now() },
    config: { ...DEFAULT_INBOUND_CONFIG, statusMap },
    settled: () => Promise.resolve(),
    ...(redactor === undefined ? {} : { redactor }),
  });
  const ticketOf = async (ticketId: string) =>
    (await store.readStream(`ticket-${ticketId}`)).reduce<TicketState>(
      (t, e) => evolve(t, e as unknown as TicketEvent),
      null,
    );
  return { fake, store, inbound, ticketOf };
}

Deno.test("zendesk inbound: the first sync imports history with the times Zendesk recorded", async () => {
  const { fake, store, inbound, ticketOf } = setup();
  try {
    const jo = fake.addUser("jo@acme.example");
    const ticket = fake.createTicket({
      subject: "Slow checkout",
      body: "Checkout is slow",
      requesterId: jo,
      at: T0,
    });
    fake.setStatus(ticket.id, "open", T0 + H);
    fake.addComment(ticket.id, "We are looking", true, 0, T0 + 2 * H);
    fake.addComment(ticket.id, "Looks like the gateway", false, 0, T0 + 3 * H);
    fake.setStatus(ticket.id, "solved", T0 + 5 * H);
    for (let i = 0; i < 4; i++) {
      fake.createTicket({ subject: `other ${i}`, body: "x", requesterId: jo, at: T0 + i });
    }
    const result = await inbound.catchUp();
    assert.equal(result.tickets >= 5, true);
    const imported = (await ticketOf(`zendesk-${ticket.id}`))!;
    assert.equal(imported.openedAt, T0);
    assert.equal(imported.customer, "acme");
    assert.deepEqual(imported.comments.map((c) => [c.body, c.at, c.visibility]), [
      ["We are looking", T0 + 2 * H, "public"],
      ["Looks like the gateway", T0 + 3 * H, "internal"],
    ]);
    assert.equal(imported.status, "solved");
    assert.equal(imported.closedAt, T0 + 5 * H);
    const history = (await store.readStream(`ticket-zendesk-${ticket.id}`)).map((e) => {
      const data = e.data as { at: number; to?: string };
      return [e.type, data.at, data.to ?? null];
    });
    assert.deepEqual(history, [
      ["TicketOpened", T0, null],
      ["TicketStatusChanged", T0 + H, "open"],
      ["TicketCommented", T0 + 2 * H, null],
      ["TicketCommented", T0 + 3 * H, null],
      ["TicketResolved", T0 + 5 * H, null],
      ["TicketStatusChanged", T0 + 5 * H, "solved"],
    ]);
    const cursors = await store.readStream(ZENDESK_CURSOR_STREAM);
    assert.ok(cursors.length >= 2, "the cursor is kept after each page");
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk inbound: catch-up resumes from its cursor and takes only what changed", async () => {
  const { fake, inbound, ticketOf } = setup();
  try {
    const jo = fake.addUser("jo@acme.example");
    const a = fake.createTicket({ subject: "A", body: "a", requesterId: jo, at: T0 });
    await inbound.catchUp();
    const calls = fake.chaos.requests;
    assert.equal((await inbound.catchUp()).tickets, 0);
    assert.ok(fake.chaos.requests - calls <= 1, "only the export page is read");
    fake.addComment(a.id, "more", true, jo, T0 + H);
    fake.setStatus(a.id, "hold", T0 + 2 * H);
    assert.equal((await inbound.catchUp()).tickets, 1);
    const ticket = (await ticketOf(`zendesk-${a.id}`))!;
    assert.equal(ticket.comments.length, 1);
    assert.equal(ticket.status, "pending");
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk inbound: the status map file decides what hold means; closed goes through solved", async () => {
  const { fake, inbound, ticketOf } = setup({
    ...DEFAULT_INBOUND_CONFIG.statusMap,
    hold: "escalated",
  });
  try {
    const jo = fake.addUser("someone@elsewhere.example");
    const t = fake.createTicket({ subject: "A", body: "a", requesterId: jo, at: T0 });
    fake.setStatus(t.id, "hold", T0 + H);
    await inbound.syncTicket(String(t.id));
    assert.equal((await ticketOf(`zendesk-${t.id}`))!.status, "escalated");
    assert.equal((await ticketOf(`zendesk-${t.id}`))!.customer, "unknown");
    fake.setStatus(t.id, "closed", T0 + 2 * H);
    await inbound.syncTicket(String(t.id));
    const closed = (await ticketOf(`zendesk-${t.id}`))!;
    assert.equal(closed.status, "closed");
    assert.equal(closed.resolutions.length, 1);
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk inbound: a webhook and the export racing on one ticket make one copy", async () => {
  const { fake, inbound, store } = setup();
  try {
    const jo = fake.addUser("jo@acme.example");
    const t = fake.createTicket({ subject: "A", body: "a", requesterId: jo, at: T0 });
    fake.addComment(t.id, "c1", true, jo, T0 + 1);
    await Promise.all([
      inbound.syncTicket(String(t.id)),
      inbound.syncTicket(String(t.id)),
      inbound.catchUp(),
    ]);
    const events = await store.readStream(`ticket-zendesk-${t.id}`);
    assert.deepEqual(events.map((e) => e.type), ["TicketOpened", "TicketCommented"]);
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk inbound: what a customer wrote is redacted before it is stored", async () => {
  const redactor = new Redactor({}, () => "0a1b2c3d");
  const { fake, store, inbound, ticketOf } = setup(DEFAULT_INBOUND_CONFIG.statusMap, redactor);
  try {
    const jo = fake.addUser("jo@acme.example");
    const ticket = fake.createTicket({
      subject: "Card 4111 1111 1111 1111 declined",
      body: "From 203.0.113.9, password=hunter2",
      requesterId: jo,
      at: T0,
    });
    fake.addComment(ticket.id, "Call me on +44 20 7946 0958", true, 0, T0 + H);
    await inbound.catchUp();
    const imported = (await ticketOf(`zendesk-${ticket.id}`))!;
    assert.equal(
      imported.customer,
      "acme",
      "the customer is matched before the e-mail is replaced",
    );
    assert.equal(imported.subject, "Card <card:0a1b2c> declined");
    assert.equal(imported.description, "From <ipv4:0a1b2c>, password=<secret:0a1b2c>");
    assert.equal(imported.reporter, "<email:0a1b2c>");
    assert.deepEqual(imported.comments.map((c) => c.body), ["Call me on <phone:0a1b2c>"]);
    const stored = JSON.stringify(await store.readStream(`ticket-zendesk-${ticket.id}`));
    for (const value of ["4111 1111", "203.0.113.9", "hunter2", "jo@acme.example", "7946 0958"]) {
      assert.equal(stored.includes(value), false, value);
    }
  } finally {
    await fake.close();
  }
});
