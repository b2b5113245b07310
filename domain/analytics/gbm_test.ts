import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type BinnedFeature,
  DEFAULT_GBM_OPTIONS,
  fitGbm,
  predictRow,
  weightedQuantile,
} from "./gbm.ts";

const all = (n: number) => Int32Array.from({ length: n }, (_, i) => i);

Deno.test("censored quantile: a ticket still open counts above the quantile while it lies below its bound, and drops out past it", () => {
  const resolved = [1, 2, 3, 4, 5, 6, 7, 8, 9, 10];
  // Five opened just before the end, open half an hour: they tell nothing about a median of hours.
  const recent = new Float64Array([...resolved, 0.5, 0.5, 0.5, 0.5, 0.5]);
  const flags = new Uint8Array(15).fill(1, 10);
  const ones = new Float64Array(15).fill(1);
  assert.equal(weightedQuantile(recent, ones, all(15), 0.5, flags), 5);
  // Read as resolved then, they would pull the median down to 3.
  assert.equal(weightedQuantile(recent, ones, all(15), 0.5), 3);
  // Fifteen open for 100 h: more than half the tickets take longer than any that resolved.
  const waiting = new Float64Array([...resolved, ...Array(15).fill(100)]);
  const waitingFlags = new Uint8Array(25).fill(1, 10);
  assert.equal(
    weightedQuantile(waiting, new Float64Array(25).fill(1), all(25), 0.5, waitingFlags),
    100,
  );
  // The 10% quantile stays among the resolved: 2.5 of 25 tickets lie below it.
  assert.equal(
    weightedQuantile(waiting, new Float64Array(25).fill(1), all(25), 0.1, waitingFlags),
    3,
  );
});

Deno.test("property: with no row censored, the censored quantile is the plain weighted quantile", () => {
  fc.assert(
    fc.property(
      fc.array(fc.double({ min: -10, max: 10, noNaN: true }), { minLength: 1, maxLength: 40 }),
      fc.double({ min: 0.05, max: 0.95, noNaN: true }),
      (values, q) => {
        const v = Float64Array.from(values);
        const w = new Float64Array(values.length).fill(1);
        const none = new Uint8Array(values.length);
        return weightedQuantile(v, w, all(values.length), q, none) ===
          weightedQuantile(v, w, all(values.length), q);
      },
    ),
  );
});

Deno.test("fitGbm: the censored loss lifts the median of a group whose tickets mostly wait past their follow-up, and leaves the other group alone", () => {
  // Group 0: every ticket resolved, at log hours about 1. Group 1: 30% resolved at about 1, 30%
  // opened just before the end (open log hours 0.2: they tell nothing), 40% open past log hours
  // 5. More than half of those followed up long enough take longer than 5.
  const n = 400;
  const group = Uint16Array.from({ length: n }, (_, i) => (i < n / 2 ? 0 : 1));
  const kind = (
    i: number,
  ) => (i < n / 2 || i % 10 < 3 ? "resolved" : i % 10 < 6 ? "recent" : "waiting");
  const censored = Uint8Array.from({ length: n }, (_, i) => (kind(i) === "resolved" ? 0 : 1));
  const target = Float64Array.from(
    { length: n },
    (_, i) => ({ resolved: 1 + (i % 7) / 100, recent: 0.2, waiting: 5 })[kind(i)],
  );
  const features: BinnedFeature[] = [{
    name: "group",
    kind: "categorical",
    binCount: 2,
    bins: group,
  }];
  const weights = new Float64Array(n).fill(1);
  const options = {
    ...DEFAULT_GBM_OPTIONS,
    quantile: 0.5,
    trees: 100,
    learningRate: 0.2,
    minLeafWeight: 20,
  };
  const fitted = fitGbm(features, target, weights, options, undefined, censored);
  assert.ok(predictRow(fitted, [1]) > 4.5, `censored: ${predictRow(fitted, [1])}`);
  assert.ok(
    Math.abs(predictRow(fitted, [0]) - 1.03) < 0.1,
    `resolved group: ${predictRow(fitted, [0])}`,
  );
  // Read as resolved at their follow-up, or left out, group 1's median is that of its quick ones.
  const asResolved = fitGbm(features, target, weights, options);
  assert.ok(predictRow(asResolved, [1]) < 1.5, `as resolved: ${predictRow(asResolved, [1])}`);
  const keep = Int32Array.from(all(n).filter((i) => censored[i] === 0));
  const only = fitGbm(
    [{ ...features[0]!, bins: Uint16Array.from(keep, (i) => group[i]!) }],
    Float64Array.from(keep, (i) => target[i]!),
    new Float64Array(keep.length).fill(1),
    options,
  );
  assert.ok(predictRow(only, [1]) < 1.5, `resolved only: ${predictRow(only, [1])}`);
});
