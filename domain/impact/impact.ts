/**
 * How badly a signature hurts the customers it hits, and how it spreads
 * across them. Pure: the facts come from read models, "now" is an argument.
 *
 * @module
 */

import { DAY_MS } from "../time.ts";
/** Exposure counted per customer, in days: at least a few hours, at most a month. */
const MIN_EXPOSURE_DAYS = 0.1;
const MAX_EXPOSURE_DAYS = 30;

/** One customer's share of a signature. */
export interface CustomerExposure {
  /** The customer's id in the directory. */
  readonly customer: string;
  /** The customer's weight (contract value, or an explicit weight). */
  readonly weight: number;
  /** The customer's tier, when the directory knows it. */
  readonly tier: string | null;
  /** Matching records from this customer. */
  readonly count: number;
  /** First matching record, epoch milliseconds. */
  readonly firstSeen: number;
  /** Last matching record, epoch milliseconds. */
  readonly lastSeen: number;
  /** Each environment with when the signature first reached it there. */
  readonly environments: readonly { readonly environment: string; readonly firstSeen: number }[];
  /** Each version that logged it, with its count and first time ("" for records without one). */
  readonly versions: readonly {
    readonly version: string;
    readonly count: number;
    readonly firstSeen: number;
  }[];
}

/** How badly a signature hurts the customer base, and why. */
export interface ImpactScore {
  /** Weighted customer-days of exposure × severity, in thousands of weight units. */
  readonly score: number;
  /** The factors the score multiplies, each explained by a reason. */
  readonly factors: {
    readonly customers: number;
    /** Share of all customers hit, in [0, 1]. */
    readonly breadth: number;
    /** Sum of the hit customers' weights. */
    readonly weight: number;
    /** Per tier, how many customers were hit. */
    readonly tiers: Readonly<Record<string, number>>;
    readonly severity: number;
    /** Days from the first to the last line, over every customer. */
    readonly durationDays: number;
    /** Σ weight × days exposed, per customer. */
    readonly weightedDays: number;
  };
  /** The factors in words. */
  readonly reasons: readonly string[];
}

/** The multiplier of a severity: FATAL 3, ERROR 2, WARN 1, anything milder 0.25. */
export function severityFactor(severityNumber: number): number {
  if (severityNumber >= 21) return 3;
  if (severityNumber >= 17) return 2;
  if (severityNumber >= 13) return 1;
  return 0.25;
}

/**
 * Impact = Σ over hit customers of weight × days exposed (first to last
 * line, between 0.1 and 30 days) × the severity factor, in thousands. It
 * grows with who is hit (tier and contract value), how many, for how long and
 * how badly; unattributed records count for nobody.
 *
 * @example
 * ```ts
 * import { impactOf } from "./impact.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const hit = (customer: string, weight: number, days: number) => ({
 *   customer, weight, tier: null, count: 10, firstSeen: 0, lastSeen: days * day,
 *   environments: [], versions: [],
 * });
 * const impact = impactOf(17, [hit("acme", 100_000, 2), hit("beta", 10_000, 1)], 10);
 * assert.equal(impact.score, 420);
 * assert.equal(impact.factors.breadth, 0.2);
 * ```
 */
export function impactOf(
  severityNumber: number,
  exposures: readonly CustomerExposure[],
  totalCustomers: number,
): ImpactScore {
  const severity = severityFactor(severityNumber);
  let weight = 0;
  let weightedDays = 0;
  let first = Infinity;
  let last = -Infinity;
  const tiers: Record<string, number> = {};
  for (const e of exposures) {
    weight += e.weight;
    weightedDays += e.weight * exposureDays(e);
    first = Math.min(first, e.firstSeen);
    last = Math.max(last, e.lastSeen);
    const tier = e.tier ?? "unknown";
    tiers[tier] = (tiers[tier] ?? 0) + 1;
  }
  const durationDays = exposures.length === 0 ? 0 : (last - first) / DAY_MS;
  const score = Math.round(weightedDays * severity / 1000 * 100) / 100;
  const breadth = totalCustomers > 0 ? exposures.length / totalCustomers : 0;
  const reasons: string[] = [];
  if (exposures.length === 0) reasons.push("no attributed customer has logged it");
  else {
    reasons.push(
      `${exposures.length} customer${exposures.length === 1 ? "" : "s"} (${
        Object.entries(tiers).sort((a, b) => b[1] - a[1]).map(([t, n]) => `${n} ${t}`).join(", ")
      }), ${Math.round(breadth * 1000) / 10}% of ${totalCustomers}`,
      `combined weight ${Math.round(weight).toLocaleString("en-US")}`,
      `seen over ${formatDays(durationDays)}`,
      `severity ×${severity}`,
    );
  }
  return {
    score,
    factors: {
      customers: exposures.length,
      breadth,
      weight,
      tiers,
      severity,
      durationDays,
      weightedDays,
    },
    reasons,
  };
}

function exposureDays(e: CustomerExposure): number {
  return Math.min(
    MAX_EXPOSURE_DAYS,
    Math.max(MIN_EXPOSURE_DAYS, (e.lastSeen - e.firstSeen) / DAY_MS),
  );
}

function formatDays(days: number): string {
  if (days < 1) return `${Math.max(1, Math.round(days * 24))}h`;
  return `${Math.round(days * 10) / 10} days`;
}

/** The order a signature reached customers in, and whether it still spreads. */
export interface Propagation {
  readonly firstSeen: number | null;
  /** Customers in the order they were first hit, with where and on what. */
  readonly order: readonly {
    readonly customer: string;
    readonly firstSeen: number;
    readonly environment: string | null;
    readonly version: string | null;
  }[];
  /** Per environment name (prod, staging...): customers hit there and the first time. */
  readonly environments: readonly {
    readonly environment: string;
    readonly customers: number;
    readonly firstSeen: number;
  }[];
  /** Per version: customers that logged it on that version, lines, and the first time. */
  readonly versions: readonly {
    readonly version: string;
    readonly customers: number;
    readonly count: number;
    readonly firstSeen: number;
  }[];
  /** New customers per day over the last 7 days before `asOf`, oldest first. */
  readonly newCustomersByDay: readonly number[];
  /** True when a customer was first hit within the last day and it is still logging. */
  readonly spreading: boolean;
  readonly reason: string;
}

/**
 * @example
 * ```ts
 * import { propagationOf } from "./impact.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const hit = (customer: string, firstSeen: number) => ({
 *   customer, weight: 1, tier: null, count: 1, firstSeen, lastSeen: 10 * day,
 *   environments: [{ environment: "prod", firstSeen }], versions: [{ version: "2.4.0", count: 1, firstSeen }],
 * });
 * const p = propagationOf([hit("b", 9.5 * day), hit("a", 2 * day)], 10 * day);
 * assert.deepEqual(p.order.map((o) => o.customer), ["a", "b"]);
 * assert.equal(p.spreading, true);
 * ```
 */
export function propagationOf(exposures: readonly CustomerExposure[], asOf: number): Propagation {
  const order = exposures.map((e) => {
    const environment = [...e.environments].sort((a, b) => a.firstSeen - b.firstSeen)[0];
    const version = [...e.versions].sort((a, b) => a.firstSeen - b.firstSeen)[0];
    return {
      customer: e.customer,
      firstSeen: e.firstSeen,
      environment: environment?.environment ?? null,
      version: version === undefined || version.version === "" ? null : version.version,
    };
  }).sort((a, b) => a.firstSeen - b.firstSeen || (a.customer < b.customer ? -1 : 1));
  const environments = new Map<string, { customers: number; firstSeen: number }>();
  const versions = new Map<string, { customers: number; count: number; firstSeen: number }>();
  for (const e of exposures) {
    for (const env of e.environments) {
      const at = environments.get(env.environment);
      environments.set(env.environment, {
        customers: (at?.customers ?? 0) + 1,
        firstSeen: Math.min(at?.firstSeen ?? Infinity, env.firstSeen),
      });
    }
    for (const v of e.versions) {
      if (v.version === "") continue;
      const at = versions.get(v.version);
      versions.set(v.version, {
        customers: (at?.customers ?? 0) + 1,
        count: (at?.count ?? 0) + v.count,
        firstSeen: Math.min(at?.firstSeen ?? Infinity, v.firstSeen),
      });
    }
  }
  const newCustomersByDay = Array.from({ length: 7 }, (_, i) => {
    const from = asOf - (7 - i) * DAY_MS;
    return order.filter((o) => o.firstSeen >= from && o.firstSeen < from + DAY_MS).length;
  });
  const stillLogging = exposures.some((e) => e.lastSeen >= asOf - DAY_MS);
  const newToday = newCustomersByDay[6]!;
  const spreading = newToday > 0 && stillLogging;
  const reason = exposures.length === 0
    ? "no attributed customer has logged it"
    : spreading
    ? `${newToday} customer${newToday === 1 ? "" : "s"} first hit in the last 24 hours; ${
      newCustomersByDay.reduce((a, b) => a + b, 0)
    } in the last 7 days`
    : stillLogging
    ? "still logging, but no new customer in the last 24 hours"
    : "no line in the last 24 hours";
  return {
    firstSeen: order[0]?.firstSeen ?? null,
    order,
    environments: [...environments].map(([environment, v]) => ({ environment, ...v }))
      .sort((a, b) => a.firstSeen - b.firstSeen),
    versions: [...versions].map(([version, v]) => ({ version, ...v }))
      .sort((a, b) => a.firstSeen - b.firstSeen),
    newCustomersByDay,
    spreading,
    reason,
  };
}
