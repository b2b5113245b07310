import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { loupeEvents } from "../../ports/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import type { AuditEntry } from "../../ports/access.ts";
import { AUDIT_BATCH, AUDIT_STREAM, auditProjection, AuditRecorder } from "./audit.ts";

function givenARecorder() {
  const store = new MemoryEventStore({ clock: { now: () => 0 } });
  const projections = new MemoryProjectionStore();
  // What the projector does: apply every event after the checkpoint.
  const settled = async () => {
    const from = projections.checkpoint(auditProjection.name);
    const events = await store.readAll(from, 100_000);
    if (events.length === 0) return;
    await projections.commit(
      auditProjection.name,
      events.at(-1)!.position,
      (tx) => auditProjection.apply(loupeEvents(events), tx),
    );
  };
  const audit = new AuditRecorder({ store, projections, settled });
  return { store, audit };
}

const read = (i: number, customer = "acme", tokenId = "t1"): AuditEntry => ({
  tokenId,
  name: `${tokenId}-name`,
  customer,
  endpoint: "GET /v1/tickets/:id",
  path: `/v1/tickets/${i}`,
  at: 1_000 + i,
});

Deno.test("reads are buffered, not one commit each; a full buffer or a flush stores them as one event", async () => {
  const { store, audit } = givenARecorder();
  for (let i = 0; i < 10; i++) audit.record(read(i));
  assert.equal(store.headPosition(), 0);
  await audit.stop();
  const events = await store.readStream(AUDIT_STREAM);
  assert.equal(events.length, 1);
  assert.equal((events[0]!.data as { entries: unknown[] }).entries.length, 10);
  for (let i = 0; i < AUDIT_BATCH; i++) audit.record(read(i));
  await audit.flush();
  assert.equal((await store.readStream(AUDIT_STREAM)).length, 2, "the full buffer went at once");
});

Deno.test("the audit lists newest first, filters by customer, token and time, and pages by cursor", async () => {
  const { audit } = givenARecorder();
  for (let i = 0; i < 30; i++) {
    audit.record(read(i, i % 3 === 0 ? "globex" : "acme", i % 2 === 0 ? "t1" : "t2"));
  }
  await audit.flush();
  audit.record(read(30, "acme", "t1"));
  const all = await audit.query({ limit: 1000 });
  assert.equal(all.items.length, 31, "a query stores what is buffered first");
  assert.deepEqual(all.items.slice(0, 3).map((e) => e.at), [1030, 1029, 1028]);
  assert.equal(all.nextCursor, null);

  const globex = await audit.query({ customer: "globex", limit: 1000 });
  assert.deepEqual(globex.items.map((e) => e.at), [
    1027,
    1024,
    1021,
    1018,
    1015,
    1012,
    1009,
    1006,
    1003,
    1000,
  ]);
  const globexT2 = await audit.query({ customer: "globex", tokenId: "t2", limit: 1000 });
  assert.deepEqual(globexT2.items.map((e) => e.at), [1027, 1021, 1015, 1009, 1003]);
  const window = await audit.query({ tokenId: "t1", from: 1010, to: 1020, limit: 1000 });
  assert.deepEqual(window.items.map((e) => e.at), [1018, 1016, 1014, 1012, 1010]);

  const pages: number[][] = [];
  let cursor: string | undefined;
  do {
    const page = await audit.query({ customer: "acme", limit: 7, ...(cursor ? { cursor } : {}) });
    pages.push(page.items.map((e) => e.at));
    cursor = page.nextCursor ?? undefined;
  } while (cursor !== undefined);
  const acme = all.items.filter((e) => e.customer === "acme").map((e) => e.at);
  assert.deepEqual(pages.flat(), acme);
  assert.ok(pages.length === Math.ceil(acme.length / 7));
  await assert.rejects(audit.query({ limit: 5, cursor: "nonsense" }), /cursor/);
});
