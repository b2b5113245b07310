import assert from "node:assert/strict";
import fc from "fast-check";
import { fixSeen, fixStateAt, type OriginLog, versionAt } from "./fix_state.ts";
import { compareVersions } from "../trends/versions.ts";
import { originLog } from "../../test/support/fix_state_logs.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** An environment that logged the issue on 1.0 until it moved to `fix` at `upgradeAt`. */
function upgraded(upgradeAt: number, fix = "1.1"): OriginLog {
  return {
    versions: [{ version: "1.0", firstSeen: 0 }, { version: fix, firstSeen: upgradeAt }],
    lines: [{ version: "1.0", firstSeen: DAY, lastSeen: upgradeAt - HOUR }],
  };
}
/** An environment still on 1.0, logging the issue until `until`. */
function stillOn(until: number): OriginLog {
  return {
    versions: [{ version: "1.0", firstSeen: 0 }],
    lines: [{ version: "1.0", firstSeen: DAY, lastSeen: until }],
  };
}

Deno.test("fixSeen: a version after which one environment went quiet while others on older ones kept logging", () => {
  const origins = [upgraded(10 * DAY), stillOn(30 * DAY)];
  assert.equal(fixSeen(origins, 11 * DAY), null);
  assert.equal(fixSeen(origins, 12 * DAY + HOUR), "1.1");
  // An issue that stopped everywhere at once (an outage that ended) was fixed by no release.
  assert.equal(fixSeen([upgraded(10 * DAY), stillOn(10 * DAY - HOUR)], 20 * DAY), null);
  // Lines on the new version: it fixed nothing.
  const relapsed: OriginLog = {
    ...upgraded(10 * DAY),
    lines: [
      { version: "1.0", firstSeen: DAY, lastSeen: 10 * DAY - HOUR },
      { version: "1.1", firstSeen: 11 * DAY, lastSeen: 11 * DAY },
    ],
  };
  assert.equal(fixSeen([relapsed, stillOn(30 * DAY)], 20 * DAY), null);
  // Quiet since long before the upgrade: the upgrade is not what stopped it.
  const stale: OriginLog = {
    ...upgraded(10 * DAY),
    lines: [{ version: "1.0", firstSeen: DAY, lastSeen: 5 * DAY }],
  };
  assert.equal(fixSeen([stale, stillOn(30 * DAY)], 20 * DAY), null);
  // Two environments show two fixes: the lower one is the release that fixed it.
  assert.equal(
    fixSeen([upgraded(10 * DAY, "1.2"), upgraded(12 * DAY), stillOn(30 * DAY)], 20 * DAY),
    "1.1",
  );
});

Deno.test("fixStateAt: whether the ticket's environment runs the fix yet", () => {
  const origins = [upgraded(10 * DAY), stillOn(30 * DAY)];
  assert.deepEqual(fixStateAt(origins, stillOn(0).versions, 9 * DAY), { fixSeen: 0, onFix: NaN });
  assert.deepEqual(fixStateAt(origins, stillOn(0).versions, 13 * DAY), { fixSeen: 1, onFix: 0 });
  const later = upgraded(15 * DAY).versions;
  assert.deepEqual(fixStateAt(origins, later, 14 * DAY), { fixSeen: 1, onFix: 0 });
  assert.deepEqual(fixStateAt(origins, later, 16 * DAY), { fixSeen: 1, onFix: 1 });
  assert.deepEqual(fixStateAt(origins, undefined, 16 * DAY), { fixSeen: 1, onFix: NaN });
});

Deno.test("property: a fix seen is a version some environment runs, on which no environment logged the issue by then", () => {
  fc.assert(
    fc.property(fc.array(originLog, { maxLength: 5 }), fc.integer({ min: 0, max: 700 }), (
      origins,
      hour,
    ) => {
      const at = hour * HOUR;
      const fix = fixSeen(origins, at);
      if (fix === null) return;
      assert.ok(origins.some((o) => versionAt(o.versions, at) === fix));
      for (const o of origins) {
        for (const l of o.lines) {
          if (l.firstSeen <= at) assert.ok(compareVersions(l.version, fix) < 0);
        }
      }
    }),
  );
});

Deno.test("property: the fix state at a moment reads nothing dated after it", () => {
  fc.assert(
    fc.property(
      fc.array(originLog, { maxLength: 5 }),
      originLog,
      fc.integer({ min: 0, max: 700 }),
      fc.integer({ min: 1, max: 1000 }),
      (origins, environment, hour, shiftHours) => {
        const at = hour * HOUR;
        const later = (t: number) => (t > at ? t + shiftHours * HOUR : t);
        const shift = (o: OriginLog): OriginLog => ({
          versions: o.versions.map((v) => ({ ...v, firstSeen: later(v.firstSeen) })),
          lines: o.lines.map((l) => ({
            ...l,
            firstSeen: later(l.firstSeen),
            lastSeen: later(l.lastSeen),
          })),
        });
        assert.deepEqual(
          fixStateAt(origins.map(shift), shift(environment).versions, at),
          fixStateAt(origins, environment.versions, at),
        );
      },
    ),
  );
});

Deno.test("property: the fix state at a moment is the same with everything after it cut off", () => {
  // Shifting later facts catches a reading of their times; cutting them off catches a reading of
  // their existence (a relapse not logged yet, an environment that has not logged it yet).
  fc.assert(
    fc.property(
      fc.array(originLog, { maxLength: 5 }),
      originLog,
      fc.integer({ min: 0, max: 700 }),
      (origins, environment, hour) => {
        const at = hour * HOUR;
        const cut = (o: OriginLog): OriginLog => ({
          versions: o.versions.filter((v) => v.firstSeen <= at),
          lines: o.lines.filter((l) => l.firstSeen <= at).map((l) => ({
            ...l,
            lastSeen: Math.min(l.lastSeen, at),
          })),
        });
        assert.deepEqual(
          fixStateAt(origins.map(cut), cut(environment).versions, at),
          fixStateAt(origins, environment.versions, at),
        );
      },
    ),
    { numRuns: 1000 },
  );
});
