/**
 * The timeline is decided by the data, never by the wall clock: "no
 * recurrence for 7 days -> verified" counts the days up to the latest
 * trustworthy record ("as of"), so replaying a history gives the timeline
 * the live run gave, whenever it is replayed.
 */
import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import type { TimelineStep } from "../../ports/integrations.ts";
import type { IssueFacts } from "./issue_facts.ts";
import type { IssueSyncEvent } from "../../domain/ticketing/events.ts";
import { ISSUE_SYNC_STREAM } from "./service.ts";
import { startSyncOf } from "../../test/support/sync.ts";

const DAY = 86_400_000;
/** A history from last year, replayed now. */
const T0 = Date.parse("2025-03-01T00:00:00Z");

/** Issue i1: logged until day 1, fixed in Jira on day 2 in 2.4.0; acme runs 2.4.0. */
async function timelineAt(
  options: { asOf: number; wallClock: number },
): Promise<readonly TimelineStep[]> {
  const store = new MemoryEventStore();
  const events: IssueSyncEvent[] = [
    {
      type: "JiraIssueLinked",
      data: { issueId: "i1", key: "LOUPE-1", at: T0 + DAY / 2, origin: "loupe" },
    },
    {
      type: "IssueFixed",
      data: {
        issueId: "i1",
        key: "LOUPE-1",
        fixVersions: ["2.4.0"],
        at: T0 + 2 * DAY,
        origin: "jira",
      },
    },
  ];
  await store.append(ISSUE_SYNC_STREAM, events, { expectedVersion: "any" });
  const facts: IssueFacts = {
    issueId: "i1",
    signatureIds: ["s1"],
    title: "PaymentGatewayException: timeout",
    detectedAt: T0,
    firstSeen: T0,
    lastSeen: T0 + DAY,
    asOf: options.asOf,
    customers: [{
      customer: "acme",
      tier: "enterprise",
      environments: ["prod"],
      versions: ["2.3.0"],
      versionsSeen: [{ version: "2.3.0", firstSeen: T0 }],
    }],
    trend: null,
    knowledgeBaseArticle: null,
    predictedResolution: null,
    exampleLines: [],
  };
  const sync = await startSyncOf(store, {
    now: options.wallClock,
    facts: () => facts,
    currentVersions: [{ environment: "prod", version: "2.4.0", lastSeen: options.asOf }],
  });
  try {
    return await sync.timeline("i1");
  } finally {
    sync.stop();
  }
}

const stepsOf = (timeline: readonly TimelineStep[]) => timeline.map((s) => s.step);

Deno.test("sync timeline: 7 quiet days in the data, not on the wall clock, verify the fix", async () => {
  // The data reaches 3 days past the fix; the wall clock is a year and more later.
  const early = await timelineAt({ asOf: T0 + 5 * DAY, wallClock: Date.now() });
  assert.ok(stepsOf(early).includes("rolled_out"), String(stepsOf(early)));
  assert.ok(!stepsOf(early).includes("verified"), "3 quiet days in the data are not 7");

  // The data reaches 7 days past the fix, replayed with a clock that is only a day past it.
  const late = await timelineAt({ asOf: T0 + 9 * DAY, wallClock: T0 + 3 * DAY });
  const verified = late.find((s) => s.step === "verified");
  assert.ok(verified !== undefined, String(stepsOf(late)));
  assert.equal(verified.at, T0 + 9 * DAY, "7 days after the fix, the later of fix and last record");
  assert.equal(verified.source, "logs");
});

Deno.test("sync timeline: the same history gives the same timeline whenever it is asked", async () => {
  for (const asOf of [T0 + 5 * DAY, T0 + 9 * DAY]) {
    const live = await timelineAt({ asOf, wallClock: asOf });
    const replayed = await timelineAt({ asOf, wallClock: Date.now() });
    const later = await timelineAt({ asOf, wallClock: asOf + 365 * DAY });
    assert.deepEqual(replayed, live);
    assert.deepEqual(later, live);
  }
});
