import assert from "node:assert/strict";
import fc from "fast-check";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import type { LogBatchIngested } from "../../domain/events.ts";
import {
  assertRebuildGivesTheSameTables,
  memoryLoupe,
  requestOf,
  type SimpleLine,
} from "../../test/support/app.ts";
import { TABLES } from "../projections/signatures.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import { HOUR_MS } from "../../domain/time.ts";

const templates = [
  (n: number) => `Payment gateway timeout after ${n} ms for order ${n * 7}`,
  (n: number) => `User u${n}@example.com logged in from 10.0.${n % 256}.1`,
  (n: number) => `Cache miss for key session:${n.toString(16)} in ${n % 90} ms`,
  (n: number) => `Disk /var/data/vol${n % 4} is ${n % 100}% full`,
];

const lineArbitrary = fc.record({
  template: fc.integer({ min: 0, max: templates.length - 1 }),
  n: fc.integer({ min: 1, max: 100_000 }),
  customer: fc.constantFrom("acme", "globex", "initech", undefined),
  hour: fc.integer({ min: 0, max: 72 }),
}, { noNullPrototype: true }).map(({ template, n, customer, hour }): SimpleLine => ({
  message: templates[template]!(n),
  timestamp: 1_790_000_000_000 + hour * HOUR_MS + (n % 3_600_000),
  ...(customer === undefined ? {} : { customer }),
  // Payment timeouts are errors, so issue detection has something to judge.
  ...(template === 0 ? { severity: 17 } : {}),
}));

/** Splits `lines` into batches at the given cut points. */
function cut<T>(lines: readonly T[], cuts: readonly number[]): T[][] {
  const points = [...new Set(cuts.map((c) => c % (lines.length + 1)))].sort((a, b) => a - b);
  const batches: T[][] = [];
  let from = 0;
  for (const point of [...points, lines.length]) {
    if (point > from) batches.push(lines.slice(from, point));
    from = Math.max(from, point);
  }
  return batches;
}

Deno.test("replaying the log rebuilds exactly the tables every projection built live, however it is chunked", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(lineArbitrary, { minLength: 1, maxLength: 120 }),
      fc.array(fc.nat(), { maxLength: 6 }),
      async (lines, cuts) => {
        const { loupe, store, projectionStore } = await memoryLoupe();
        for (const batch of cut(lines, cuts)) await loupe.ingest(requestOf(batch));
        await assertRebuildGivesTheSameTables(store, projectionStore);
      },
    ),
    { numRuns: 40 },
  );
});

Deno.test("hourly counts sum to the number of records ingested, per signature and in all", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(lineArbitrary, { minLength: 1, maxLength: 150 }), async (lines) => {
      const { loupe, projectionStore } = await memoryLoupe();
      await loupe.ingest(requestOf(lines));
      let hourlyTotal = 0;
      for (const [, n] of hourCounts(projectionStore, TABLES.hourly, [])) hourlyTotal += n;
      assert.equal(hourlyTotal, lines.length);
      for (const summary of loupe.listSignatures({ limit: 1000, offset: 0 }).items) {
        let perSignature = 0;
        for (
          const [, n] of hourCounts(projectionStore, TABLES.hourlyTotal, [summary.signatureId])
        ) {
          perSignature += n;
        }
        assert.equal(perSignature, summary.count);
      }
      assert.equal(loupe.status().recordsIngested, lines.length);
    }),
    { numRuns: 40 },
  );
});

Deno.test("lines that differ only in variable values share a signature through the whole ingest path", async () => {
  const { loupe } = await memoryLoupe();
  await loupe.ingest(requestOf([
    { message: "Payment gateway timeout after 3000 ms for order 81" },
    { message: "Payment gateway timeout after 120 ms for order 99213" },
    { message: "Payment gateway timeout after 77 ms for order 5" },
  ]));
  const page = loupe.listSignatures({ limit: 10, offset: 0 });
  assert.equal(page.total, 1);
  assert.equal(page.items[0]!.count, 3);
});

Deno.test("a customer filter never shows another customer's counts", async () => {
  await fc.assert(
    fc.asyncProperty(fc.array(lineArbitrary, { minLength: 1, maxLength: 100 }), async (lines) => {
      const { loupe } = await memoryLoupe();
      await loupe.ingest(requestOf(lines));
      for (const customer of ["acme", "globex", "initech"]) {
        const own = lines.filter((l) => l.customer === customer).length;
        const shown = loupe.listSignatures({ customer, limit: 1000, offset: 0 }).items
          .reduce((sum, s) => sum + s.count, 0);
        assert.equal(shown, own);
      }
    }),
    { numRuns: 30 },
  );
});

Deno.test("an ingest batch event round-trips through the LMDB store unchanged", async () => {
  const path = await Deno.makeTempDir({ prefix: "loupe-roundtrip-" });
  const environment = openLmdb(path);
  const store = new LmdbEventStore(environment);
  const scalar = fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null));
  const record = fc.record({
    timestamp: fc.integer({ min: 0, max: 4_000_000_000_000 }),
    customer: fc.option(fc.string()),
    environment: fc.option(fc.string()),
    service: fc.option(fc.string()),
    version: fc.option(fc.string()),
    severityNumber: fc.integer({ min: 0, max: 24 }),
    message: fc.string({ unit: "binary" }),
    attributes: fc.array(scalar, { maxLength: 12 }),
    line: fc.integer({ min: 1 }),
    offset: fc.option(fc.nat()),
    signatureId: fc.string(),
  }, { noNullPrototype: true });
  try {
    await fc.assert(
      fc.asyncProperty(fc.array(record, { maxLength: 20 }), async (records) => {
        const event: LogBatchIngested = {
          type: "LogBatchIngested",
          data: {
            batchId: "b",
            source: "s",
            format: "jsonl",
            context: { customer: "acme" },
            receivedAt: 1,
            records,
            quarantined: [{ source: "s", line: 3, reason: "Cannot parse JSON: x", raw: "{" }],
          },
        };
        const { position } = await store.append("ingest", [event], { expectedVersion: "any" });
        const [stored] = await store.readAll(position - 1, 1);
        assert.deepEqual({ type: stored!.type, data: stored!.data }, event);
      }),
      { numRuns: 50 },
    );
  } finally {
    await store.close();
    await Deno.remove(path, { recursive: true });
  }
});
