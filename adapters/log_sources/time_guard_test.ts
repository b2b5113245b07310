import assert from "node:assert/strict";
import fc from "fast-check";
import type { ParseItem } from "../log_formats/mod.ts";
import { TIME_INFERRED_ATTRIBUTE, TimeGuard } from "./time_guard.ts";

const NOW = Date.UTC(2026, 11, 4);

const record = (line: number, timestamp?: number): ParseItem => ({
  kind: "record",
  line,
  offset: line * 10,
  parsed: {
    message: `m${line}`,
    attributes: {},
    ...(timestamp === undefined ? {} : { timestamp }),
  },
});

Deno.test("times outside 1970 .. now + 100 years are quarantined with the reason", () => {
  const guard = new TimeGuard({ historical: false, now: NOW });
  const out = guard.pass([record(1, 1e302), record(2, -1), record(3, NOW), record(4, NaN)]);
  assert.deepEqual(out.map((i) => i.kind), ["quarantined", "quarantined", "record", "quarantined"]);
  const first = out[0] as Extract<ParseItem, { kind: "quarantined" }>;
  assert.match(first.reason, /^time 1e\+302 is outside 1970-01-01 \.\. 100 years from now$/);
});

Deno.test("a timeless record takes the previous record's time, flagged; pushed leading ones keep none", () => {
  const guard = new TimeGuard({ historical: false, now: NOW });
  const out = guard.pass([record(1), record(2, NOW - 5), record(3)]) as Extract<
    ParseItem,
    { kind: "record" }
  >[];
  assert.equal(out[0]!.parsed.timestamp, undefined);
  assert.equal(out[2]!.parsed.timestamp, NOW - 5);
  assert.equal(out[2]!.parsed.attributes[TIME_INFERRED_ATTRIBUTE], "previous_record");
});

Deno.test("history: no record ever gets the wall clock; every line comes out once, as a record or quarantined", () => {
  fc.assert(
    fc.property(
      fc.array(fc.option(fc.integer({ min: 0, max: NOW }), { nil: undefined }), { maxLength: 50 }),
      (times) => {
        const guard = new TimeGuard({ historical: true, now: NOW });
        const items = times.map((t, i) => record(i + 1, t));
        const out = [...guard.pass(items), ...guard.end()];
        assert.deepEqual(out.map((i) => i.line).sort((a, b) => a - b), items.map((i) => i.line));
        const anyTime = times.some((t) => t !== undefined);
        for (const item of out) {
          if (item.kind === "record") assert.notEqual(item.parsed.timestamp, undefined);
          else assert.ok(!anyTime, "quarantined although a time was there to take");
        }
      },
    ),
  );
});
