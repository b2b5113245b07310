import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { dumpTables } from "../../test/support/app.ts";
import { HOUR, T0, ticketHarness } from "../tickets/harness_test.ts";
import { Projector } from "../app/projector.ts";
import { ENVIRONMENT_TABLES, environmentLogProjection } from "./environment_logs.ts";

const line = fc.record({
  customer: fc.constantFrom("acme", "globex", "t1", "t10", undefined),
  environment: fc.constantFrom("prod", "staging", undefined),
  hour: fc.integer({ min: 0, max: 30 }),
  template: fc.integer({ min: 0, max: 2 }),
  n: fc.nat({ max: 10_000 }),
}, { noNullPrototype: true });

const TEMPLATES = [
  (n: number) => `Payment gateway timeout after ${n} ms`,
  (n: number) => `User ${n} logged in`,
  (n: number) => `Disk vol${n} is full`,
];

Deno.test("environment index: counts add up per customer environment, however batches are chunked", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(line, { minLength: 1, maxLength: 20 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 1, max: 5 }),
      async (batches, chunkSize) => {
        const h = await ticketHarness();
        for (const batch of batches) {
          await h.ingest(
            batch.map((l) => ({
              message: TEMPLATES[l.template]!(l.n),
              at: T0 + l.hour * HOUR + l.n,
              ...(l.customer === undefined ? {} : { customer: l.customer }),
              ...(l.environment === undefined ? {} : { environment: l.environment }),
            })),
            { customer: "acme" },
          );
        }
        const lines = batches.flat();
        const counted = [...h.projections.range<number>(ENVIRONMENT_TABLES.batches)]
          .reduce((sum, e) => sum + e.value, 0);
        assert.equal(counted, lines.length);
        const t1 = [...h.projections.range<number>(ENVIRONMENT_TABLES.batches, {
          prefix: ["t1"],
        })].reduce((sum, e) => sum + e.value, 0);
        assert.equal(
          t1,
          lines.filter((l) => l.customer === "t1").length,
          "t1 never ranges into t10",
        );
        const fresh = new MemoryProjectionStore();
        await new Projector(h.store, fresh, [environmentLogProjection], { chunkSize }).catchUp();
        assert.deepEqual(
          dumpTables(fresh, environmentLogProjection.tables),
          dumpTables(h.projections, environmentLogProjection.tables),
        );
      },
    ),
    { numRuns: 25 },
  );
});
