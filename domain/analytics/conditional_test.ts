import assert from "node:assert/strict";
import fc from "fast-check";
import { givenStillOpen, inverseNormalCdf, normalCdf } from "./conditional.ts";

const range = fc.tuple(
  fc.double({ min: 0, max: 500, noNaN: true }),
  fc.double({ min: 0, max: 500, noNaN: true }),
  fc.double({ min: 0, max: 500, noNaN: true }),
).map(([a, b, c]) => {
  const [lowHours, medianHours, highHours] = [a, b, c].sort((x, y) => x - y);
  return { lowHours: lowHours!, medianHours: medianHours!, highHours: highHours! };
});

Deno.test("property: given still open, the interval holds the point, starts no earlier than now and never moves back", () => {
  fc.assert(
    fc.property(
      range,
      fc.double({ min: 0, max: 2000, noNaN: true }),
      fc.double({ min: 0, max: 2000, noNaN: true }),
      (p, a, b) => {
        const [earlier, later] = a <= b ? [a, b] : [b, a];
        const first = givenStillOpen(p, earlier);
        const second = givenStillOpen(p, later);
        for (const x of [first, second]) {
          assert.ok(x.lowHours <= x.medianHours + 1e-9 && x.medianHours <= x.highHours + 1e-9);
        }
        assert.ok(first.lowHours >= earlier - 1e-9 && second.lowHours >= later - 1e-9);
        // More time open can only push the expected resolution later.
        assert.ok(
          second.medianHours >= first.medianHours - 1e-6,
          JSON.stringify({ first, second }),
        );
      },
    ),
  );
});

Deno.test("given still open past the median, half of what is left lies beyond the new median", () => {
  // Log-normal with median 10 h: a ticket open for 10 h is past half of all tickets.
  const sigma = 1;
  const p = {
    lowHours: 10 * Math.exp(-1.2815515655446004 * sigma) - 1 / 60,
    medianHours: 10 - 1 / 60,
    highHours: 10 * Math.exp(1.2815515655446004 * sigma) - 1 / 60,
  };
  const later = givenStillOpen(p, 10 - 1 / 60);
  // P(T > m | T > median) = 0.5 means P(T > m) = 0.25: m is the 75th percentile.
  const p75 = 10 * Math.exp(inverseNormalCdf(0.75) * sigma) - 1 / 60;
  assert.ok(Math.abs(later.medianHours - p75) < 1e-3, `${later.medianHours} vs ${p75}`);
});

Deno.test("the normal CDF and its inverse agree", () => {
  for (const q of [0.001, 0.02, 0.1, 0.5, 0.9, 0.98, 0.999]) {
    assert.ok(Math.abs(normalCdf(inverseNormalCdf(q)) - q) < 1e-6);
  }
});
