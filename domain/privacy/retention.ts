/**
 * Erasure and retention as facts, and the retention plan: which customer's
 * periods to drop on a given day. Forgetting is recorded with the
 * customer's id and who asked, and nothing else of theirs.
 *
 * @module
 */
import { dayOf } from "./ownership.ts";

/** The stream erasures are recorded in (the deployment's own key: it outlives every customer). */
export const ERASURE_STREAM = "erasure";
/** The stream per-customer retention settings are kept in. */
export const RETENTION_STREAM = "retention";

export interface CustomerForgotten {
  readonly type: "CustomerForgotten";
  readonly data: {
    readonly customerId: string;
    readonly keysDeleted: number;
    readonly at: number;
    readonly by: string | null;
  };
}

export interface RetentionApplied {
  readonly type: "RetentionApplied";
  readonly data: {
    readonly customerId: string;
    /** Periods (UTC days) before this one were dropped. */
    readonly beforeDay: number;
    readonly keysDeleted: number;
    readonly at: number;
  };
}

export interface RetentionSet {
  readonly type: "RetentionSet";
  readonly data: {
    readonly customerId: string;
    /** Days of data kept; null goes back to the deployment's default. */
    readonly days: number | null;
    readonly at: number;
    readonly by: string | null;
  };
}

export type PrivacyEvent = CustomerForgotten | RetentionApplied | RetentionSet;

/** Longest retention accepted: 100 years, past which a number is a mistake. */
export const MAX_RETENTION_DAYS = 36_500;

/** Per-customer retention settings from their events, the latest one winning. */
export function retentionSettings(
  events: readonly { readonly type: string; readonly data: unknown }[],
): Map<string, number> {
  const settings = new Map<string, number>();
  for (const event of events) {
    // A forgotten customer's setting is unreadable: it is gone with them.
    if (event.type !== "RetentionSet" || event.data === null) continue;
    const { customerId, days } = (event as RetentionSet).data;
    if (days === null) settings.delete(customerId);
    else settings.set(customerId, days);
  }
  return settings;
}

/** How long one customer's data is kept: their own setting, else the default; null = for ever. */
export function retentionDaysOf(
  customerId: string,
  settings: ReadonlyMap<string, number>,
  defaultDays: number | null,
): number | null {
  return settings.get(customerId) ?? defaultDays;
}

/**
 * What to drop now: for each customer with data and a retention (the
 * customer's own, else the default), the first day kept. A day is dropped whole once all of it is older than N days, so
 * a record outlives its N days by less than a day.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retentionPlan } from "./retention.ts";
 * const now = Date.UTC(2026, 11, 4, 12);
 * const plan = retentionPlan(now, ["acme", "globex"], new Map([["acme", 30]]), null);
 * assert.deepEqual(plan, [{ customerId: "acme", beforeDay: Math.floor(now / 86_400_000) - 30 }]);
 * ```
 */
export function retentionPlan(
  now: number,
  customers: readonly string[],
  settings: ReadonlyMap<string, number>,
  defaultDays: number | null,
): { customerId: string; beforeDay: number }[] {
  const today = dayOf(now);
  const plan: { customerId: string; beforeDay: number }[] = [];
  for (const customerId of customers) {
    const days = retentionDaysOf(customerId, settings, defaultDays);
    if (days === null) continue;
    plan.push({ customerId, beforeDay: today - days });
  }
  return plan;
}
