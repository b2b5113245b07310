import type { ProjectionReader } from "../../ports/projection_store.ts";
import type { MetricsSnapshot, Rule } from "../../domain/rules/mod.ts";
import type { Projection } from "./projection.ts";

/** Customer key part for snapshots that do not name one. */
export const ANY_CUSTOMER = "";

export const METRICS_TABLES = {
  /** [customer, environment, at, position, index] -> MetricsSnapshot */
  snapshots: "metrics_snapshots",
} as const;

export const RULE_TABLES = {
  /** ["current"] -> StoredRuleSet */
  rules: "rules",
} as const;

export interface StoredRuleSet {
  readonly rules: readonly Rule[];
  /** Version of the rules stream that configured it. */
  readonly version: number;
}

/** Metrics snapshots per customer environment, by time. */
export const metricsProjection: Projection = {
  name: "metrics",
  tables: Object.values(METRICS_TABLES),
  apply(events, tx) {
    for (const event of events) {
      if (event.type !== "MetricsRecorded") continue;
      const { snapshots } = event.data;
      snapshots.forEach((snapshot, index) => {
        tx.put(
          METRICS_TABLES.snapshots,
          [
            snapshot.customer ?? ANY_CUSTOMER,
            snapshot.environment,
            snapshot.at,
            event.position,
            index,
          ],
          snapshot,
        );
      });
    }
  },
};

/** The rule set in force: the last one configured. */
export const rulesProjection: Projection = {
  name: "rules",
  tables: Object.values(RULE_TABLES),
  apply(events, tx) {
    for (const event of events) {
      if (event.type !== "RulesConfigured") continue;
      const { rules } = event.data;
      tx.put(
        RULE_TABLES.rules,
        ["current"],
        { rules, version: event.streamVersion } satisfies StoredRuleSet,
      );
    }
  },
};

export function configuredRules(reader: ProjectionReader): StoredRuleSet | undefined {
  return reader.get<StoredRuleSet>(RULE_TABLES.rules, ["current"]);
}

/**
 * The snapshots of a customer environment in [from, to), oldest first, with
 * those that name no customer; at most `limit`, the most recent kept.
 */
export function snapshotsIn(
  reader: ProjectionReader,
  customer: string | undefined,
  environment: string,
  from: number,
  to: number,
  limit: number,
): MetricsSnapshot[] {
  const customers = customer === undefined || customer === ANY_CUSTOMER
    ? [ANY_CUSTOMER]
    : [customer, ANY_CUSTOMER];
  const found: MetricsSnapshot[] = [];
  for (const c of customers) {
    for (
      const { value } of reader.range<MetricsSnapshot>(METRICS_TABLES.snapshots, {
        prefix: [c, environment],
        start: [c, environment, from],
        end: [c, environment, to],
        reverse: true,
        limit,
      })
    ) found.push(value);
  }
  return found.sort((a, b) => a.at - b.at).slice(-limit);
}
