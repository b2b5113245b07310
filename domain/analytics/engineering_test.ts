import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type EngineeringExample,
  engineeringProbability,
  evaluateProbabilities,
  trainEngineeringModel,
} from "./engineering.ts";

const SPEC = { fields: ["severity", "team"], numbers: ["earlier_share"], useText: true };

/** Tickets whose need for engineering is drawn from a known probability per ticket. */
function synthetic(n: number, seed: number): { examples: EngineeringExample[]; truth: number[] } {
  let s = seed >>> 0;
  const next = () => (s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32;
  const severities = ["critical", "high", "medium", "low"];
  const examples: EngineeringExample[] = [];
  const truth: number[] = [];
  for (let i = 0; i < n; i++) {
    const severity = severities[Math.floor(next() * 4)]!;
    const earlier = next();
    const outage = next() < 0.3;
    const z = -1.5 + (severity === "critical" ? 1.5 : severity === "low" ? -1 : 0) +
      2 * (earlier - 0.5) + (outage ? 1 : 0);
    const p = 1 / (1 + Math.exp(-z));
    truth.push(p);
    examples.push({
      record: {
        id: `t${i}`,
        openedAt: i * 60_000,
        resolvedAt: i * 60_000 + 1,
        fields: { severity, team: `team${Math.floor(next() * 5)}` },
        text: outage ? "service outage since noon" : "question about the export",
        numbers: { earlier_share: earlier },
      },
      context: { hourOfDay: i % 24, dayOfWeek: i % 7, openedLast24h: 0, backlog: 0 },
      needed: next() < p,
    });
  }
  return { examples, truth };
}

Deno.test("the engineering model beats the base rate and its probabilities match what happens", () => {
  const { examples } = synthetic(4000, 7);
  const model = trainEngineeringModel(SPEC, examples.slice(0, 2800), examples.slice(2800, 3200));
  const test = examples.slice(3200);
  const p = test.map((e) => engineeringProbability(model, e.record, e.context).probability);
  const evaluation = evaluateProbabilities(p, test.map((e) => e.needed), model.baseRate);
  assert.ok(
    evaluation.brier < evaluation.baseRateBrier * 0.9,
    `Brier ${evaluation.brier} against base ${evaluation.baseRateBrier}`,
  );
  // Calibrated: in every well-filled bin the observed share is near the mean prediction.
  for (const bin of evaluation.table.filter((b) => b.n >= 60)) {
    const tolerance = 3 * Math.sqrt(bin.meanPredicted * (1 - bin.meanPredicted) / bin.n) + 0.03;
    assert.ok(
      Math.abs(bin.observed - bin.meanPredicted) <= tolerance,
      JSON.stringify(bin),
    );
  }
});

Deno.test("the factors name the inputs that raised a ticket's probability", () => {
  const { examples } = synthetic(3000, 11);
  const model = trainEngineeringModel(SPEC, examples.slice(0, 2400), examples.slice(2400));
  const critical = examples.find((e) =>
    e.record.fields.severity === "critical" && e.record.text.includes("outage")
  )!;
  const estimate = engineeringProbability(model, critical.record, critical.context, 10);
  const inputs = estimate.factors.map((f) => f.input);
  assert.ok(inputs.includes("severity=critical"), inputs.join(", "));
  assert.ok(inputs.includes("text:outage"), inputs.join(", "));
  assert.ok(estimate.factors.find((f) => f.input === "severity=critical")!.logOdds > 0);
});

Deno.test("property: probabilities lie in [0, 1] and without any signal stay near the base rate", () => {
  fc.assert(
    fc.property(
      fc.array(fc.boolean(), { minLength: 40, maxLength: 120 }),
      fc.constantFrom("a", "b"),
      (needed, field) => {
        const examples: EngineeringExample[] = needed.map((y, i) => ({
          record: {
            id: `t${i}`,
            openedAt: i,
            resolvedAt: i + 1,
            fields: { severity: field },
            text: "same words every time",
          },
          context: { hourOfDay: 12, dayOfWeek: 2, openedLast24h: 0, backlog: 0 },
          needed: y,
        }));
        const cut = Math.floor(examples.length * 0.8);
        const model = trainEngineeringModel(SPEC, examples.slice(0, cut), examples.slice(cut));
        const p = engineeringProbability(model, examples[0]!.record, examples[0]!.context)
          .probability;
        assert.ok(p >= 0 && p <= 1);
        const calibrationRate = examples.slice(cut).filter((e) => e.needed).length /
          (examples.length - cut);
        // Every ticket looks alike, so the one probability is a blend of the two slices' rates.
        const lo = Math.min(model.baseRate, calibrationRate) - 0.05;
        const hi = Math.max(model.baseRate, calibrationRate) + 0.05;
        assert.ok(p >= lo && p <= hi, `${p} outside ${lo}-${hi}`);
      },
    ),
    { numRuns: 30 },
  );
});

Deno.test("evaluateProbabilities: Brier score and calibration table of known numbers", () => {
  const e = evaluateProbabilities([0.85, 0.1, 0.82, 0.15], [true, false, false, false], 0.25);
  assert.equal(e.n, 4);
  assert.equal(e.positives, 1);
  assert.ok(Math.abs(e.brier - (0.0225 + 0.01 + 0.6724 + 0.0225) / 4) < 1e-12);
  assert.ok(Math.abs(e.baseRateBrier - (0.5625 + 3 * 0.0625) / 4) < 1e-12);
  assert.deepEqual(e.table.map((b) => [b.from, b.n, b.observed]), [
    [0.1, 2, 0],
    [0.8, 2, 0.5],
  ]);
});

Deno.test("a calibration slice the model separates perfectly leaves probabilities short of 0 and 1", () => {
  // One team's tickets always need engineering, the others' never: the raw scores split the
  // calibration slice cleanly, and Platt scaling against 0 and 1 has no finite fit there.
  const examples: EngineeringExample[] = Array.from({ length: 500 }, (_, i) => ({
    record: {
      id: `t${i}`,
      openedAt: i * 60_000,
      resolvedAt: i * 60_000 + 1,
      fields: { severity: "high", team: `team${i % 5}` },
      text: "checkout fails",
      numbers: { earlier_share: 0.5 },
    },
    context: { hourOfDay: i % 24, dayOfWeek: i % 7, openedLast24h: 0, backlog: 0 },
    needed: i % 5 === 0,
  }));
  const model = trainEngineeringModel(SPEC, examples.slice(0, 400), examples.slice(400));
  for (const e of examples.slice(400, 410)) {
    const estimate = engineeringProbability(model, e.record, e.context);
    // 20 positives and 80 negatives: Platt's targets are 21/22 and 1/82.
    assert.ok(
      estimate.probability > 0.001 && estimate.probability < 0.999,
      `${e.record.fields.team}: ${estimate.probability}`,
    );
    for (const factor of estimate.factors) {
      assert.ok(Math.abs(factor.logOdds) < 20, JSON.stringify(factor));
    }
  }
});
