import assert from "node:assert/strict";
import fc from "fast-check";
import { type HourCount, OUTLIER_GAP_MS, trustworthyAsOf } from "./mod.ts";

const HOUR = 3_600_000;

/** A steady stretch of data: every hour has records. */
const body = fc.array(fc.integer({ min: 5, max: 500 }), { minLength: 24, maxLength: 24 * 20 })
  .map((counts) =>
    counts.map((count, i): HourCount => ({ hour: i * HOUR, count, latest: i * HOUR + 59_000 }))
  );

Deno.test("property: a handful of records far ahead never move as of, and are counted", () => {
  fc.assert(
    fc.property(
      body,
      fc.array(fc.integer({ min: 1, max: 5_000 }), { minLength: 1, maxLength: 5 }),
      (hours, aheadHours) => {
        const asOf = trustworthyAsOf(hours).asOf;
        const last = hours[hours.length - 1]!.hour;
        const outliers = new Map<number, number>();
        for (const ahead of aheadHours) {
          const hour = last + OUTLIER_GAP_MS + ahead * HOUR;
          outliers.set(hour, (outliers.get(hour) ?? 0) + 1);
        }
        const withOutliers = [
          ...hours,
          ...[...outliers].sort((a, b) => a[0] - b[0]).map(([hour, count]) => ({
            hour,
            count,
            latest: hour + 1,
          })),
        ];
        const answer = trustworthyAsOf(withOutliers);
        assert.equal(answer.asOf, asOf);
        assert.equal(answer.outliers, aheadHours.length);
      },
    ),
  );
});

Deno.test("data that really goes on after a quiet day moves as of", () => {
  const hours: HourCount[] = [
    { hour: 0, count: 100, latest: 1 },
    { hour: 48 * HOUR, count: 100, latest: 48 * HOUR + 5 },
  ];
  assert.deepEqual(trustworthyAsOf(hours), {
    asOf: 48 * HOUR + 5,
    outliers: 0,
    latestOutlier: null,
  });
  assert.equal(trustworthyAsOf([]).asOf, 0);
  const few: HourCount[] = [
    { hour: 0, count: 2, latest: 10 },
    { hour: 72 * HOUR, count: 1, latest: 72 * HOUR + 7 },
  ];
  assert.equal(trustworthyAsOf(few).asOf, 72 * HOUR + 7, "in three records none stands out");
});
