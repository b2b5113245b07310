import assert from "node:assert/strict";
import fc from "fast-check";
import { type CustomerExposure, impactOf, propagationOf } from "./mod.ts";

const DAY = 86_400_000;
const exposure = (
  customer: string,
  weight: number,
  firstDay: number,
  lastDay: number,
  environment = "prod",
): CustomerExposure => ({
  customer,
  weight,
  tier: weight >= 100_000 ? "enterprise" : "standard",
  count: 10,
  firstSeen: firstDay * DAY,
  lastSeen: lastDay * DAY,
  environments: [{ environment, firstSeen: firstDay * DAY }],
  versions: [{ version: "2.0.0", count: 10, firstSeen: firstDay * DAY }],
});

Deno.test("impact weighs who is hit: one enterprise customer outweighs several small ones", () => {
  const enterprise = impactOf(17, [exposure("big", 200_000, 0, 2)], 100);
  const small = impactOf(17, [1, 2, 3].map((i) => exposure(`s${i}`, 5_000, 0, 2)), 100);
  assert.ok(enterprise.score > small.score);
  assert.deepEqual(enterprise.factors.tiers, { enterprise: 1 });
  assert.match(enterprise.reasons.join("; "), /1 customer \(1 enterprise\), 1% of 100/);
});

Deno.test("impact of nobody is zero, and says so", () => {
  const none = impactOf(21, [], 10);
  assert.equal(none.score, 0);
  assert.deepEqual(none.reasons, ["no attributed customer has logged it"]);
});

const exposures = fc.array(
  fc.record({
    weight: fc.integer({ min: 0, max: 300_000 }),
    first: fc.integer({ min: 0, max: 60 }),
    length: fc.integer({ min: 0, max: 60 }),
  }),
  { maxLength: 12 },
).map((list) => list.map((e, i) => exposure(`c${i}`, e.weight, e.first, e.first + e.length)));

Deno.test("property: impact never falls when a customer is added, the severity rises or exposure lengthens", () => {
  fc.assert(
    fc.property(exposures, fc.integer({ min: 0, max: 100_000 }), (list, weight) => {
      const base = impactOf(17, list, 50).score;
      assert.ok(impactOf(17, [...list, exposure("new", weight, 0, 1)], 50).score >= base);
      assert.ok(impactOf(21, list, 50).score >= base);
      const longer = list.map((e) => ({ ...e, lastSeen: e.lastSeen + DAY }));
      assert.ok(impactOf(17, longer, 50).score >= base);
    }),
  );
});

Deno.test("propagation: the order customers were hit in, per environment and version, and spreading", () => {
  const p = propagationOf([
    exposure("late", 1, 9.5, 10, "prod"),
    exposure("first", 1, 1, 10, "staging"),
    exposure("second", 1, 3, 4, "prod"),
  ], 10 * DAY);
  assert.deepEqual(p.order.map((o) => [o.customer, o.environment]), [
    ["first", "staging"],
    ["second", "prod"],
    ["late", "prod"],
  ]);
  assert.deepEqual(p.environments.map((e) => [e.environment, e.customers]), [["staging", 1], [
    "prod",
    2,
  ]]);
  assert.deepEqual(p.versions.map((v) => [v.version, v.customers, v.count]), [["2.0.0", 3, 30]]);
  assert.deepEqual(p.newCustomersByDay, [1, 0, 0, 0, 0, 0, 1], "second on day 3, late on day 9.5");
  assert.equal(p.spreading, true);
  const settled = propagationOf([exposure("only", 1, 1, 3)], 10 * DAY);
  assert.equal(settled.spreading, false);
  assert.equal(settled.reason, "no line in the last 24 hours");
});
