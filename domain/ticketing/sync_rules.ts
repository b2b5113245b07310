/**
 * The rules of two-way sync that do not depend on any remote: version
 * order for fixes and regressions, when an impact change is worth telling
 * engineering, when a fix counts as verified, and the redaction of example
 * lines sent out.
 */

/**
 * Compares release versions by their numeric parts (`2.10.0` after `2.9.3`,
 * `v2.4` equal to `2.4.0`); non-numeric parts compare as text.
 *
 * @example
 * ```ts
 * import { compareVersions } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * assert.ok(compareVersions("2.10.0", "2.9.3") > 0);
 * assert.equal(compareVersions("v2.4", "2.4.0"), 0);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const parts = (v: string) => v.trim().replace(/^v/i, "").split(/[.\-+_]/);
  const x = parts(a);
  const y = parts(b);
  for (let i = 0; i < Math.max(x.length, y.length); i++) {
    const p = x[i] ?? "0";
    const q = y[i] ?? "0";
    const pn = Number(p);
    const qn = Number(q);
    if (Number.isFinite(pn) && Number.isFinite(qn)) {
      if (pn !== qn) return pn - qn;
    } else if (p !== q) return p < q ? -1 : 1;
  }
  return 0;
}

/** The lowest of the fix versions: logs at or after it mean the fix did not hold. */
export function lowestVersion(versions: readonly string[]): string | null {
  return [...versions].sort(compareVersions)[0] ?? null;
}

export interface ImpactSnapshot {
  readonly customers: readonly { readonly customer: string; readonly tier: string | null }[];
}

/** Tiers counted as top tier when a new customer of theirs is hit. */
export const TOP_TIERS: readonly string[] = [
  "enterprise",
  "tier-1",
  "tier1",
  "platinum",
  "strategic",
];

/**
 * A change of impact worth telling engineering: the new top-tier customers
 * hit (when any), else the count of customers that at least doubled.
 */
export type ImpactChange =
  | { readonly kind: "new_top_tier"; readonly customers: readonly string[] }
  | { readonly kind: "doubled"; readonly now: number; readonly was: number };

/**
 * Why the impact changed enough to tell engineering, or null: a new
 * top-tier customer, or at least twice the customers last reported.
 *
 * @example
 * ```ts
 * import { impactChange } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * const before = { customers: [{ customer: "a", tier: "standard" }] };
 * assert.equal(impactChange(before, before), null);
 * const now = { customers: [...before.customers, { customer: "b", tier: "enterprise" }] };
 * assert.deepEqual(impactChange(before, now), { kind: "new_top_tier", customers: ["b"] });
 * ```
 */
export function impactChange(before: ImpactSnapshot, now: ImpactSnapshot): ImpactChange | null {
  const known = new Set(before.customers.map((c) => c.customer));
  const newTop = now.customers.filter((c) =>
    !known.has(c.customer) && c.tier !== null && TOP_TIERS.includes(c.tier.toLowerCase())
  );
  if (newTop.length > 0) return { kind: "new_top_tier", customers: newTop.map((c) => c.customer) };
  if (before.customers.length > 0 && now.customers.length >= 2 * before.customers.length) {
    return { kind: "doubled", now: now.customers.length, was: before.customers.length };
  }
  return null;
}

/**
 * An impact change as a sentence.
 *
 * @example
 * ```ts
 * import { impactChangeText } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(impactChangeText({ kind: "doubled", now: 4, was: 2 }), "Now 4 customers hit (was 2)");
 * ```
 */
export function impactChangeText(change: ImpactChange): string {
  return change.kind === "new_top_tier"
    ? `New top-tier customer${change.customers.length > 1 ? "s" : ""} hit: ${
      change.customers.join(", ")
    }`
    : `Now ${change.now} customers hit (was ${change.was})`;
}

/**
 * What the report of an impact change keeps about one customer: its part of
 * the change, naming no other customer, so a report is kept as one part per
 * customer and forgetting one customer leaves the others' parts readable.
 *
 * @example
 * ```ts
 * import { changeAbout } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * const change = { kind: "new_top_tier", customers: ["b", "c"] } as const;
 * assert.deepEqual(changeAbout(change, "b"), { kind: "new_top_tier", customers: ["b"] });
 * assert.equal(changeAbout(change, "a"), null);
 * ```
 */
export function changeAbout(change: ImpactChange, customer: string): ImpactChange | null {
  if (change.kind === "doubled") return change;
  return change.customers.includes(customer)
    ? { kind: "new_top_tier", customers: [customer] }
    : null;
}

/**
 * The change the readable parts of one report tell: their new top-tier
 * customers together, else the count; null when no part tells one.
 *
 * @example
 * ```ts
 * import { changeOfParts } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   changeOfParts([{ kind: "new_top_tier", customers: ["b"] }, null, { kind: "new_top_tier", customers: ["c"] }]),
 *   { kind: "new_top_tier", customers: ["b", "c"] },
 * );
 * ```
 */
export function changeOfParts(parts: readonly (ImpactChange | null)[]): ImpactChange | null {
  const top = parts.flatMap((p) => p?.kind === "new_top_tier" ? p.customers : []);
  if (top.length > 0) return { kind: "new_top_tier", customers: top };
  return parts.find((p) => p?.kind === "doubled") ?? null;
}

/** No recurrence for this long after the fix: verified. */
export const VERIFY_AFTER_MS = 7 * 86_400_000;

export interface VerificationInput {
  /** When the issue was marked fixed (the remote's time of the change). */
  readonly fixedAt: number;
  /** The last record, up to `asOf`; null when it has none. */
  readonly lastSeen: number | null;
  /**
   * How far the data reaches: the latest trustworthy record time. Never the
   * wall clock, so a replay of history decides as the live run did.
   */
  readonly asOf: number;
  /** Every affected customer runs the fix version or later, by its records. */
  readonly everyoneRunsFix: boolean;
}

/**
 * When the fix counts as verified, or null while it does not: every
 * affected customer runs it, and the data shows no recurrence for 7 days
 * after the later of the fix and the last record.
 *
 * @example
 * ```ts
 * import { VERIFY_AFTER_MS, verifiedAt } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const fix = { fixedAt: 10 * day, lastSeen: 9 * day, everyoneRunsFix: true };
 * assert.equal(verifiedAt({ ...fix, asOf: 16 * day }), null);
 * assert.equal(verifiedAt({ ...fix, asOf: 17 * day }), 10 * day + VERIFY_AFTER_MS);
 * assert.equal(verifiedAt({ ...fix, asOf: 30 * day, everyoneRunsFix: false }), null);
 * ```
 */
export function verifiedAt(input: VerificationInput): number | null {
  if (!input.everyoneRunsFix) return null;
  const quietSince = Math.max(input.fixedAt, input.lastSeen ?? -Infinity);
  return input.asOf - quietSince >= VERIFY_AFTER_MS ? quietSince + VERIFY_AFTER_MS : null;
}

/**
 * Takes out what identifies people and secrets before a log line leaves
 * Loupe: e-mail addresses, IP addresses, long digit runs, tokens and hex ids.
 *
 * @example
 * ```ts
 * import { redactLine } from "./sync_rules.ts";
 * import assert from "node:assert/strict";
 * assert.equal(redactLine("login failed for ann@acme.example from 10.0.0.7"),
 *   "login failed for <email> from <ip>");
 * ```
 */
export function redactLine(line: string): string {
  return line
    .replace(/[\w.+-]+@[\w-]+(\.[\w-]+)+/g, "<email>")
    .replace(/\b\d{1,3}(\.\d{1,3}){3}\b/g, "<ip>")
    .replace(/\b(bearer|token|password|secret|api[_-]?key)([=:\s]+)\S+/gi, "$1$2<secret>")
    .replace(/\b[0-9a-f]{16,}\b/gi, "<hex>")
    .replace(/\b\d{6,}\b/g, "<number>");
}
