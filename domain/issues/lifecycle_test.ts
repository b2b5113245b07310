import assert from "node:assert/strict";
import fc from "fast-check";
import { lifecycleOf, lifecycleOfSpans, mergeSpans, upgradeVerdict } from "./mod.ts";

const H = 3_600_000;

Deno.test("an issue is new on its first day, active while it logs, resolved after a quiet day, regressed when back", () => {
  assert.equal(lifecycleOf([100 * H], 100 * H + 10), "new");
  assert.equal(lifecycleOf([50 * H, 51 * H, 100 * H], 100 * H + 10), "regressed");
  assert.equal(lifecycleOf([60 * H, 70 * H, 80 * H, 90 * H, 100 * H], 100 * H + 10), "active");
  assert.equal(lifecycleOf([80 * H], 120 * H), "resolved");
  assert.equal(lifecycleOf([], 120 * H), "resolved");
});

Deno.test("lines only in an upgrade's warm-up are upgrade noise; lines that go on after it are not", () => {
  const at = 1_000 * H;
  const windows = [
    { origin: "a", version: "2.0.0", at },
    { origin: "b", version: "2.0.0", at: at + 5 * H },
  ];
  const warmUp = [
    { origin: "a", hours: [at], firstSeen: at + 60_000, lastSeen: at + 20 * 60_000 },
    { origin: "b", hours: [at + 5 * H], firstSeen: at + 5 * H, lastSeen: at + 5 * H + 60_000 },
  ];
  const noise = upgradeVerdict(warmUp, windows);
  assert.equal(noise.noise, true);
  assert.match(noise.note!, /upgrade to 2\.0\.0 on each of its 2 environments/);
  const persisted = upgradeVerdict(
    [{ ...warmUp[0]!, hours: [at, at + 3 * H], lastSeen: at + 3 * H + 1 }, warmUp[1]!],
    windows,
  );
  assert.equal(persisted.noise, false);
  assert.match(persisted.note!, /persisted after it: not upgrade noise/);
  const elsewhere = upgradeVerdict(
    [...warmUp, { origin: "c", hours: [at], firstSeen: at, lastSeen: at + 1 }],
    windows,
  );
  assert.equal(elsewhere.noise, false, "an environment without an upgrade logged it too");
});

Deno.test("the verdict reads an origin's hours only when its first and last lines fell in a window", () => {
  const at = 1_000 * H;
  const windows = [{ origin: "a", version: "2.0.0", at }];
  let read = 0;
  const hours = (list: number[]) => ({
    *[Symbol.iterator]() {
      for (const hour of list) {
        read++;
        yield hour;
      }
    },
  });
  // Began a week before the upgrade: its hours cannot change the verdict.
  const before = upgradeVerdict(
    [{ origin: "a", hours: hours([at - 168 * H, at]), firstSeen: at - 168 * H, lastSeen: at }],
    windows,
  );
  assert.deepEqual(before, { noise: false, note: null });
  assert.equal(read, 0);
  // Inside the window at both ends: read until the first hour outside it.
  const after = upgradeVerdict(
    [{
      origin: "a",
      hours: hours([at, at + 30 * H, at + 31 * H, at + 32 * H]),
      firstSeen: at,
      lastSeen: at + 60_000,
    }],
    windows,
  );
  assert.equal(after.noise, false);
  assert.equal(read, 2);
});

Deno.test("property: the status from the runs of hours, split among signatures any way, is the status from the hours", () => {
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.integer({ min: 0, max: 400 }), { maxLength: 40 }),
      fc.array(fc.integer({ min: 0, max: 3 }), { minLength: 40, maxLength: 40 }),
      fc.integer({ min: 0, max: 60 }),
      (hourNumbers, owners, extra) => {
        const hours = hourNumbers.map((n) => n * H).sort((a, b) => a - b);
        const asOf = (hours.at(-1) ?? 0) + extra * H;
        // Each signature's runs, then the from them.
        const bySignature = [0, 1, 2, 3].map((s) =>
          mergeSpans(hours.filter((_, i) => owners[i] === s).map((h) => [h, h] as const))
        );
        const spans = mergeSpans(bySignature.flat());
        assert.equal(lifecycleOfSpans(spans, asOf), lifecycleOf(hours, asOf));
        assert.deepEqual(spans.at(-1)?.[1], hours.at(-1));
      },
    ),
  );
});
