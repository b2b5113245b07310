import assert from "node:assert/strict";
import fc from "fast-check";
import { linearScale, shortNumber, ticks, valueRange } from "./chart_scale.ts";

const finite = fc.double({ min: -1e9, max: 1e9, noNaN: true, noDefaultInfinity: true });

Deno.test("every value lands inside the pixel range, in order", () => {
  fc.assert(
    fc.property(fc.array(finite, { minLength: 1, maxLength: 50 }), finite, (values, probe) => {
      const [min, max] = valueRange(values);
      const y = linearScale(min, max, 200, 10);
      for (const v of [...values, probe]) {
        assert.ok(y(v) <= 200 && y(v) >= 10, `${v} -> ${y(v)}`);
      }
      const sorted = [...values].sort((a, b) => a - b);
      for (let i = 1; i < sorted.length; i++) assert.ok(y(sorted[i]!) <= y(sorted[i - 1]!));
    }),
  );
});

Deno.test("the value range holds every value and zero", () => {
  fc.assert(
    fc.property(fc.array(finite, { minLength: 1, maxLength: 50 }), (values) => {
      const [min, max] = valueRange(values);
      assert.ok(min < max);
      assert.ok(min <= 0);
      for (const v of values) assert.ok(v >= min && v <= max);
    }),
  );
});

Deno.test("ticks are round, ascending and within the range", () => {
  fc.assert(
    fc.property(finite, fc.double({ min: 1e-6, max: 1e9, noNaN: true }), (min, span) => {
      const max = min + span;
      const values = ticks(min, max);
      assert.ok(values.length >= 1 && values.length <= 12, `${values.length} ticks`);
      for (let i = 1; i < values.length; i++) assert.ok(values[i]! > values[i - 1]!);
      for (const v of values) assert.ok(v >= min - span * 1e-6 && v <= max + span * 1e-6);
    }),
  );
});

Deno.test("short numbers read as a person writes them", () => {
  assert.equal(shortNumber(0), "0");
  assert.equal(shortNumber(0.05), "0.05");
  assert.equal(shortNumber(85), "85");
  assert.equal(shortNumber(1234), "1.2k");
  assert.equal(shortNumber(2_500_000), "2.5M");
});
