/**
 * An impact report names several customers: it is kept as one part per
 * customer, so forgetting one of them leaves what was reported about the
 * others, and the sync neither loses the report nor tells engineering again.
 */
import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import type { IssueFacts } from "./issue_facts.ts";
import { ISSUE_SYNC_STREAM } from "./service.ts";
import { startSyncOf } from "../../test/support/sync.ts";

const T0 = Date.parse("2026-03-01T00:00:00Z");

const customer = (name: string, tier: string) => ({
  customer: name,
  tier,
  environments: ["prod"],
  versions: ["2.3.0"],
  versionsSeen: [{ version: "2.3.0", firstSeen: T0 }],
});

function factsOf(customers: IssueFacts["customers"]): IssueFacts {
  return {
    issueId: "i1",
    signatureIds: ["s1"],
    title: "PaymentGatewayException: timeout",
    detectedAt: T0,
    firstSeen: T0,
    lastSeen: T0,
    asOf: T0,
    customers,
    trend: null,
    knowledgeBaseArticle: null,
    predictedResolution: null,
    exampleLines: [],
  };
}

const start = (store: MemoryEventStore, facts: () => IssueFacts, now: number) =>
  startSyncOf(store, { now, facts });

Deno.test("an impact report survives forgetting one of its customers, and is not sent again", async () => {
  const store = new MemoryEventStore();
  let facts = factsOf([customer("acme", "standard")]);
  await store.append(ISSUE_SYNC_STREAM, [{
    type: "JiraIssueLinked",
    data: { issueId: "i1", key: "LOUPE-1", at: T0, origin: "loupe" },
  }], { expectedVersion: "any" });
  const first = await start(store, () => facts, T0 + 1_000);
  facts = factsOf([
    customer("acme", "standard"),
    customer("globex", "enterprise"),
    customer("initech", "enterprise"),
  ]);
  try {
    assert.equal(await first.reportImpactChanges(), 1);
    assert.equal(await first.reportImpactChanges(), 0, "told once");
  } finally {
    first.stop();
  }
  const parts = (await store.readStream(ISSUE_SYNC_STREAM))
    .filter((e) => e.type === "IssueImpactReported");
  // Each part names its own customer and no other.
  assert.deepEqual(
    parts.map((p) => [...new Set(JSON.stringify(p.data).match(/acme|globex|initech/g))]),
    [["acme"], ["globex"], ["initech"]],
  );

  const markers = async () =>
    (await store.readAll(0, 1_000))
      .filter((e) => e.type === "DeliveryQueued" && e.unreadable === undefined)
      .map((e) => (e.data as { action: { marker: string } }).action.marker);
  const [told] = await markers();
  assert.ok(told !== undefined);
  await store.shred({ customer: "globex" });
  facts = factsOf([customer("acme", "standard"), customer("initech", "enterprise")]);
  const again = await start(store, () => facts, T0 + 2_000);
  try {
    assert.equal(await again.reportImpactChanges(), 0, "initech was reported already");
    const step = (await again.timeline("i1")).find((s) => s.step === "impact_reported");
    assert.deepEqual(step?.detail, { reason: "New top-tier customer hit: initech", customers: 2 });
    // A new change after the forgetting is told, under a marker of its own.
    facts = factsOf([...facts.customers, customer("umbrella", "enterprise")]);
    assert.equal(await again.reportImpactChanges(), 1);
  } finally {
    again.stop();
  }
  // The note about globex went with it; the new one has a marker of its own.
  assert.deepEqual((await markers()).length, 1);
  assert.notEqual((await markers())[0], told);
});

Deno.test("a report made after a forgetting never reuses an earlier report's marker", async () => {
  const store = new MemoryEventStore();
  let facts = factsOf([customer("acme", "standard")]);
  await store.append(ISSUE_SYNC_STREAM, [{
    type: "JiraIssueLinked",
    data: { issueId: "i1", key: "LOUPE-1", at: T0, origin: "loupe" },
  }], { expectedVersion: "any" });
  const first = await start(store, () => facts, T0 + 1_000);
  facts = factsOf([
    customer("acme", "standard"),
    customer("globex", "enterprise"),
    customer("initech", "enterprise"),
  ]);
  try {
    assert.equal(await first.reportImpactChanges(), 1);
  } finally {
    first.stop();
  }
  const markerOf = (e: { data: unknown }) =>
    (e.data as { action: { marker: string } }).action.marker;
  const queued = async () =>
    (await store.readAll(0, 1_000)).filter((e) =>
      e.type === "DeliveryQueued" && e.unreadable === undefined
    );
  const told = markerOf((await queued())[0]!);
  // As many events stay readable as the first note had seen, when the next note is made:
  // a marker counted from readable events would repeat, and the remote would skip the note.
  await store.shred({ customer: "acme" });
  await store.shred({ customer: "initech" });
  facts = factsOf([customer("globex", "enterprise"), customer("umbrella", "enterprise")]);
  const again = await start(store, () => facts, T0 + 2_000);
  try {
    assert.equal(await again.reportImpactChanges(), 1);
  } finally {
    again.stop();
  }
  const markers = (await queued()).map(markerOf);
  assert.equal(markers.length, 1);
  assert.notEqual(markers[0], told);
});
