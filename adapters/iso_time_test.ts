import assert from "node:assert/strict";
import fc from "fast-check";
import { isoTime, isoTimeOrNull } from "./iso_time.ts";

const MAX_DATE_MS = 8.64e15;

Deno.test("property: isoTime writes exactly what Date#toISOString writes", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.integer({ min: 0, max: 253_402_300_799_999 }),
        fc.integer({ min: -MAX_DATE_MS, max: MAX_DATE_MS }),
        fc.double({ min: -1e13, max: 1e13, noNaN: true }),
      ),
      (millis) => assert.equal(isoTime(millis), new Date(millis).toISOString()),
    ),
    { numRuns: 5000 },
  );
});

Deno.test("isoTime at the edges: epoch, leap days, end of year 9999 and after", () => {
  for (
    const millis of [
      0,
      Date.UTC(2000, 1, 29, 23, 59, 59, 999),
      Date.UTC(2100, 2, 1),
      Date.UTC(2024, 11, 31, 23, 59, 59, 999),
      253_402_300_799_999,
      253_402_300_800_000,
      -1,
      0.9,
    ]
  ) assert.equal(isoTime(millis), new Date(millis).toISOString());
  assert.throws(() => isoTime(NaN), RangeError);
});

Deno.test("isoTimeOrNull: null, NaN and infinite bounds are no time", () => {
  assert.equal(isoTimeOrNull(null), null);
  assert.equal(isoTimeOrNull(Infinity), null);
  assert.equal(isoTimeOrNull(-Infinity), null);
  assert.equal(isoTimeOrNull(NaN), null);
  assert.equal(isoTimeOrNull(1_700_000_000_000), "2023-11-14T22:13:20.000Z");
});
