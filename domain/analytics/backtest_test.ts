import assert from "node:assert/strict";
import { groupBaseline, lopsidedOpenings, runBacktest } from "./backtest.ts";
import type { TicketRecord } from "./features.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

function history(n: number): TicketRecord[] {
  let s = 12345;
  const next = () => (s = (s * 1103515245 + 12345) % 2147483648) / 2147483648;
  return Array.from({ length: n }, (_, i) => {
    const group = Math.floor(next() * 4);
    const hours = (1 + group * 10) * (0.5 + next());
    return {
      id: `t${i}`,
      openedAt: i * HOUR,
      resolvedAt: i * HOUR + hours * HOUR,
      fields: { group: `g${group}` },
      text: "",
    };
  });
}

Deno.test("backtest: splits by open time 70/10/20 and beats the training median when the group says it all", () => {
  const report = runBacktest({ tickets: history(1000), features: ["group"], useText: false });
  assert.equal(report.n_train, 700);
  assert.equal(report.n_calibration, 100);
  assert.equal(report.n_test, 200);
  assert.ok(report.mae_h < 0.6 * report.baseline_global_mae_h, JSON.stringify(report));
  assert.ok(report.coverage_80 > 0.65 && report.coverage_80 < 0.95);
  assert.ok(report.within_50 >= report.within_20);
});

Deno.test("backtest: too few resolved tickets is an error that says how many", () => {
  assert.throws(
    () => runBacktest({ tickets: history(20), features: ["group"], useText: false }),
    /20 resolved tickets, at least 30/,
  );
});

Deno.test("group baseline: backs off from the full combination to the first feature, then to the global median", () => {
  const t = (a: string, b: string, hours: number): TicketRecord => ({
    id: `${a}${b}${hours}`,
    openedAt: 0,
    resolvedAt: hours * HOUR,
    fields: { a, b },
    text: "",
  });
  const training = [
    ...[1, 2, 3, 4, 5].map((h) => t("x", "y", h)),
    ...[10, 20, 30, 40, 50].map((h) => t("x", "z", h)),
  ];
  const median = groupBaseline(training, ["a", "b"], 99);
  assert.equal(median(t("x", "y", 0)), 3);
  assert.equal(median(t("x", "q", 0)), 5);
  assert.equal(median(t("w", "y", 0)), 99);
});

Deno.test("lopsided openings: warns when most tickets were opened in a tenth of the period", () => {
  const bunched = [
    ...Array.from({ length: 70 }, (_, i) => 400 * DAY + i * HOUR),
    ...Array.from({ length: 30 }, (_, i) => i * 13 * DAY),
  ];
  assert.match(lopsidedOpenings(bunched) ?? "", /--from and --to/);
  assert.equal(lopsidedOpenings(Array.from({ length: 100 }, (_, i) => i * DAY)), undefined);
});

Deno.test("backtest: where the export tells which tickets escalated, the engineering model is scored against the base rate", () => {
  const tickets = history(1000).map((t, i) => ({
    ...t,
    // Group g3 escalates nine times in ten, the others one in ten.
    escalated: t.fields.group === "g3" ? i % 10 !== 0 : i % 10 === 0,
  }));
  const report = runBacktest({ tickets, features: ["group"], useText: false });
  const e = report.engineering!;
  assert.equal(e.n, 200);
  assert.ok(e.brier < 0.6 * e.baseRateBrier, JSON.stringify(e));
  assert.equal(
    runBacktest({ tickets: history(1000), features: ["group"], useText: false }).engineering,
    undefined,
  );
});
