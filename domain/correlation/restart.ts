import type { RestartBurst } from "./score.ts";
import { HOUR_MS } from "../time.ts";

/** An environment moving to a version at a time. */
export interface Upgrade {
  readonly version: string;
  readonly at: number;
}

/**
 * How much of a signature's window lies in restart hours: the hour an
 * upgrade started in and the next. The upgrade named is the one holding
 * most of those lines; null without upgrades or lines.
 *
 * @example
 * ```ts
 * import { restartBurst } from "./restart.ts";
 * import assert from "node:assert/strict";
 * const hour = 3_600_000;
 * const upgrade = { version: "5.8.0", at: 10 * hour + 120_000 };
 * const warmUp = new Map([[10 * hour, 40], [11 * hour, 5]]);
 * assert.equal(restartBurst(warmUp, [upgrade])?.share, 1);
 * const fault = new Map([[10 * hour, 10], [12 * hour, 30], [13 * hour, 30]]);
 * assert.equal(restartBurst(fault, [upgrade])?.share, 10 / 70);
 * ```
 */
export function restartBurst(
  hours: ReadonlyMap<number, number>,
  upgrades: readonly Upgrade[],
): RestartBurst | null {
  if (upgrades.length === 0) return null;
  let total = 0;
  for (const n of hours.values()) total += n;
  if (total === 0) return null;
  const inRestart = new Set<number>();
  let best: { upgrade: Upgrade; lines: number } | undefined;
  for (const upgrade of upgrades) {
    const first = Math.floor(upgrade.at / HOUR_MS) * HOUR_MS;
    let lines = 0;
    for (const hour of [first, first + HOUR_MS]) {
      lines += hours.get(hour) ?? 0;
      inRestart.add(hour);
    }
    if (best === undefined || lines > best.lines) best = { upgrade, lines };
  }
  let restartLines = 0;
  for (const hour of inRestart) restartLines += hours.get(hour) ?? 0;
  return { version: best!.upgrade.version, at: best!.upgrade.at, share: restartLines / total };
}

/**
 * The upgrades in a history of versions, each `[version, firstSeen]`: every
 * version but the first seen, at the time it was first seen. Records with
 * no version ("") say nothing about upgrades.
 */
export function upgradesOf(versions: readonly (readonly [string, number])[]): Upgrade[] {
  const known = versions.filter(([version]) => version !== "").sort((a, b) => a[1] - b[1]);
  return known.slice(1).map(([version, at]) => ({ version, at }));
}
