/**
 * Where an issue stands, and whether it is only the noise of an upgrade.
 * Pure: its hours with lines and the upgrade windows come in.
 *
 * @module
 */

import { HOUR_MS } from "../time.ts";
/** Quiet this long, an issue is resolved; back after that, it regressed. */
export const RESOLVED_AFTER_MS = 24 * HOUR_MS;
/** An upgrade's window: from a little before the new version's first record (shutdown)... */
export const UPGRADE_BEFORE_MS = 15 * 60_000;
/** ...to the end of its warm-up. */
export const UPGRADE_AFTER_MS = 60 * 60_000;

export type Lifecycle = "new" | "active" | "resolved" | "regressed";

/**
 * The status of an issue from the hours it logged in (start of hour,
 * ascending, up to `asOf`).
 *
 * @example
 * ```ts
 * import { lifecycleOf } from "./lifecycle.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * assert.equal(lifecycleOf([100 * h, 101 * h], 101 * h + 5), "new");
 * assert.equal(lifecycleOf([10 * h, 100 * h, 101 * h], 101 * h + 5), "regressed");
 * assert.equal(lifecycleOf([10 * h, 11 * h], 101 * h), "resolved");
 * ```
 */
export function lifecycleOf(hours: readonly number[], asOf: number): Lifecycle {
  if (hours.length === 0) return "resolved";
  const last = hours[hours.length - 1]!;
  if (last + HOUR_MS <= asOf - RESOLVED_AFTER_MS) return "resolved";
  if (hours[0]! + HOUR_MS > asOf - RESOLVED_AFTER_MS) return "new";
  for (let i = hours.length - 1; i > 0; i--) {
    if (hours[i]! - (hours[i - 1]! + HOUR_MS) >= RESOLVED_AFTER_MS) return "regressed";
  }
  return "active";
}

/**
 * The hours an issue logged in (start of hour), cut where it was quiet for
 * {@linkcode RESOLVED_AFTER_MS} or longer: `[first, last]` of each run, in
 * order. Runs of several signatures taken together are {@linkcode mergeSpans}.
 */
export type Span = readonly [number, number];

/**
 * The runs of a set of hours given as runs and single hours (`[h, h]`), in
 * any order: the runs of their union.
 *
 * @example
 * ```ts
 * import { mergeSpans } from "./lifecycle.ts";
 * import assert from "node:assert/strict";
 * const h = 3_600_000;
 * assert.deepEqual(mergeSpans([[10 * h, 12 * h], [30 * h, 30 * h], [60 * h, 60 * h]]), [
 *   [10 * h, 30 * h],
 *   [60 * h, 60 * h],
 * ]);
 * ```
 */
export function mergeSpans(spans: Iterable<Span>): Span[] {
  const sorted = [...spans].sort((a, b) => a[0] - b[0] || a[1] - b[1]);
  const out: [number, number][] = [];
  for (const [start, end] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && start - (last[1] + HOUR_MS) < RESOLVED_AFTER_MS) {
      if (end > last[1]) last[1] = end;
    } else out.push([start, end]);
  }
  return out;
}

/**
 * {@linkcode lifecycleOf} from the runs of the hours ({@linkcode mergeSpans}),
 * every hour at or before `asOf`: the same status without the hours.
 */
export function lifecycleOfSpans(spans: readonly Span[], asOf: number): Lifecycle {
  if (spans.length === 0) return "resolved";
  const last = spans[spans.length - 1]![1];
  if (last + HOUR_MS <= asOf - RESOLVED_AFTER_MS) return "resolved";
  if (spans[0]![0] + HOUR_MS > asOf - RESOLVED_AFTER_MS) return "new";
  return spans.length > 1 ? "regressed" : "active";
}

/** One environment's version changes: when each new version's first record came. */
export interface UpgradeWindow {
  readonly origin: string;
  readonly version: string;
  readonly at: number;
}

/**
 * Lines of an issue at one origin: hours that had lines, and the exact first
 * and last. The last is asked for only when the first line fell in an
 * upgrade window, and the hours only when the first and last lines both did,
 * and only until one falls outside them, so a caller may pass a function and
 * a lazy iterable over its store: an issue's hours over a year are thousands
 * of rows, and its origins hundreds.
 */
export interface OriginLines {
  readonly origin: string;
  readonly hours: Iterable<number>;
  readonly firstSeen: number;
  readonly lastSeen: number | (() => number);
}

export interface UpgradeVerdict {
  readonly noise: boolean;
  /** Null when no upgrade window is involved. */
  readonly note: string | null;
}

/**
 * Upgrade noise: every line of the issue, at every origin, falls in the
 * restart and warm-up window of a version change of that origin. An issue
 * that began in such a window and went on after it is not noise, and says so.
 *
 * @example
 * ```ts
 * import { upgradeVerdict } from "./lifecycle.ts";
 * import assert from "node:assert/strict";
 * const at = 1_000 * 3_600_000;
 * const windows = [{ origin: "acme/prod", version: "2.0.0", at }];
 * const lines = [{ origin: "acme/prod", hours: [at], firstSeen: at + 60_000, lastSeen: at + 600_000 }];
 * assert.equal(upgradeVerdict(lines, windows).noise, true);
 * ```
 */
export function upgradeVerdict(
  lines: readonly OriginLines[],
  windows: readonly UpgradeWindow[] | ReadonlyMap<string, readonly UpgradeWindow[]>,
): UpgradeVerdict {
  if (lines.length === 0) return { noise: false, note: null };
  const byOrigin = windows instanceof Map
    ? windows as ReadonlyMap<string, readonly UpgradeWindow[]>
    : windowsByOrigin(windows as readonly UpgradeWindow[]);
  let inWindow = 0;
  const versions = new Set<string>();
  let persisted: UpgradeWindow | null = null;
  for (const origin of lines) {
    const own = byOrigin.get(origin.origin) ?? [];
    const first = upgradeWindowAt(own, origin.firstSeen);
    if (first === undefined) continue;
    const lastSeen = origin.lastSeen;
    const last = upgradeWindowAt(own, typeof lastSeen === "number" ? lastSeen : lastSeen());
    if (last !== undefined && !linesOutside(origin.hours, own)) {
      inWindow++;
      versions.add(first.version);
      versions.add(last.version);
    } else if (persisted === null) persisted = first;
  }
  const listed = [...versions].sort().join(", ");
  if (inWindow === lines.length) {
    return {
      noise: true,
      note:
        `upgrade noise: logged only in the restart and warm-up window of the upgrade to ${listed} on ${
          lines.length === 1 ? "its environment" : `each of its ${lines.length} environments`
        }`,
    };
  }
  if (persisted !== null) {
    return {
      noise: false,
      note:
        `began in the warm-up of the upgrade to ${persisted.version} on ${persisted.origin} and persisted after it: not upgrade noise`,
    };
  }
  return { noise: false, note: null };
}

/** The first of an origin's windows a line at `t` falls in: the restart before to the warm-up after. */
export function upgradeWindowAt(
  windows: readonly UpgradeWindow[],
  t: number,
): UpgradeWindow | undefined {
  return windows.find((w) => t >= w.at - UPGRADE_BEFORE_MS && t <= w.at + UPGRADE_AFTER_MS);
}

/** Windows by origin, each origin's in the order given. */
export function windowsByOrigin(
  windows: readonly UpgradeWindow[],
): Map<string, UpgradeWindow[]> {
  const byOrigin = new Map<string, UpgradeWindow[]>();
  for (const w of windows) {
    const own = byOrigin.get(w.origin);
    if (own === undefined) byOrigin.set(w.origin, [w]);
    else own.push(w);
  }
  return byOrigin;
}

/** Whether an hour wholly outside every window held lines: it went on after the warm-up. */
function linesOutside(hours: Iterable<number>, windows: readonly UpgradeWindow[]): boolean {
  for (const hour of hours) {
    const inSome = windows.some((w) =>
      hour + 3_600_000 > w.at - UPGRADE_BEFORE_MS && hour <= w.at + UPGRADE_AFTER_MS
    );
    if (!inSome) return true;
  }
  return false;
}
