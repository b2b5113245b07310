import assert from "node:assert/strict";
import { ticketingContract } from "../../test/contracts/ticketing_contract.ts";
import { FakeZendesk } from "../../test/ticketing/fake_zendesk.ts";
import { RemoteError } from "../../ports/ticketing.ts";
import { limitRate } from "../../test/ticketing/chaos.ts";
import { ZendeskAdapter } from "./zendesk.ts";

function setup(options: { pageSize?: number } = {}) {
  const fake = new FakeZendesk({ exportLagMs: 0, ...options });
  const adapter = new ZendeskAdapter({
    url: fake.url,
    email: "agent@example.test",
    apiToken: "zendesk-token",
  });
  return { fake, adapter };
}

ticketingContract("zendesk", {
  open() {
    const { fake, adapter } = setup();
    const requester = fake.addUser("jo@acme.example");
    const ticket = fake.createTicket({
      subject: "Checkout fails",
      body: "It fails",
      requesterId: requester,
    });
    return Promise.resolve({
      system: adapter,
      target: String(ticket.id),
      notes: (target: string, text: string) =>
        Promise.resolve(fake.notesWith(Number(target), text).length),
      chaos: fake.chaos,
      close: () => fake.close(),
    });
  },
});

Deno.test("zendesk: a ticket is read with its organization, requester and every comment page", async () => {
  const { fake, adapter } = setup({ pageSize: 2 });
  try {
    const org = fake.addOrganization("Acme Corp", ["acme.example"]);
    const requester = fake.addUser("jo@acme.example", org);
    const ticket = fake.createTicket({
      subject: "Checkout fails",
      body: "It fails",
      requesterId: requester,
      tags: ["env_prod"],
      at: Date.parse("2026-10-01T10:00:00Z"),
    });
    for (let i = 0; i < 4; i++) {
      fake.addComment(
        ticket.id,
        `reply ${i}`,
        i % 2 === 0,
        requester,
        Date.parse(`2026-10-0${i + 2}T10:00:00Z`),
      );
    }
    const read = await adapter.ticket(String(ticket.id));
    assert.equal(read.requesterEmail, "jo@acme.example");
    assert.deepEqual(read.organization, { name: "Acme Corp", domains: ["acme.example"] });
    assert.equal(read.comments.length, 5);
    assert.equal(read.createdAt, Date.parse("2026-10-01T10:00:00Z"));
    assert.equal(read.comments[4]!.createdAt, Date.parse("2026-10-05T10:00:00Z"));
    assert.deepEqual(read.tags, ["env_prod"]);
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk: the export is followed page by page to its end", async () => {
  const { fake, adapter } = setup({ pageSize: 2 });
  try {
    const requester = fake.addUser("jo@acme.example");
    for (let i = 0; i < 5; i++) {
      fake.createTicket({
        subject: `s${i}`,
        body: "b",
        requesterId: requester,
        at: 1_000_000 + i * 1000,
      });
    }
    const seen: string[] = [];
    let page = await adapter.changes({ startTime: 0 });
    seen.push(...page.ticketIds);
    while (!page.endOfStream) {
      page = await adapter.changes({ cursor: page.cursor! });
      seen.push(...page.ticketIds);
    }
    assert.equal(new Set(seen).size, 5);
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk: wrong credentials are refused, not retried, and not echoed", async () => {
  const fake = new FakeZendesk();
  try {
    const adapter = new ZendeskAdapter({
      url: fake.url,
      email: "agent@example.test",
      apiToken: "secret-wrong-token",
    });
    const error = await adapter.ticket("1").then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError);
    assert.equal(error.status, 401);
    assert.equal(error.retryable, false);
    assert.doesNotMatch(error.message, /secret-wrong-token/);
  } finally {
    await fake.close();
  }
});

Deno.test("zendesk: a spent quota holds back notes, not Loupe's own reads of a ticket", async () => {
  const { fake, adapter } = setup();
  try {
    const jo = fake.addUser("jo@acme.example");
    const ticket = fake.createTicket({ subject: "t", body: "x", requesterId: jo });
    limitRate(fake.chaos, 40, 5_000);
    // A read is 4 calls (ticket, comments, audits, requester): the 10th goes on into the
    // reserve (the last 2 calls) and takes the quota to 0. The webhook path is never held.
    for (let i = 0; i < 9; i++) await adapter.ticket(String(ticket.id));
    const read = await adapter.ticket(String(ticket.id));
    assert.equal(fake.chaos.quota.used, 40);
    assert.equal(read.id, String(ticket.id));
    const held = await adapter.deliver({
      kind: "note",
      target: String(ticket.id),
      body: "b",
      marker: "held",
      tags: [],
    }).then(() => null, (e) => e);
    assert.ok(held instanceof RemoteError && held.status === 429, String(held));
    assert.ok(held.quotaWaitMs! > 0 && held.quotaWaitMs! <= 5_000);
    assert.equal(fake.chaos.rateLimited, 0);
  } finally {
    await fake.close();
  }
});
