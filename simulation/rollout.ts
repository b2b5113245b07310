/**
 * Releases and their rollout: the product ships a minor release every
 * interval and a patch half an interval later; each environment upgrades in
 * its region's night maintenance window, some promptly, some days later,
 * and a few laggards only every few releases, jumping several versions.
 *
 * @module
 */
import type { Rng } from "./rng.ts";

export const HOUR = 3_600_000;
export const DAY = 24 * HOUR;
export const MINUTE = 60_000;

export interface Release {
  /** Position in release order. */
  readonly index: number;
  readonly version: string;
  readonly at: number;
  readonly kind: "minor" | "patch";
  /** For a patch: the index of the minor it patches. */
  readonly patches: number | null;
}

/** Minor releases before the simulation starts, so the fleet starts on a spread of versions. */
const RELEASES_BEFORE_START = 6;
const INTERVAL_BEFORE_START = 14 * DAY;

/** Days between minor releases in a scenario of `days` days. */
export function releaseInterval(days: number): number {
  return Math.min(10, Math.max(1, days / 3)) * DAY;
}

/**
 * The releases of a scenario, oldest first.
 *
 * @example
 * ```ts
 * import { DAY, planReleases } from "./rollout.ts";
 * import { Rng } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const releases = planReleases(0, 3, new Rng(1));
 * assert.equal(releases[0]!.version, "5.0.0");
 * assert.ok(releases.some((r) => r.at > 0 && r.at < 3 * DAY && r.kind === "minor"));
 * ```
 */
export function planReleases(start: number, days: number, r: Rng): Release[] {
  const end = start + days * DAY;
  const interval = releaseInterval(days);
  const out: Release[] = [];
  const push = (version: string, at: number, kind: "minor" | "patch", patches: number | null) =>
    out.push({ index: out.length, version, at, kind, patches });
  for (let i = 0; i < RELEASES_BEFORE_START; i++) {
    const at = start - (RELEASES_BEFORE_START - i) * INTERVAL_BEFORE_START +
      Math.round(r.uniform(-1, 1) * DAY);
    push(`5.${i}.0`, at, "minor", null);
  }
  // Releases go out in the working day, a little after the last one's patch.
  for (let minor = RELEASES_BEFORE_START, k = 0;; minor++, k++) {
    const at = start + Math.round((0.4 + k + r.uniform(-0.1, 0.1)) * interval);
    if (at >= end) break;
    push(`5.${minor}.0`, at, "minor", null);
    const patchAt = at + Math.round(0.5 * interval);
    push(`5.${minor}.1`, patchAt, "patch", out.length - 1);
  }
  out.sort((a, b) => a.at - b.at);
  return out.map((release, index) => ({
    ...release,
    index,
    patches: release.patches === null
      ? null
      : out.findIndex((r) => r.version === release.version.replace(/\.1$/, ".0")),
  }));
}

/** When each service of an environment went down and came back during an upgrade. */
export interface ServiceRestart {
  readonly down: number;
  readonly up: number;
}

export interface Upgrade {
  /** The maintenance window opens. */
  readonly at: number;
  /** Every service is back and its warm-up burst is over. */
  readonly completed: number;
  readonly from: Release;
  readonly to: Release;
  /** One per service deployment of the environment, in its order. */
  readonly restarts: readonly ServiceRestart[];
}

export type RolloutPolicy =
  | { readonly kind: "follow"; readonly lag: number }
  | {
    readonly kind: "batch";
    readonly lag: number;
    readonly period: number;
    readonly phase: number;
  };

export interface Rollout {
  readonly policy: RolloutPolicy;
  /** The version running when the simulation starts. */
  readonly initial: Release;
  /** Upgrades that start within the simulation, in time order. */
  readonly upgrades: readonly Upgrade[];
}

/** The next local maintenance window (02:00 plus a per-environment offset) at or after `at`. */
export function windowAfter(at: number, utcOffset: number, offsetMinutes: number): number {
  const shift = utcOffset * HOUR;
  const local = at + shift;
  let window = Math.floor(local / DAY) * DAY + 2 * HOUR + offsetMinutes * MINUTE;
  if (window < local) window += DAY;
  return window - shift;
}

export interface RolloutInput {
  readonly releases: readonly Release[];
  readonly start: number;
  readonly end: number;
  readonly policy: RolloutPolicy;
  readonly utcOffset: number;
  readonly windowMinutes: number;
  readonly services: number;
  /** Draws the restart times of one upgrade, by the index of the release it goes to. */
  readonly restartStream: (toIndex: number) => Rng;
}

/** The version each upgrade instant brings, for instants before and in the simulation. */
function upgradeInstants(input: RolloutInput): { at: number; to: number }[] {
  const { releases, policy, utcOffset, windowMinutes, end } = input;
  const out: { at: number; to: number }[] = [];
  if (policy.kind === "follow") {
    for (const release of releases) {
      const at = windowAfter(release.at + policy.lag, utcOffset, windowMinutes);
      if (at >= end) break;
      const last = out[out.length - 1];
      if (last !== undefined && last.at === at) last.to = release.index;
      else out.push({ at, to: release.index });
    }
    return out;
  }
  const first = releases[0]!.at;
  for (let u = first + policy.phase; u < end; u += policy.period) {
    const at = windowAfter(u, utcOffset, windowMinutes);
    if (at >= end) break;
    let to = -1;
    for (const release of releases) if (release.at + policy.lag <= at) to = release.index;
    const last = out[out.length - 1];
    if (to >= 0 && (last === undefined || to > last.to)) out.push({ at, to });
  }
  return out;
}

/**
 * An environment's version history over the simulation.
 *
 * @example
 * ```ts
 * import { DAY, planReleases, planRollout } from "./rollout.ts";
 * import { Rng } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const releases = planReleases(0, 30, new Rng(1));
 * const rollout = planRollout({
 *   releases, start: 0, end: 30 * DAY, policy: { kind: "follow", lag: DAY },
 *   utcOffset: 1, windowMinutes: 15, services: 3, restartStream: (i) => new Rng(i),
 * });
 * assert.equal(rollout.initial.version, "5.5.0");
 * assert.ok(rollout.upgrades.every((u, i) => i === 0 || u.at > rollout.upgrades[i - 1]!.at));
 * ```
 */
export function planRollout(input: RolloutInput): Rollout {
  const { releases, start } = input;
  const instants = upgradeInstants(input);
  let initial = releases[0]!;
  const upgrades: Upgrade[] = [];
  for (const instant of instants) {
    const to = releases[instant.to]!;
    if (instant.at < start) {
      initial = to;
      continue;
    }
    const r = input.restartStream(to.index);
    const restarts: ServiceRestart[] = [];
    let cursor = instant.at + r.between(30, 120) * 1000;
    let completed = cursor;
    for (let s = 0; s < input.services; s++) {
      const down = cursor;
      const up = down + r.between(45, 300) * 1000;
      restarts.push({ down, up });
      cursor = down + r.between(60, 240) * 1000;
      completed = Math.max(completed, up + 90_000);
    }
    const from = upgrades.length === 0 ? initial : upgrades[upgrades.length - 1]!.to;
    upgrades.push({ at: instant.at, completed, from, to, restarts });
  }
  return { policy: input.policy, initial, upgrades };
}

/** The release a service runs at an instant (during its restart gap: the new one). */
export function releaseAt(rollout: Rollout, service: number, at: number): Release {
  let release = rollout.initial;
  for (const upgrade of rollout.upgrades) {
    if (upgrade.restarts[service]!.down > at) break;
    release = upgrade.to;
  }
  return release;
}

/** A stretch of time in which a service runs and logs at one release. */
export interface Segment {
  readonly from: number;
  readonly to: number;
  readonly release: Release;
}

/**
 * The stretches of [from, to) in which a service is up, with its release:
 * one stretch in most hours, more when an upgrade restarts it.
 */
export function serviceSegments(
  rollout: Rollout,
  service: number,
  from: number,
  to: number,
): Segment[] {
  let release = rollout.initial;
  let cursor = from;
  const out: Segment[] = [];
  for (const upgrade of rollout.upgrades) {
    const { down, up } = upgrade.restarts[service]!;
    if (up <= from) {
      release = upgrade.to;
      continue;
    }
    if (down >= to) break;
    if (down > cursor) out.push({ from: cursor, to: down, release });
    release = upgrade.to;
    cursor = Math.max(cursor, up);
  }
  if (cursor < to) out.push({ from: cursor, to, release });
  return out;
}
