import assert from "node:assert/strict";
import { predictionJson } from "./analytics_routes.ts";
import type { TicketPrediction } from "../../ports/analytics.ts";

const HOUR = 3_600_000;

Deno.test("a range with no high end answers high_hours and range.to as null, not a number", () => {
  const openedAt = Date.UTC(2026, 11, 1);
  const prediction: TicketPrediction = {
    ticketId: "T-1",
    openedAt,
    asOf: openedAt + 10 * HOUR,
    medianHours: 30,
    lowHours: 12,
    highHours: Infinity,
    complexity: 70,
    atOpen: { medianHours: 30, lowHours: 8, highHours: Infinity },
    elapsedHours: 10,
    expectedBy: openedAt + 30 * HOUR,
    range: { from: openedAt + 12 * HOUR, to: openedAt + Infinity },
    factors: [],
    complexityFactors: [],
    engineeringProbability: 0.9,
    engineering: { probability: 0.9, method: "model", factors: [] },
    agentHours: null,
    rangeGroup: "issue, earlier tickets waiting",
    model: { trainedOn: 100, calibratedOn: 20 },
  };
  const json = predictionJson(prediction) as {
    interval_80: { low_hours: number; high_hours: number | null };
    at_open: { interval_80: { low_hours: number; high_hours: number | null } };
    range: { from: string | null; to: string | null };
    range_group: string;
  };
  assert.deepEqual(json.interval_80, { low_hours: 12, high_hours: null });
  assert.deepEqual(json.at_open.interval_80, { low_hours: 8, high_hours: null });
  assert.equal(json.range.from, new Date(openedAt + 12 * HOUR).toISOString());
  assert.equal(json.range.to, null);
  assert.equal(json.range_group, "issue, earlier tickets waiting");
  // JSON has no Infinity: a number there would have been written as null without saying why.
  assert.ok(!JSON.stringify(json).includes("Infinity"));
});
