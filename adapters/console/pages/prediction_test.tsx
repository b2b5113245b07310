import assert from "node:assert/strict";
import type { TicketPrediction } from "../../../ports/analytics.ts";
import { PredictionSection } from "./prediction.tsx";

const HOUR = 3_600_000;
const OPENED = Date.UTC(2026, 10, 13, 16, 0);

function prediction(overrides: Partial<TicketPrediction> = {}): TicketPrediction {
  return {
    ticketId: "T-1",
    openedAt: OPENED,
    asOf: OPENED + 5 * HOUR,
    medianHours: 20,
    lowHours: 6,
    highHours: 50,
    complexity: 62.4,
    atOpen: { medianHours: 20, lowHours: 6, highHours: 50 },
    elapsedHours: 5,
    expectedBy: OPENED + 20 * HOUR,
    range: { from: OPENED + 6 * HOUR, to: OPENED + 50 * HOUR },
    factors: [
      { feature: "hour_of_day", value: "16", effectHours: -0.5 },
      { feature: "severity", value: "critical", effectHours: -9 },
      { feature: "issue_earlier_median_h", value: "31", effectHours: 14 },
      { feature: "text:timeout", value: "1", effectHours: 2 },
    ],
    complexityFactors: [],
    engineeringProbability: 0.42,
    engineering: { probability: 0.42, method: "model", factors: [] },
    agentHours: { hours: 1.5, basis: "mean agent time of 80 resolved tickets" },
    rangeGroup: "issue",
    model: { trainedOn: 240, calibratedOn: 60 },
    ...overrides,
  };
}

/** What a person reads: the section's text without tags. */
function text(node: unknown): string {
  return String(node).replace(/<[^>]+>/g, " ").replace(/&quot;/g, '"').replace(/\s+/g, " ");
}

Deno.test("an open ticket shows when it is expected, its 80% range and what moves it, largest first", () => {
  const shown = text(PredictionSection({
    outcome: { ok: true, value: prediction() },
    resolved: false,
    reopened: false,
  }));
  assert.match(shown, /Expected resolution/);
  assert.match(
    shown,
    /Expected by 2026-11-14 12:00 UTC , 80% between 2026-11-13 22:00 UTC and 2026-11-15 18:00 UTC/,
  );
  assert.match(shown, /Open 5 h so far/);
  assert.match(shown, /Complexity 62 \/ 100/);
  assert.match(shown, /Needs engineering 42%/);
  const factors = [
    ...shown.matchAll(
      /(issue earlier median h|severity|the word "timeout"|hour of day): \S+ ([+−]\S+ \S+)/g,
    ),
  ]
    .map((m) => `${m[1]} ${m[2]}`);
  assert.deepEqual(factors, [
    "issue earlier median h +14 h",
    "severity −9 h",
    'the word "timeout" +2 h',
    "hour of day −30 min",
  ]);
});

Deno.test("a range without an end says so instead of showing a time that would not hold", () => {
  const shown = text(PredictionSection({
    outcome: {
      ok: true,
      value: prediction({
        // Open past the median it had at opening; given that, the median now lies later.
        elapsedHours: 30,
        medianHours: 45,
        highHours: Infinity,
        expectedBy: OPENED + 45 * HOUR,
        range: { from: OPENED + 30 * HOUR, to: Infinity },
        rangeGroup: "issue, earlier tickets waiting",
      }),
    },
    resolved: false,
    reopened: false,
  }));
  assert.match(shown, /Past its median; now expected by/);
  assert.match(shown, /and no upper bound/);
  assert.match(shown, /\(issue, earlier tickets waiting\) stay open too often/);
  assert.doesNotMatch(shown, /Infinity|NaN/);
});

Deno.test("a resolved ticket compares the time it took with the range predicted at opening", () => {
  const resolved = (elapsedHours: number, reopened: boolean) =>
    text(PredictionSection({
      outcome: { ok: true, value: prediction({ elapsedHours }) },
      resolved: true,
      reopened,
    }));
  assert.match(
    resolved(12, false),
    /Took 12 h ; predicted at opening 20 h \(80% 6 h – 2.1 d\), inside the range/,
  );
  assert.match(resolved(70, false), /outside the range/);
  assert.doesNotMatch(resolved(12, false), /open again/);
  assert.match(resolved(12, true), /resolved once and is open again/);
});

Deno.test("without a prediction the section says why", () => {
  const shown = text(PredictionSection({
    outcome: {
      ok: false,
      message: "Cannot predict yet: 3 resolved tickets in history, at least 40 are needed",
    },
    resolved: false,
    reopened: false,
  }));
  assert.match(shown, /at least 40 are needed/);
});
