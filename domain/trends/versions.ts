/**
 * Which release introduced a signature and which fixed it, from its count
 * per version normalised by each version's traffic (all records logged on
 * it), so a busy version is not blamed for being busy.
 *
 * @module
 */

/** One version's share of a signature. */
export interface VersionRate {
  /** The release, as the records name it. */
  readonly version: string;
  /** Lines of the signature logged on this version. */
  readonly count: number;
  /** Every record logged on this version (in the same scope). */
  readonly traffic: number;
}

/** Which release introduced a signature and which fixed it, with why. */
export interface VersionVerdict {
  /** Versions it appears on at a real rate, in release order. */
  readonly affected: readonly string[];
  /** The first affected version when an earlier version ran long enough without it. */
  readonly introducedIn: string | null;
  /** The first version after the affected ones that ran long enough without it (and every later one too). */
  readonly fixedIn: string | null;
  /** Per version, lines per million records. */
  readonly rates: readonly {
    version: string;
    count: number;
    traffic: number;
    perMillion: number;
  }[];
  /** Why, in words a support engineer can repeat. */
  readonly reason: string;
}

/** A version counts as affected above this share of the highest rate... */
const AFFECTED_SHARE = 0.1;
/** ...and with at least this many lines. */
const MIN_LINES = 3;
/** Versions with less traffic than this are left out: a few stray or corrupt lines name versions that never ran. */
const MIN_TRAFFIC = 100;
/** A clean version must have run long enough to expect this many lines at the affected rate. */
const EXPECTED_LINES = 10;

/**
 * Compares dotted versions numerically part by part (`5.10.0` after `5.9.2`);
 * non-numeric parts compare as text.
 *
 * @example
 * ```ts
 * import { compareVersions } from "./versions.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(["5.10.0", "v5.9.2", "5.9.10"].sort(compareVersions), ["v5.9.2", "5.9.10", "5.10.0"]);
 * ```
 */
export function compareVersions(a: string, b: string): number {
  const pa = a.replace(/^v/i, "").split(/[.\-+]/);
  const pb = b.replace(/^v/i, "").split(/[.\-+]/);
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    const x = pa[i];
    const y = pb[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = Number(x);
    const ny = Number(y);
    if (Number.isInteger(nx) && Number.isInteger(ny)) {
      if (nx !== ny) return nx - ny;
    } else if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Tells from per-version rates which release introduced a signature and which fixed it.
 *
 * @example
 * ```ts
 * import { versionVerdict } from "./versions.ts";
 * import assert from "node:assert/strict";
 * const verdict = versionVerdict([
 *   { version: "2.3.0", count: 0, traffic: 2_000_000 },
 *   { version: "2.3.1", count: 400, traffic: 1_000_000 },
 *   { version: "2.3.2", count: 350, traffic: 900_000 },
 *   { version: "2.4.0", count: 0, traffic: 1_500_000 },
 * ]);
 * assert.equal(verdict.introducedIn, "2.3.1");
 * assert.equal(verdict.fixedIn, "2.4.0");
 * assert.equal(
 *   verdict.reason,
 *   "appears on 2.3.1 to 2.3.2 (400 per million records at most), never on 2.3.0 before; gone from 2.4.0",
 * );
 * ```
 */
export function versionVerdict(versions: readonly VersionRate[]): VersionVerdict {
  const rates = versions.filter((v) => v.version !== "" && v.traffic >= MIN_TRAFFIC)
    .sort((a, b) => compareVersions(a.version, b.version))
    .map((v) => ({ ...v, perMillion: v.count / v.traffic * 1e6 }));
  const top = Math.max(0, ...rates.map((r) => r.perMillion));
  const affectedIndex = rates.flatMap((r, i) =>
    r.count >= MIN_LINES && r.perMillion >= AFFECTED_SHARE * top ? [i] : []
  );
  if (affectedIndex.length === 0) {
    return {
      affected: [],
      introducedIn: null,
      fixedIn: null,
      rates: rates.map(roundRate),
      reason: "too few lines with a version to tell",
    };
  }
  const first = affectedIndex[0]!;
  const last = affectedIndex[affectedIndex.length - 1]!;
  const rate = rates[last]!.perMillion;
  // Clean: ran long enough that the affected rate would have shown, and nearly nothing did.
  const clean = (r: (typeof rates)[number]) =>
    r.traffic * rate / 1e6 >= EXPECTED_LINES && r.perMillion < AFFECTED_SHARE * rate / 2;
  const before = rates.slice(0, first).filter(clean);
  const introducedIn = before.length > 0 ? rates[first]!.version : null;
  const after = rates.slice(last + 1);
  const fixedIn = after.length > 0 && clean(after[0]!) && after.every((r) => r.count < MIN_LINES)
    ? after[0]!.version
    : null;
  const span = first === last
    ? rates[first]!.version
    : `${rates[first]!.version} to ${rates[last]!.version}`;
  const parts = [`appears on ${span} (${Math.round(top)} per million records at most)`];
  if (introducedIn !== null) {
    parts[0] += `, never on ${before[before.length - 1]!.version} before`;
  } else if (first === 0) parts.push("already on the oldest version seen");
  if (fixedIn !== null) parts.push(`gone from ${fixedIn}`);
  else if (last === rates.length - 1) parts.push("still on the newest version");
  return {
    affected: affectedIndex.map((i) => rates[i]!.version),
    introducedIn,
    fixedIn,
    rates: rates.map(roundRate),
    reason: parts.join("; "),
  };
}

function roundRate<T extends { perMillion: number }>(r: T): T {
  return { ...r, perMillion: Math.round(r.perMillion * 100) / 100 };
}
