import assert from "node:assert/strict";
import fc from "fast-check";
import { contextualField, storedRecordOf } from "./events.ts";
import { fromAttributePairs, normalizeRecord, type ParsedLog } from "./log_record.ts";
import { severityFromNumber, severityTextOf } from "./severity.ts";

const label = fc.option(fc.constantFrom("acme", "globex", "prod", "staging", "api", "2.3.1"), {
  nil: undefined,
});
const context = fc.record({ customer: label, environment: label, service: label, version: label }, {
  noNullPrototype: true,
  requiredKeys: [],
}).map((c) => Object.fromEntries(Object.entries(c).filter(([, v]) => v !== undefined)));
const parsed = fc.record({
  timestamp: fc.option(fc.integer({ min: 0, max: 4e12 }), { nil: undefined }),
  severity: fc.option(fc.integer({ min: 1, max: 24 }).map(severityFromNumber), { nil: undefined }),
  message: fc.string(),
  customer: label,
  environment: label,
  service: label,
  version: label,
  attributes: fc.dictionary(
    fc.string().filter((k) => k !== "__proto__"),
    fc.oneof(fc.string(), fc.integer(), fc.boolean(), fc.constant(null)),
    { noNullPrototype: true },
  ),
}, { noNullPrototype: true }).map((p) =>
  Object.fromEntries(Object.entries(p).filter(([, v]) => v !== undefined)) as unknown as ParsedLog
);

Deno.test("the stored form of a record, read back with its batch context, is the normalized record", () => {
  fc.assert(
    fc.property(parsed, context, fc.integer({ min: 0, max: 4e12 }), (log, ctx, observedAt) => {
      const normalized = normalizeRecord(log, ctx, { source: "s" }, observedAt);
      const stored = storedRecordOf(log, ctx, observedAt, 1, undefined, "sig");
      for (const field of ["customer", "environment", "service", "version"] as const) {
        assert.equal(contextualField(stored, ctx, field), normalized[field]);
      }
      assert.equal(stored.timestamp, normalized.timestamp);
      assert.equal(severityTextOf(stored.severityNumber), normalized.severityText);
      assert.deepEqual(fromAttributePairs(stored.attributes), normalized.attributes);
    }),
    { numRuns: 500 },
  );
});
