import assert from "node:assert/strict";
import { memoryLoupe, requestOf, type SimpleLine } from "../../test/support/app.ts";
import { TrendService } from "./service.ts";
import { type CatalogEntry, TABLES } from "../projections/signatures.ts";

const HOUR = 3_600_000;
const START = Date.UTC(2026, 9, 1);

Deno.test("an issue's trend kept between queries follows new lines: the same as a fresh service's", async () => {
  const { loupe, projectionStore } = await memoryLoupe();
  const lines = (from: number, hours: number, perHour: number): SimpleLine[] =>
    Array.from({ length: hours * perHour }, (_, i) => ({
      message: "Ledger export aborted because the archive volume is read only",
      timestamp: START + (from + Math.floor(i / perHour)) * HOUR + (i % perHour) * 1000,
      severity: 17,
    }));
  await loupe.ingest(requestOf(lines(0, 14 * 24, 2)));
  const kept = new TrendService(projectionStore, loupe.attribution);
  const ids = [...projectionStore.range<CatalogEntry>(TABLES.signatures)].map((e) =>
    e.value.signatureId
  );
  const asOf = START + 14 * 24 * HOUR + 30 * 60_000;
  const before = kept.trendOf(ids, asOf);
  assert.deepEqual(kept.trendOf(ids, asOf), before);
  // A surge in the last day arrives late, for hours the trend already read.
  await loupe.ingest(requestOf(lines(13 * 24, 24, 200)));
  const fresh = new TrendService(projectionStore, loupe.attribution).trendOf(ids, asOf);
  assert.notDeepEqual(fresh, before);
  assert.deepEqual(kept.trendOf(ids, asOf), fresh);
});

Deno.test("the issue trends warmed one issue at a time are those the list answers", async () => {
  const { loupe, projectionStore } = await memoryLoupe();
  const problems = [
    "Ledger export aborted because the archive volume is read only",
    "Payment capture failed because the card was declined",
    "Search index rebuild stalled on a locked segment",
  ];
  await loupe.ingest(requestOf(
    Array.from({ length: 3 * 24 * 6 }, (_, i): SimpleLine => ({
      message: problems[i % 3]!,
      timestamp: START + Math.floor(i / 6) * HOUR + (i % 6) * 1000,
      severity: 17,
    })),
  ));
  const warmed = new TrendService(projectionStore, loupe.attribution);
  let pauses = 0;
  for (const _ of warmed.warmTrends(13)) pauses++;
  const fresh = new TrendService(projectionStore, loupe.attribution).trends(13);
  assert.equal(pauses, fresh.length, "one pause per issue");
  assert.ok(fresh.length >= 3);
  assert.deepEqual(warmed.trends(13), fresh);
});
