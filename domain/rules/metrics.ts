import { RuleViolation } from "./errors.ts";
import type { MetricsSnapshot } from "./types.ts";

/** Measurements as a monitoring agent sends them: numbers, possibly nested by group. */
export interface MetricTree {
  readonly [name: string]: number | MetricTree;
}

/** Nested groups deeper than this are refused: no agent nests metrics this far. */
const MAX_DEPTH = 4;

/**
 * Flattens nested measurements into metric names joined by dots
 * (`response_ms.redis`). The `gauges` group holds names the customer chose,
 * so its members keep their own name (`queue_depth`), unless that name is a
 * built-in metric: then it stays `gauges.<name>`.
 *
 * @example
 * ```ts
 * import { flattenMetrics } from "./metrics.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   flattenMetrics({ error_rate: 0.02, response_ms: { redis: 130 }, gauges: { queue_depth: 7 } }),
 *   { error_rate: 0.02, "response_ms.redis": 130, queue_depth: 7 },
 * );
 * ```
 */
export function flattenMetrics(tree: MetricTree): Record<string, number> {
  const flat: Record<string, number> = {};
  const gauges = tree.gauges;
  for (const [key, value] of Object.entries(tree)) {
    if (key !== "gauges" || typeof value === "number") flattenInto(flat, key, value, 1);
  }
  if (gauges !== undefined && typeof gauges !== "number") {
    const named: Record<string, number> = {};
    for (const [key, value] of Object.entries(gauges)) flattenInto(named, key, value, 2);
    for (const [key, value] of Object.entries(named)) {
      flat[key in flat ? `gauges.${key}` : key] = value;
    }
  }
  return flat;
}

function flattenInto(
  flat: Record<string, number>,
  name: string,
  value: number | MetricTree,
  depth: number,
): void {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) {
      throw new RuleViolation(`Cannot read metrics: ${name} is not a finite number`);
    }
    flat[name] = value;
    return;
  }
  if (depth >= MAX_DEPTH) {
    throw new RuleViolation(`Cannot read metrics: ${name} is nested too deeply`);
  }
  for (const [key, inner] of Object.entries(value)) {
    flattenInto(flat, `${name}.${key}`, inner, depth + 1);
  }
}

/** Checks a snapshot before it is recorded. */
export function checkSnapshot(snapshot: MetricsSnapshot, where: string): void {
  if (snapshot.environment.trim() === "") {
    throw new RuleViolation(`Cannot record metrics: ${where}: environment is empty`);
  }
  if (!Number.isFinite(snapshot.at)) {
    throw new RuleViolation(`Cannot record metrics: ${where}: at is not a time`);
  }
  if (Object.keys(snapshot.metrics).length === 0) {
    throw new RuleViolation(`Cannot record metrics: ${where}: no measurements`);
  }
}
