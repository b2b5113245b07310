import assert from "node:assert/strict";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { Projector } from "../app/projector.ts";
import { ticketHarness } from "../tickets/harness_test.ts";
import {
  TICKET_WORD_TABLES,
  ticketsUsing,
  ticketsWithWords,
  ticketWordsProjection,
} from "./mod.ts";

const OPEN = {
  customer: "acme",
  environment: "prod",
  severity: "low" as const,
  reporter: "ann@acme.test",
};

Deno.test("ticket words: a ticket counts once per word, from its subject, description and comments", async () => {
  const h = await ticketHarness();
  const first = await h.tickets.openTicket({
    ...OPEN,
    subject: "Export stops",
    description: "The export stops halfway",
  });
  await h.tickets.comment(first.ticketId, {
    author: "ann@acme.test",
    body: "Export still stops",
    visibility: "public",
  });
  const second = await h.tickets.openTicket({
    ...OPEN,
    subject: "Login",
    description: "Cannot log in",
  });
  await h.tickets.comment(second.ticketId, {
    author: "bob",
    body: "Asked for the export log",
    visibility: "public",
  });
  await h.settled();
  assert.equal(ticketsWithWords(h.projections), 2);
  assert.equal(ticketsUsing(h.projections, "export"), 2);
  assert.equal(ticketsUsing(h.projections, "stop"), 1);
  assert.equal(ticketsUsing(h.projections, "login"), 1);
  assert.equal(ticketsUsing(h.projections, "invoic"), 0);
});

Deno.test("ticket words: the same counts whatever way the log is cut into chunks", async () => {
  const h = await ticketHarness();
  for (const subject of ["Export stops", "Export slow", "Login fails"]) {
    const { ticketId } = await h.tickets.openTicket({ ...OPEN, subject, description: subject });
    await h.tickets.comment(ticketId, {
      author: "bob",
      body: `${subject} again today`,
      visibility: "public",
    });
  }
  await h.settled();
  const dump = (store: MemoryProjectionStore | typeof h.projections) =>
    Object.values(TICKET_WORD_TABLES).map((table) => [...store.range(table)]);
  for (const batchSize of [1, 2, 1000]) {
    const fresh = new MemoryProjectionStore();
    await new Projector(h.store, fresh, [ticketWordsProjection], { chunkSize: batchSize })
      .catchUp();
    assert.deepEqual(dump(fresh), dump(h.projections), `batches of ${batchSize}`);
  }
});
