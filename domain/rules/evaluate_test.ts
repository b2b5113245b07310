import assert from "node:assert/strict";
import { readRuleFile } from "../../adapters/rules/rule_set.ts";
import {
  checkRules,
  configureRules,
  evaluateRules,
  flattenMetrics,
  metricMatches,
  type MetricsSnapshot,
  type Rule,
  RuleViolation,
} from "./mod.ts";

const DEFAULTS = await readRuleFile(
  new URL("../../fixtures/rules/default_rules.json", import.meta.url),
);

const snapshot = (metrics: Record<string, number>): MetricsSnapshot => ({
  environment: "prod",
  customer: "acme",
  at: 1_800_000_000_000,
  metrics,
});

const fired = (metrics: Record<string, number>) =>
  evaluateRules(DEFAULTS, snapshot(metrics)).map((f) => `${f.ruleId} ${f.severity} ${f.metric}`);

Deno.test("default rule: error rate above 5% is HIGH", async (t) => {
  await t.step(
    "at the threshold, nothing",
    () => assert.deepEqual(fired({ error_rate: 0.05 }), []),
  );
  await t.step("just below, nothing", () => assert.deepEqual(fired({ error_rate: 0.0499 }), []));
  await t.step("just above, HIGH", () => {
    assert.deepEqual(fired({ error_rate: 0.0501 }), ["error-rate-high HIGH error_rate"]);
  });
});

Deno.test("default rule: a cache slower than 100 ms is HIGH", async (t) => {
  await t.step("at the threshold, nothing", () => {
    assert.deepEqual(fired({ "response_ms.redis": 100 }), []);
  });
  await t.step("just below, nothing", () => {
    assert.deepEqual(fired({ "response_ms.redis": 99.9 }), []);
  });
  await t.step("just above, HIGH, for every cache and only caches", () => {
    assert.deepEqual(
      fired({
        "response_ms.redis": 100.1,
        "response_ms.memcached": 250,
        "response_ms.session-cache": 101,
        "response_ms.postgres": 900,
      }),
      [
        "cache-slow HIGH response_ms.memcached",
        "cache-slow HIGH response_ms.redis",
        "cache-slow HIGH response_ms.session-cache",
      ],
    );
  });
});

Deno.test("default rule: any connection timeout is CRITICAL", async (t) => {
  await t.step("zero, nothing", () => assert.deepEqual(fired({ connection_timeouts: 0 }), []));
  await t.step("one, CRITICAL", () => {
    assert.deepEqual(fired({ connection_timeouts: 1 }), [
      "connection-timeouts CRITICAL connection_timeouts",
    ]);
  });
});

Deno.test("default rule: memory above 85% is MEDIUM", async (t) => {
  await t.step("at the threshold, nothing", () => assert.deepEqual(fired({ memory_pct: 85 }), []));
  await t.step("just below, nothing", () => assert.deepEqual(fired({ memory_pct: 84.9 }), []));
  await t.step("just above, MEDIUM", () => {
    assert.deepEqual(fired({ memory_pct: 85.1 }), ["memory-high MEDIUM memory_pct"]);
  });
});

Deno.test("a finding carries the value, the threshold, the rule and a rendered message", () => {
  const [finding] = evaluateRules(DEFAULTS, snapshot({ error_rate: 0.08 }));
  assert.deepEqual(finding, {
    ruleId: "error-rate-high",
    metric: "error_rate",
    value: 0.08,
    threshold: 0.05,
    comparison: ">",
    severity: "HIGH",
    message: "Error rate 0.08 is above 5% (0.05)",
    at: 1_800_000_000_000,
    environment: "prod",
    customer: "acme",
  });
});

Deno.test("every comparison, and metric selectors as names, globs and lists", () => {
  const rule = (comparison: Rule["comparison"]): Rule => ({
    id: comparison,
    metric: "x",
    comparison,
    threshold: 2,
    severity: "LOW",
    message: "m",
  });
  const results = ([">", ">=", "<", "<=", "==", "!="] as const).map((c) =>
    [1, 2, 3].map((x) => evaluateRules([rule(c)], snapshot({ x })).length).join("")
  );
  assert.deepEqual(results, ["001", "011", "100", "110", "010", "101"]);
  assert.equal(metricMatches("response_ms.*", "response_ms.a.b"), true);
  assert.equal(metricMatches("response_ms.?", "response_ms.ab"), false);
  assert.equal(metricMatches("a.b", "aXb"), false, "a dot is a dot, not any character");
  assert.equal(metricMatches(["cpu_pct", "memory_*"], "memory_pct"), true);
});

Deno.test("snapshots flatten into metric names; gauges keep their own names", () => {
  assert.deepEqual(
    flattenMetrics({
      error_rate: 0.01,
      response_ms: { postgres: 12, redis: 130 },
      memory_pct: 70,
      cpu_pct: 40,
      connection_timeouts: 0,
      gauges: { queue_depth: 12, memory_pct: 3 },
    }),
    {
      error_rate: 0.01,
      "response_ms.postgres": 12,
      "response_ms.redis": 130,
      memory_pct: 70,
      cpu_pct: 40,
      connection_timeouts: 0,
      queue_depth: 12,
      "gauges.memory_pct": 3,
    },
  );
  assert.throws(() => flattenMetrics({ a: { b: { c: { d: { e: 1 } } } } }), /nested too deeply/);
});

Deno.test("rule sets are checked and configured only when they change", () => {
  checkRules(DEFAULTS);
  assert.throws(
    () => checkRules([...DEFAULTS, { ...DEFAULTS[0]! }]),
    (e: unknown) =>
      e instanceof RuleViolation && /id error-rate-high is used twice/.test(e.message),
  );
  assert.throws(
    () => checkRules([{ ...DEFAULTS[0]!, threshold: Number.NaN }]),
    /threshold is not a finite number/,
  );
  assert.throws(() => checkRules([{ ...DEFAULTS[0]!, metric: [] }]), /metric is empty/);
  const meta = { at: 1, by: "ops" };
  assert.equal(configureRules(DEFAULTS, { rules: DEFAULTS, version: 0 }, meta).length, 1);
  assert.equal(configureRules(DEFAULTS, { rules: DEFAULTS, version: 3 }, meta).length, 0);
});
