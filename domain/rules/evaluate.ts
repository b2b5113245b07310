import type { Comparison, Finding, MetricsSnapshot, Rule } from "./types.ts";

const globCache = new Map<string, RegExp>();

function globPattern(glob: string): RegExp {
  let pattern = globCache.get(glob);
  if (pattern === undefined) {
    const source = glob.replace(/[.+^${}()|[\]\\]/g, "\\$&").replace(/\*/g, ".*").replace(
      /\?/g,
      ".",
    );
    pattern = new RegExp(`^${source}$`, "i");
    if (globCache.size > 1000) globCache.clear();
    globCache.set(glob, pattern);
  }
  return pattern;
}

/**
 * Whether a rule's metric selector names this metric.
 *
 * @example
 * ```ts
 * import { metricMatches } from "./evaluate.ts";
 * import assert from "node:assert/strict";
 * assert.equal(metricMatches("response_ms.*redis*", "response_ms.redis-cache"), true);
 * assert.equal(metricMatches(["memory_pct", "mem_pct"], "mem_pct"), true);
 * assert.equal(metricMatches("error_rate", "error_rate_5xx"), false);
 * ```
 */
export function metricMatches(selector: string | readonly string[], metric: string): boolean {
  if (typeof selector !== "string") return selector.some((s) => metricMatches(s, metric));
  if (!selector.includes("*") && !selector.includes("?")) return selector === metric;
  return globPattern(selector).test(metric);
}

export function compare(value: number, comparison: Comparison, threshold: number): boolean {
  switch (comparison) {
    case ">":
      return value > threshold;
    case ">=":
      return value >= threshold;
    case "<":
      return value < threshold;
    case "<=":
      return value <= threshold;
    case "==":
      return value === threshold;
    case "!=":
      return value !== threshold;
    default:
      return unreachable(comparison);
  }
}

/**
 * Every rule that fires on a snapshot, one finding per matching metric, in
 * rule order then metric name.
 *
 * @example
 * ```ts
 * import { evaluateRules } from "./evaluate.ts";
 * import assert from "node:assert/strict";
 * const [finding] = evaluateRules([{
 *   id: "error-rate", metric: "error_rate", comparison: ">", threshold: 0.05,
 *   severity: "HIGH", message: "Error rate {value} is above {threshold}",
 * }], { environment: "prod", customer: "acme", at: 0, metrics: { error_rate: 0.08 } });
 * assert.equal(finding?.message, "Error rate 0.08 is above 0.05");
 * ```
 */
export function evaluateRules(rules: readonly Rule[], snapshot: MetricsSnapshot): Finding[] {
  const findings: Finding[] = [];
  const names = Object.keys(snapshot.metrics).sort();
  for (const rule of rules) {
    for (const metric of names) {
      if (!metricMatches(rule.metric, metric)) continue;
      const value = snapshot.metrics[metric]!;
      if (!compare(value, rule.comparison, rule.threshold)) continue;
      findings.push({
        ruleId: rule.id,
        metric,
        value,
        threshold: rule.threshold,
        comparison: rule.comparison,
        severity: rule.severity,
        message: render(rule.message, metric, value, rule.threshold),
        at: snapshot.at,
        environment: snapshot.environment,
        customer: snapshot.customer,
      });
    }
  }
  return findings;
}

function render(message: string, metric: string, value: number, threshold: number): string {
  return message.replaceAll("{metric}", metric).replaceAll("{value}", String(value))
    .replaceAll("{threshold}", String(threshold));
}

function unreachable(value: never): never {
  throw new Error(`Cannot compare: unknown comparison ${String(value)}`);
}
