/**
 * Threshold rules over environment metrics, as data: which metric, how to
 * compare it, with what threshold, how bad it is, and what to say.
 */

/** Every comparison a rule can make. */
export const COMPARISONS = [">", ">=", "<", "<=", "==", "!="] as const;
/** How a metric's value is compared with a rule's threshold. */
export type Comparison = (typeof COMPARISONS)[number];

/** Every severity a rule can have, worst first. */
export const RULE_SEVERITIES = ["CRITICAL", "HIGH", "MEDIUM", "LOW"] as const;
/** How bad a broken rule is. */
export type RuleSeverity = (typeof RULE_SEVERITIES)[number];

/** A threshold rule: when a metric matching it crosses the threshold, a finding of its severity. */
export interface Rule {
  /** Unique within a rule set. */
  readonly id: string;
  /**
   * An exact metric name (`error_rate`), a glob (`response_ms.*redis*`: `*`
   * is any run of characters, `?` one), or a list of them.
   */
  readonly metric: string | readonly string[];
  /** How the value is compared with the threshold. */
  readonly comparison: Comparison;
  /** In the metric's own unit: an error rate of 5% is 0.05. */
  readonly threshold: number;
  /** The severity of the findings it raises. */
  readonly severity: RuleSeverity;
  /** May mention `{metric}`, `{value}` and `{threshold}`. */
  readonly message: string;
}

/** One environment's measurements at one time, flattened to metric names. */
export interface MetricsSnapshot {
  /** The environment the snapshot was taken in. */
  readonly environment: string;
  /** The customer the environment belongs to, when known. */
  readonly customer: string | null;
  /** When the snapshot was taken, epoch milliseconds. */
  readonly at: number;
  /** `error_rate`, `response_ms.redis`, `memory_pct`, `connection_timeouts`, gauges... */
  readonly metrics: Readonly<Record<string, number>>;
}

/** A rule that fired on a snapshot, with what it saw. */
export interface Finding {
  /** The rule that was broken. */
  readonly ruleId: string;
  /** The metric that broke it. */
  readonly metric: string;
  /** The metric's value in the snapshot. */
  readonly value: number;
  /** The rule's threshold. */
  readonly threshold: number;
  /** How value and threshold were compared. */
  readonly comparison: Comparison;
  /** The rule's severity. */
  readonly severity: RuleSeverity;
  /** What a person reads: the metric, its value and the threshold. */
  readonly message: string;
  /** When the snapshot was taken, epoch milliseconds. */
  readonly at: number;
  /** The snapshot's environment. */
  readonly environment: string;
  /** The snapshot's customer, when known. */
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
