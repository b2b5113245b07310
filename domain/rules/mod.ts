/**
 * Metrics snapshots and the threshold rules evaluated on them. Rules are
 * data: a rule set is configured (or read from a file by the wiring) and
 * evaluated purely here.
 *
 * @example
 * ```ts
 * import { evaluateRules, flattenMetrics } from "./mod.ts";
 * import assert from "node:assert/strict";
 * const metrics = flattenMetrics({ response_ms: { postgres: 12, redis: 130 } });
 * const findings = evaluateRules([{
 *   id: "cache-latency", metric: "response_ms.*redis*", comparison: ">", threshold: 100,
 *   severity: "HIGH", message: "{metric} is {value} ms",
 * }], { environment: "prod", customer: null, at: 0, metrics });
 * assert.deepEqual(findings.map((f) => f.message), ["response_ms.redis is 130 ms"]);
 * ```
 *
 * @module
 */
export * from "./types.ts";
export * from "./errors.ts";
export { checkSnapshot, flattenMetrics, type MetricTree } from "./metrics.ts";
export { compare, evaluateRules, metricMatches } from "./evaluate.ts";
export { checkRules, configureRules, type RuleSet } from "./rule_set.ts";
