import fc from "fast-check";
import type { OriginLog } from "../../domain/analytics/fix_state.ts";

const HOUR = 3_600_000;

/** What the logs show of an environment: the lines there, and perhaps an upgrade that stopped them. */
export const originLog = fc.record({
  upgradeHour: fc.option(fc.integer({ min: 0, max: 400 }), { nil: null }),
  from: fc.integer({ min: 0, max: 300 }),
  gap: fc.integer({ min: 0, max: 30 }),
  until: fc.integer({ min: 0, max: 600 }),
  relapse: fc.boolean(),
}, { noNullPrototype: true }).map(({ upgradeHour, from, gap, until, relapse }): OriginLog => {
  if (upgradeHour === null) {
    return {
      versions: [{ version: "1.0", firstSeen: 0 }],
      lines: [{ version: "1.0", firstSeen: from * HOUR, lastSeen: Math.max(from, until) * HOUR }],
    };
  }
  const last = upgradeHour - gap;
  return {
    versions: [{ version: "1.0", firstSeen: 0 }, { version: "1.1", firstSeen: upgradeHour * HOUR }],
    lines: [
      { version: "1.0", firstSeen: Math.min(from, last) * HOUR, lastSeen: last * HOUR },
      ...(relapse
        ? [{
          version: "1.1",
          firstSeen: (upgradeHour + 10) * HOUR,
          lastSeen: (upgradeHour + 100) * HOUR,
        }]
        : []),
    ],
  };
});
