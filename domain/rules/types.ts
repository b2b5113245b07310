/**
 * Threshold rules over environment metrics, as data: which metric, how to
 * compare it, with what threshold, how bad it is, and what to say.
 */

export const COMPARISONS = [">", ">=", "<", "<=", "==", "!="] as const;
export type Comparison = (typeof COMPARISONS)[number];

export const RULE_SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

export interface Rule {
  readonly id: string;
  /**
   * An exact metric name (`error_rate`), a glob (`response_ms.*redis*`: `*`
   * is any run of characters, `?` one), or a list of them.
   */
  readonly metric: string | readonly string[];
  readonly comparison: Comparison;
  /** In the metric's own unit: an error rate of 5% is 0.05. */
  readonly threshold: number;
  readonly severity: RuleSeverity;
  /** May mention `{metric}`, `{value}` and `{threshold}`. */
  readonly message: string;
}

/** One environment's measurements at one time, flattened to metric names. */
export interface MetricsSnapshot {
  readonly environment: string;
  readonly customer: string | null;
  readonly at: number;
  /** `error_rate`, `response_ms.redis`, `memory_pct`, `connection_timeouts`, gauges... */
  readonly metrics: Readonly<Record<string, number>>;
}

/** A rule that fired on a snapshot, with what it saw. */
export interface Finding {
  readonly ruleId: string;
  readonly metric: string;
  readonly value: number;
  readonly threshold: number;
  readonly comparison: Comparison;
  readonly severity: RuleSeverity;
  readonly message: string;
  readonly at: number;
  readonly environment: string;
  readonly customer: string | null;
}

export interface RulesConfigured {
  readonly type: "RulesConfigured";
  readonly data: {
    readonly rules: readonly Rule[];
    readonly at: number;
    readonly by: string | null;
  };
}

export interface MetricsRecorded {
  readonly type: "MetricsRecorded";
  readonly data: {
    readonly snapshots: readonly MetricsSnapshot[];
    readonly receivedAt: number;
  };
}

/** The one stream rule sets are configured in; its version is the rule set's ETag. */
export const RULES_STREAM = "rules";
/** The stream metrics snapshots are appended to. */
export const METRICS_STREAM = "metrics";
