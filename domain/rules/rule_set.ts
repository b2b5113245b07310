import { RuleViolation } from "./errors.ts";
import { COMPARISONS, type Rule, RULE_SEVERITIES, type RulesConfigured } from "./types.ts";

/** The rule set in force and the version of the `rules` stream that set it. */
export interface RuleSet {
  readonly rules: readonly Rule[];
  /** 0 while the defaults are in force. */
  readonly version: number;
}

/**
 * Checks a rule set: ids unique and present, a metric selector, a known
 * comparison and severity, a finite threshold, a message.
 */
export function checkRules(rules: readonly Rule[]): void {
  const seen = new Set<string>();
  rules.forEach((rule, index) => {
    const where = `rule ${index + 1}${rule.id ? ` (${rule.id})` : ""}`;
    const fail = (detail: string): never => {
      throw new RuleViolation(`Cannot configure rules: ${where}: ${detail}`, { index });
    };
    if (typeof rule.id !== "string" || rule.id.trim() === "") fail("id is empty");
    if (seen.has(rule.id)) fail(`id ${rule.id} is used twice`);
    seen.add(rule.id);
    const selectors = typeof rule.metric === "string" ? [rule.metric] : rule.metric;
    if (selectors.length === 0 || selectors.some((s) => typeof s !== "string" || s.trim() === "")) {
      fail("metric is empty");
    }
    if (!COMPARISONS.includes(rule.comparison)) {
      fail(`comparison must be one of ${COMPARISONS.join(" ")}`);
    }
    if (typeof rule.threshold !== "number" || !Number.isFinite(rule.threshold)) {
      fail("threshold is not a finite number");
    }
    if (!RULE_SEVERITIES.includes(rule.severity)) {
      fail(`severity must be one of ${RULE_SEVERITIES.join(", ")}`);
    }
    if (typeof rule.message !== "string" || rule.message.trim() === "") fail("message is empty");
  });
}

/**
 * Replacing the rule set: one event, or none when it is the set in force.
 *
 * @example
 * ```ts
 * import { configureRules } from "./rule_set.ts";
 * import assert from "node:assert/strict";
 * const rules = [{
 *   id: "timeouts", metric: "connection_timeouts", comparison: ">" as const, threshold: 0,
 *   severity: "CRITICAL" as const, message: "Connection timeouts",
 * }];
 * assert.equal(configureRules(rules, { rules: [], version: 0 }, { at: 1, by: null }).length, 1);
 * assert.equal(configureRules(rules, { rules, version: 1 }, { at: 2, by: null }).length, 0);
 * ```
 */
export function configureRules(
  rules: readonly Rule[],
  current: RuleSet,
  metadata: { readonly at: number; readonly by: string | null },
): RulesConfigured[] {
  checkRules(rules);
  if (current.version > 0 && JSON.stringify(current.rules) === JSON.stringify(rules)) return [];
  return [{ type: "RulesConfigured", data: { rules, at: metadata.at, by: metadata.by } }];
}
