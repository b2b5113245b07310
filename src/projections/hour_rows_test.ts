import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { addHourCounts, hourCounts } from "./hour_rows.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1);

const addition = fc.record({
  prefix: fc.constantFrom("sig_a", "sig_b"),
  hour: fc.integer({ min: -30, max: 24 * 9 }),
  n: fc.integer({ min: 1, max: 1_000 }),
}, { noNullPrototype: true });

Deno.test("hour rows: the counts read back over any range are the sums added, hour by hour, however the additions were cut", async () => {
  await fc.assert(
    fc.asyncProperty(
      fc.array(fc.array(addition, { maxLength: 40 }), { minLength: 1, maxLength: 6 }),
      fc.integer({ min: -40, max: 24 * 10 }),
      fc.integer({ min: 0, max: 24 * 10 }),
      async (commits, fromHour, span) => {
        const store = new MemoryProjectionStore();
        const expected = new Map<string, Map<number, number>>();
        for (const [i, additions] of commits.entries()) {
          await store.commit("test", i + 1, (tx) => {
            const byPrefix = new Map<string, Map<number, number>>();
            for (const { prefix, hour, n } of additions) {
              const at = T0 + hour * HOUR;
              for (const map of [byPrefix, expected]) {
                let hours = map.get(prefix);
                if (hours === undefined) map.set(prefix, hours = new Map());
                hours.set(at, (hours.get(at) ?? 0) + n);
              }
            }
            for (const [prefix, hours] of byPrefix) addHourCounts(tx, "t", [prefix], hours);
          });
        }
        const from = T0 + fromHour * HOUR;
        const to = from + span * HOUR;
        for (const prefix of ["sig_a", "sig_b"]) {
          const want = [...(expected.get(prefix) ?? new Map<number, number>())]
            .filter(([hour]) => hour >= from && hour < to)
            .sort((a, b) => a[0] - b[0]);
          assert.deepEqual([...hourCounts(store, "t", [prefix], from, to)], want);
        }
        const all = [...(expected.get("sig_a") ?? [])].sort((a, b) => a[0] - b[0]);
        assert.deepEqual([...hourCounts(store, "t", ["sig_a"])], all);
      },
    ),
    { numRuns: 200 },
  );
});

Deno.test("hour rows: a day of hours is one row", async () => {
  const store = new MemoryProjectionStore();
  await store.commit("test", 1, (tx) => {
    addHourCounts(
      tx,
      "t",
      ["sig"],
      new Map(Array.from({ length: 48 }, (_, h) => [T0 + h * HOUR, 1])),
    );
  });
  assert.equal(store.count("t"), 2);
});
