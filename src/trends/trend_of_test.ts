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
