import assert from "node:assert/strict";
import { memoryLoupe, requestOf, type SimpleLine } from "../../test/support/app.ts";
import { type DetectedIssue, ISSUE_TABLES } from "./issues.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const START = 1_790_000_000_000;

const quiet = (day: number): SimpleLine => ({
  message: "Nightly report generated for every account",
  timestamp: START + day * DAY,
});
const fault = (at: number): SimpleLine => ({
  message: "Ledger export aborted because the archive volume is read only",
  timestamp: at,
  severity: 17,
});

Deno.test("given a new error, one issue while it keeps logging, a new one when it recurs after a quiet week", async () => {
  const { loupe, projectionStore } = await memoryLoupe();
  await loupe.ingest(requestOf([0, 1, 2].map(quiet)));
  await loupe.ingest(requestOf([fault(START + 2 * DAY), fault(START + 2 * DAY + 5 * HOUR)]));
  // A surge while it is still logging is the same issue, not a second one.
  await loupe.ingest(
    requestOf(Array.from({ length: 12 }, (_, i) => fault(START + 3 * DAY + i * 60_000))),
  );
  await loupe.ingest(requestOf([fault(START + 4 * DAY)]));
  const issues = () =>
    [...projectionStore.range<DetectedIssue>(ISSUE_TABLES.issues)].map((e) => e.value);
  assert.equal(issues().length, 1);
  assert.equal(issues()[0]!.kind, "new");
  assert.equal(issues()[0]!.lastSeen, START + 4 * DAY, "still the same issue, seen since");
  await loupe.ingest(
    requestOf(Array.from({ length: 12 }, (_, i) => fault(START + 12 * DAY + i * 60_000))),
  );
  assert.deepEqual(
    issues().map((i) => i.kind),
    ["new", "surge"],
    "back after a quiet week, surging: a new issue",
  );
});
