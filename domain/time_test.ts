import assert from "node:assert/strict";
import fc from "fast-check";
import {
  civilFromDays,
  DAY_MS,
  fromEpochNumber,
  parseIsoLike,
  parseTimeValue,
  scanIsoTime,
  utcTime,
  withInferredYear,
} from "./time.ts";

Deno.test("ISO 8601 and its log-file variants, with and without a zone (none is UTC)", () => {
  const at = Date.UTC(2024, 2, 1, 12, 0, 1, 123);
  const cases: [string, number][] = [
    ["2024-03-01T12:00:01.123Z", at],
    ["2024-03-01T12:00:01.123456789Z", at],
    ["2024-03-01 12:00:01,123", at],
    ["2024-03-01t12:00:01.123z", at],
    ["2024-03-01T14:00:01.123+02:00", at],
    ["2024-03-01T14:00:01.123+0200", at],
    ["2024-03-01T14:00:01.123+02", at],
    ["2024-03-01T07:00:01.123 -05:00", at],
    ["2024-03-01 12:00:01.123 UTC", at],
    ["2024/03/01 12:00:01.123", at],
    ["2024-03-01T12:00", Date.UTC(2024, 2, 1, 12)],
    ["2024-03-01", Date.UTC(2024, 2, 1)],
    ["2016-12-31T23:59:60Z", Date.UTC(2016, 11, 31, 23, 59, 59, 999)],
  ];
  for (const [text, expected] of cases) assert.equal(parseIsoLike(text), expected, text);
});

Deno.test("dates that do not exist, and text that is no time, read as undefined", () => {
  for (
    const text of [
      "2024-13-01T00:00:00Z",
      "2024-02-30T00:00:00Z",
      "2023-02-29",
      "2024-03-01T24:00:00Z",
      "2024-03-01T12:60:00Z",
      "2024-03-01T12:00:00+25:00",
      "2024-03-01T12:00:00 nonsense",
      "2024-03-01T12:00:00.Z",
      "2024-03/01",
      "yesterday",
      "",
    ]
  ) assert.equal(parseIsoLike(text), undefined, text);
});

Deno.test("parseIsoLike agrees with Date on every canonical UTC time", () => {
  fc.assert(
    fc.property(
      fc.date({
        min: new Date("0100-01-01T00:00:00Z"),
        max: new Date("9999-12-31T23:59:59Z"),
        noInvalidDate: true,
      }),
      (date) => {
        assert.equal(parseIsoLike(date.toISOString()), date.getTime());
      },
    ),
  );
});

Deno.test("a leading time in a text line is found with where it ends", () => {
  assert.deepEqual(scanIsoTime("2024-03-01 12:00:01,123 ERROR x", 0), {
    time: Date.UTC(2024, 2, 1, 12, 0, 1, 123),
    end: 23,
  });
  assert.deepEqual(scanIsoTime("[2024-03-01T12:00:01+01:00] x", 1), {
    time: Date.UTC(2024, 2, 1, 11, 0, 1),
    end: 26,
  });
  // " - " after a time is Python's separator, not a negative zone.
  assert.equal(scanIsoTime("2024-03-01 12:00:01,123 - app - INFO - x", 0)?.end, 23);
  // A zone that runs on into a word is no zone: the time ends before it.
  assert.equal(scanIsoTime("2024-03-01 12:00:01Zulu", 0)?.end, 19);
});

Deno.test("epoch numbers: seconds, milliseconds, microseconds and nanoseconds by magnitude", () => {
  const at = 1_709_294_401_123;
  assert.equal(fromEpochNumber(at / 1000), at);
  assert.equal(fromEpochNumber(at), at);
  assert.equal(fromEpochNumber(at * 1000), at);
  assert.equal(fromEpochNumber(at * 1e6), at);
  assert.equal(fromEpochNumber(0), undefined);
  assert.equal(fromEpochNumber(-5), undefined);
  assert.equal(parseTimeValue("Fri, 01 Mar 2024 12:00:01 GMT"), Date.UTC(2024, 2, 1, 12, 0, 1));
  assert.equal(parseTimeValue("build 2024 of x"), undefined, "no month name");
  assert.equal(parseTimeValue(" 2024-03-01T12:00:01Z "), Date.UTC(2024, 2, 1, 12, 0, 1));
  assert.equal(parseTimeValue(true), undefined);
});

Deno.test("a year-less time takes the year closest to, and at most a day after, the reference", () => {
  fc.assert(
    fc.property(
      fc.integer({ min: Date.UTC(1990, 0, 1), max: Date.UTC(2090, 0, 1) }),
      fc.integer({ min: -300 * 86_400_000, max: 86_400_000 }),
      (reference, delta) => {
        const actual = new Date(reference + delta);
        const inferred = withInferredYear(
          actual.getUTCMonth(),
          actual.getUTCDate(),
          actual.getUTCHours(),
          actual.getUTCMinutes(),
          actual.getUTCSeconds(),
          actual.getUTCMilliseconds(),
          reference,
        );
        assert.equal(inferred, actual.getTime());
      },
    ),
  );
});

Deno.test("civilFromDays is the inverse of utcTime's calendar, and agrees with Date", () => {
  fc.assert(
    fc.property(fc.integer({ min: -3_000_000, max: 3_000_000 }), (days) => {
      const { year, month, day } = civilFromDays(days);
      assert.equal(utcTime(year, month - 1, day, 0, 0, 0, 0), days * DAY_MS);
      const date = new Date(days * DAY_MS);
      assert.deepEqual([year, month, day], [
        date.getUTCFullYear(),
        date.getUTCMonth() + 1,
        date.getUTCDate(),
      ]);
    }),
  );
});
