import assert from "node:assert/strict";
import fc from "fast-check";
import { detectIssue, type HourFacts } from "./mod.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const base: HourFacts = {
  severityNumber: 17,
  hour: 30 * DAY,
  count: 40,
  baselineCount: 168,
  baselineHours: 168,
  firstSeen: 0,
  dataSince: 0,
};

Deno.test("a surge well above the signature's own week is an issue, with the reason", () => {
  const surge = detectIssue(base);
  assert.equal(surge?.kind, "surge");
  assert.equal(surge?.ratio, 40);
  assert.match(
    surge!.reason,
    /^surge: 40 lines in one hour, ×40 its rate over the previous 7 days \(p < 1e-12\)$/,
  );
});

Deno.test("no issue: its usual rate, too few lines, too little history, or INFO", () => {
  assert.equal(detectIssue({ ...base, count: 4, baselineCount: 4 * 168 }), null, "usual rate");
  assert.equal(detectIssue({ ...base, count: 8, baselineCount: 0 }), null, "under ten lines");
  assert.equal(
    detectIssue({ ...base, baselineHours: 12, baselineCount: 1 }),
    null,
    "half a day of history",
  );
  assert.equal(detectIssue({ ...base, severityNumber: 9 }), null, "INFO");
  assert.equal(
    detectIssue({ ...base, count: 300, baselineCount: 100 * 168 }),
    null,
    "×3 a busy signature's rate is significant but not a surge",
  );
});

Deno.test("a first sighting after a day of data is new; at the start of the data it is not", () => {
  const first = { ...base, baselineCount: 0, firstSeen: 30 * DAY + 600_000, count: 1 };
  assert.equal(detectIssue(first)?.kind, "new");
  assert.match(detectIssue(first)!.reason, /^new: first seen after 30 days of data without it$/);
  assert.equal(detectIssue({ ...first, dataSince: 29.9 * DAY }), null, "the data just began");
  assert.equal(
    detectIssue({ ...first, severityNumber: 13 }),
    null,
    "one new WARN line is not an issue",
  );
  assert.equal(detectIssue({ ...first, severityNumber: 13, count: 5 })?.kind, "new");
});

Deno.test("property: more lines in the hour never turn an issue into none", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: 0, max: 500 }),
      fc.integer({ min: 0, max: 2_000 }),
      fc.integer({ min: 1, max: 200 }),
      (count, baselineCount, extra) => {
        const facts = { ...base, count, baselineCount };
        if (detectIssue(facts) !== null) {
          assert.ok(detectIssue({ ...facts, count: count + extra }) !== null);
        }
      },
    ),
  );
});
