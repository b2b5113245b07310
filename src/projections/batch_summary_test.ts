import assert from "node:assert/strict";
import fc from "fast-check";
import type { LogBatchIngestedData, StoredRecord } from "../../domain/events.ts";
import { EXAMPLES_KEPT, summarize } from "./batch_summary.ts";
import { eventRowCodec } from "../../adapters/lmdb/row_codec.ts";

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 2, 1);

const maybe = (values: string[]) => fc.option(fc.constantFrom(...values), { nil: null });
const recordArb: fc.Arbitrary<StoredRecord> = fc.record({
  timestamp: fc.integer({ min: T0, max: T0 + 5 * HOUR }),
  customer: maybe(["acme", "globex"]),
  environment: maybe(["prod", "staging"]),
  service: fc.constant(null),
  version: maybe(["1.0", "1.1"]),
  severityNumber: fc.constantFrom(9, 13, 17),
  message: fc.constant("m"),
  attributes: fc.constantFrom([], ["tenant_id", "t1"], ["tenant_id", "t2", "host", "h"]),
  line: fc.nat(),
  offset: fc.constant(null),
  signatureId: fc.constantFrom("sig_a", "sig_b", "sig_c"),
});
const batchArb = fc.record({
  records: fc.array(recordArb, { maxLength: 120, size: "max" }),
  context: fc.record({ customer: fc.constantFrom("acme", "mt-1") }, { noNullPrototype: true }),
}).map(({ records, context }): LogBatchIngestedData => ({
  batchId: "b",
  source: "s",
  format: "jsonl",
  context: { ...context, environment: "prod", version: "1.0" },
  receivedAt: T0,
  records,
  quarantined: [],
}));

Deno.test("property: a batch's groups are exactly its records, split by what read models count by", () => {
  fc.assert(
    fc.property(batchArb, (batch) => {
      const { groups } = summarize(batch);
      const fieldsOf = (r: StoredRecord) =>
        [
          r.signatureId,
          r.customer ?? batch.context.customer!,
          r.attributes[0] === "tenant_id" ? String(r.attributes[1]) : "",
          r.environment ?? batch.context.environment!,
          r.version ?? batch.context.version!,
          Math.floor(r.timestamp / HOUR) * HOUR,
          r.severityNumber,
        ].join("|");
      const expected = new Map<string, { count: number; first: number; last: number }>();
      for (const r of batch.records) {
        const key = fieldsOf(r);
        const e = expected.get(key) ?? { count: 0, first: Infinity, last: -Infinity };
        expected.set(key, {
          count: e.count + 1,
          first: Math.min(e.first, r.timestamp),
          last: Math.max(e.last, r.timestamp),
        });
      }
      const actual = new Map(groups.map((g) => [
        [g.signatureId, g.owner, g.tenant, g.environment, g.version, g.hour, g.severityNumber]
          .join("|"),
        { count: g.count, first: g.firstSeen, last: g.lastSeen },
      ]));
      assert.deepEqual(actual, expected);
      assert.equal(actual.size, groups.length, "one group per key");
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: the examples are each signature's last records, in order", () => {
  fc.assert(
    fc.property(batchArb, (batch) => {
      const { latest } = summarize(batch);
      const bySignature = new Map<string, number[]>();
      batch.records.forEach((r, i) => {
        bySignature.set(r.signatureId, [...(bySignature.get(r.signatureId) ?? []), i]);
      });
      assert.deepEqual(
        new Map([...latest].map(([id, indexes]) => [id, [...indexes]])),
        new Map([...bySignature].map(([id, indexes]) => [id, indexes.slice(-EXAMPLES_KEPT)])),
      );
    }),
    { numRuns: 200 },
  );
});

Deno.test("property: a batch read in groups, with its origin stated or not, summarizes as its records do", () => {
  const codec = eventRowCodec();
  fc.assert(
    fc.property(
      batchArb,
      // Enough copies for more than one group of records.
      fc.integer({ min: 1, max: 12 }),
      recordArb,
      (batch, copies, origin) => {
        // Ingest stores one origin per batch: every record takes the first one's.
        const records = Array.from({ length: copies }, () => batch.records).flat().map((r) => ({
          ...r,
          customer: origin.customer,
          environment: origin.environment,
          attributes: origin.attributes,
        }));
        const plain = { ...batch, records };
        const stated: LogBatchIngestedData = {
          ...plain,
          origin: {
            owner: origin.customer ?? batch.context.customer!,
            tenant: origin.attributes[0] === "tenant_id" ? String(origin.attributes[1]) : "",
            environment: origin.environment ?? batch.context.environment!,
          },
        };
        const row = { type: "LogBatchIngested", data: stated };
        const grouped = (codec.decode(codec.encode(row)) as {
          data: LogBatchIngestedData;
        }).data;
        assert.deepEqual(summarize(grouped), summarize(plain));
        // Without an origin stated, each record's own.
        const mixed = {
          ...batch,
          records: Array.from({ length: copies }, () => batch.records).flat(),
        };
        const mixedRow = { type: "LogBatchIngested", data: mixed };
        const mixedGrouped = (codec.decode(codec.encode(mixedRow)) as {
          data: LogBatchIngestedData;
        }).data;
        assert.deepEqual(summarize(mixedGrouped), summarize(mixed));
      },
    ),
    { numRuns: 60 },
  );
});
