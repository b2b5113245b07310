import assert from "node:assert/strict";
import fc from "fast-check";
import {
  encodeWorkerRecords,
  joinWorkerRecords,
  PART_RECORDS,
  receivedRecords,
  type WorkerRecords,
  workerRecords,
} from "./worker_records.ts";
import type { SourceBatch, SourcedLog } from "../../ports/log_source.ts";
import type { Attributes } from "../../domain/log_record.ts";

function batchOf(tenants: readonly string[]): SourceBatch {
  const records: SourcedLog[] = tenants.map((tenant, index) => ({
    parsed: {
      timestamp: Date.UTC(2026, 2, 1) + index,
      message: `order ${index} failed`,
      attributes: tenant === "" ? {} as Attributes : { tenant_id: tenant },
    },
    line: index + 1,
  }));
  return {
    source: "http",
    context: { customer: "acme", environment: "prod" },
    format: "jsonl",
    records,
    quarantined: [],
  };
}

Deno.test("a batch's parts hold each record once, of one origin, at most PART_RECORDS to a part", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("", "t1", "t2"), { minLength: 1, maxLength: 80 }),
      fc.integer({ min: 1, max: 3 }),
      (pattern, repeat) => {
        // Runs long enough to cross PART_RECORDS, in a few origins.
        const tenants = pattern.flatMap((tenant) =>
          Array.from({ length: Math.ceil((PART_RECORDS * repeat) / pattern.length) }, () => tenant)
        );
        const { records } = workerRecords(batchOf(tenants));
        const seen = new Set<number>();
        for (const part of records.parts) {
          assert.ok(part.columns.count <= PART_RECORDS);
          const positions = part.positions === null
            ? Array.from({ length: tenants.length }, (_, i) => i)
            : [...part.positions];
          assert.equal(positions.length, part.columns.count);
          for (let i = 0; i < positions.length; i++) {
            if (i > 0) assert.ok(positions[i]! > positions[i - 1]!, "in batch order");
            assert.equal(tenants[positions[i]!], part.origin.tenant);
            assert.ok(!seen.has(positions[i]!));
            seen.add(positions[i]!);
          }
        }
        assert.equal(seen.size, tenants.length);
        assert.equal(receivedRecords(records).count, tenants.length);
      },
    ),
    { numRuns: 15 },
  );
});

Deno.test("a request of 25,000 lines of one origin is three parts: 10,000, 10,000 and 5,000", () => {
  const { records } = workerRecords(batchOf(Array.from({ length: 25_000 }, () => "")));
  assert.deepEqual(records.parts.map((part) => part.columns.count), [10_000, 10_000, 5_000]);
  assert.deepEqual(records.parts.map((part) => part.positions?.[0]), [0, 10_000, 20_000]);
});

Deno.test("property: a batch encoded in pieces and joined stores what the batch encoded whole does", () => {
  const decoded = (records: WorkerRecords) => {
    const received = receivedRecords(records);
    const keyOf = (i: number) => records.skeletons.keys[records.skeletons.skeletonOf[i]!];
    // Each record, with its skeleton standing for its signature, by origin in batch order.
    return received.parts.map((part) => {
      const count = records.skeletons.skeletonOf.length;
      const positions = part.positions === null
        ? Array.from({ length: count }, (_, i) => i)
        : [...part.positions];
      const stored = part.withSignatures(positions.map((p) => keyOf(p)!), 0);
      return { origin: part.origin, positions, records: stored.decode() as unknown[] };
    });
  };
  const byOrigin = (parts: ReturnType<typeof decoded>) => {
    const joined = new Map<string, { positions: number[]; records: unknown[] }>();
    for (const part of parts) {
      const key = JSON.stringify(part.origin);
      const entry = joined.get(key) ?? { positions: [], records: [] };
      entry.positions.push(...part.positions);
      entry.records.push(...part.records);
      joined.set(key, entry);
    }
    return [...joined.entries()];
  };
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("", "t1", "t2"), { minLength: 1, maxLength: 3000, size: "max" }),
      fc.array(fc.nat(), { maxLength: 5 }),
      (tenants, cuts) => {
        const whole = batchOf(tenants);
        const places = [...new Set(cuts.map((cut) => cut % tenants.length))].sort((a, b) => a - b);
        const bounds = [0, ...places.filter((p) => p > 0), tenants.length];
        const pieces = bounds.slice(1).map((end, i) =>
          encodeWorkerRecords({ ...whole, records: whole.records.slice(bounds[i], end) })
        );
        const joined = joinWorkerRecords(pieces);
        const expected = encodeWorkerRecords(whole);
        assert.deepEqual(
          [...joined.skeletons.skeletonOf].map((k) => joined.skeletons.keys[k]),
          [...expected.skeletons.skeletonOf].map((k) => expected.skeletons.keys[k]),
        );
        assert.deepEqual(byOrigin(decoded(joined)), byOrigin(decoded(expected)));
        for (const part of joined.parts) assert.ok(part.columns.count <= PART_RECORDS);
      },
    ),
    { numRuns: 40 },
  );
});
