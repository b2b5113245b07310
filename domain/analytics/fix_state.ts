/**
 * Whether a fix for an issue has been seen in the logs by some moment, and
 * whether a given environment runs it yet. A ticket waiting on a release that
 * exists waits on its rollout (a date, roughly); one waiting on a fix nobody
 * has shipped may wait with no end. Ticket history cannot tell the two apart;
 * the logs can: an environment that logged the issue, moved to a new version,
 * and has been quiet on it since, shows the version that fixed it.
 *
 * Everything is read as of `at`: a version first seen after it, and lines
 * after it, are not known yet, so moving later facts never changes the answer.
 * Pure: times are epoch milliseconds.
 *
 * @module
 */
import { compareVersions } from "../trends/versions.ts";
import { DAY_MS, HOUR_MS } from "../time.ts";

/** One environment's versions and one issue's lines there, as the logs tally them. */
export interface OriginLog {
  /** The versions the environment ran, each with the time of its first record. */
  readonly versions: readonly { readonly version: string; readonly firstSeen: number }[];
  /** The lines there, per version they were logged on: first and last. */
  readonly lines: readonly {
    readonly version: string;
    readonly firstSeen: number;
    readonly lastSeen: number;
  }[];
}

/**
 * How long an environment must have been quiet on the issue after moving to
 * a version before that version counts as its fix. Two days: issues that log
 * a few lines a day would otherwise look fixed by any nightly upgrade.
 */
export const FIX_QUIET_MS = 2 * DAY_MS;
/**
 * The issue must have logged there this shortly before the upgrade: an issue
 * that had already stopped (an outage that ended) was not fixed by it.
 */
export const FIX_ACTIVE_BEFORE_MS = DAY_MS;
/**
 * Lines on an older version this long after the new one first logs are the
 * rollout's own tail: services restart one by one in a maintenance window.
 */
export const ROLLOUT_TAIL_MS = 6 * HOUR_MS;

/** The version an environment ran at `at`: the newest one first seen by then. */
export function versionAt(log: OriginLog["versions"], at: number): string | null {
  let best: { version: string; firstSeen: number } | null = null;
  for (const v of log) {
    if (v.version === "" || v.firstSeen > at) continue;
    if (best === null || v.firstSeen > best.firstSeen) best = v;
  }
  return best?.version ?? null;
}

/**
 * The lowest version that, as known at `at`, fixed the issue: an environment
 * logged the issue within a day before moving to it and none of it since, for
 * at least {@linkcode FIX_QUIET_MS}; no environment logged the issue on it or
 * a later version; and some environment still on an older one logged the
 * issue after that move. The last condition tells a fix from an issue that
 * stopped everywhere at once (an outage that ended), which any nightly
 * upgrade would otherwise seem to have fixed. Null when none shows yet.
 *
 * @example
 * ```ts
 * import { fixSeen } from "./fix_state.ts";
 * import assert from "node:assert/strict";
 * const day = 86_400_000;
 * const upgraded = {
 *   versions: [{ version: "1.0", firstSeen: 0 }, { version: "1.1", firstSeen: 10 * day }],
 *   lines: [{ version: "1.0", firstSeen: 2 * day, lastSeen: 10 * day - 1 }],
 * };
 * const notYet = {
 *   versions: [{ version: "1.0", firstSeen: 0 }],
 *   lines: [{ version: "1.0", firstSeen: 2 * day, lastSeen: 20 * day }],
 * };
 * assert.equal(fixSeen([upgraded, notYet], 11 * day), null); // quiet for one day only
 * assert.equal(fixSeen([upgraded, notYet], 13 * day), "1.1");
 * assert.equal(fixSeen([upgraded], 13 * day), null); // it stopped everywhere: no sign of a fix
 * ```
 */
export function fixSeen(origins: readonly OriginLog[], at: number): string | null {
  let best: string | null = null;
  for (const origin of origins) {
    const fix = fixOn(origin, at);
    if (fix === null || (best !== null && compareVersions(fix.version, best) >= 0)) continue;
    if (confirmed(origins, fix, at)) best = fix.version;
  }
  return best;
}

function confirmed(
  origins: readonly OriginLog[],
  fix: { version: string; since: number },
  at: number,
): boolean {
  let elsewhere = false;
  for (const origin of origins) {
    for (const l of origin.lines) {
      if (l.firstSeen > at) continue;
      if (compareVersions(l.version, fix.version) >= 0) return false;
      if (Math.min(l.lastSeen, at) > fix.since + ROLLOUT_TAIL_MS) elsewhere = true;
    }
  }
  return elsewhere;
}

function fixOn(origin: OriginLog, at: number): { version: string; since: number } | null {
  const seen = origin.lines.filter((l) => l.firstSeen <= at);
  if (seen.length === 0) return null;
  const current = versionAt(origin.versions, at);
  if (current === null) return null;
  const since = origin.versions.find((v) => v.version === current)!.firstSeen;
  if (at - since < FIX_QUIET_MS) return null;
  // Lines on the current version or a later one: not fixed by it.
  if (seen.some((l) => compareVersions(l.version, current) >= 0)) return null;
  // The last line known by `at`: a tally whose last line is later than `at` logged up to it.
  const last = Math.max(...seen.map((l) => Math.min(l.lastSeen, at)));
  if (last >= since + ROLLOUT_TAIL_MS || last < since - FIX_ACTIVE_BEFORE_MS) return null;
  return { version: current, since };
}

/** What a ticket's prediction may know of its issue's fix at `at`. */
export interface FixState {
  /** 1 when a fix has been seen on some environment, 0 when not. */
  readonly fixSeen: number;
  /** 1 when the ticket's environment runs the fix (or later), 0 when not; NaN with no fix or no version. */
  readonly onFix: number;
}

/**
 * The fix state of a ticket's issue at `at`, given its issue's origins and
 * the version history of the ticket's own environment (undefined when the
 * logs do not know it).
 */
export function fixStateAt(
  origins: readonly OriginLog[],
  environment: OriginLog["versions"] | undefined,
  at: number,
): FixState {
  const fix = fixSeen(origins, at);
  if (fix === null) return { fixSeen: 0, onFix: NaN };
  const running = environment === undefined ? null : versionAt(environment, at);
  return {
    fixSeen: 1,
    onFix: running === null ? NaN : compareVersions(running, fix) >= 0 ? 1 : 0,
  };
}
