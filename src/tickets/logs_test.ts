import assert from "node:assert/strict";
import fc from "fast-check";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { HOUR, type Line, T0, ticketHarness } from "./harness_test.ts";

const LEVELS = [["DEBUG", 5], ["INFO", 9], ["WARN", 13], ["ERROR", 17], ["FATAL", 21]] as const;

Deno.test("a ticket's logs read from grouped batches are every matching line, newest first, whatever the window, level and page size", async () => {
  const path = await Deno.makeTempDir({ prefix: "loupe-logs-" });
  const environment = openLmdb(path);
  try {
    const h = await ticketHarness(
      new LmdbEventStore(environment, { clock: { now: () => T0 } }),
      new LmdbProjectionStore(environment),
    );
    const random = fc.sample(fc.nat({ max: 1e9 }), { numRuns: 40_000, seed: 5 });
    let draw = 0;
    const next = (n: number) => random[draw++ % random.length]! % n;
    // Batches of several thousand lines each, out of order within a batch (a
    // merged file), so groups' time ranges overlap; another customer's among them.
    const ingested: (Line & { severity: number })[] = [];
    for (let batch = 0; batch < 4; batch++) {
      for (const customer of ["acme", "globex"]) {
        const lines = Array.from({ length: 2500 + next(1500) }, (_, i) => {
          const [level, severity] = LEVELS[next(LEVELS.length)]!;
          const at = T0 + next(4 * HOUR) + (next(10) === 0 ? 0 : batch * HOUR);
          return {
            message: `${customer} line ${batch}-${i}`,
            at,
            level,
            severity,
          };
        });
        await h.ingest(lines, { customer, environment: "prod", service: "api" });
        if (customer === "acme") ingested.push(...lines);
      }
    }
    const { ticketId } = await h.tickets.openTicket({
      customer: "acme",
      environment: "prod",
      subject: "Slow",
      description: "Pages are slow",
      severity: "high",
      reporter: "ann@acme.test",
      window: { from: T0, to: T0 + 8 * HOUR },
    });
    await fc.assert(
      fc.asyncProperty(
        fc.integer({ min: 0, max: 7 * HOUR }),
        fc.integer({ min: 1, max: 6 * HOUR }),
        fc.constantFrom(0, 5, 9, 13, 17, 21, 24),
        // Small pages as well as large, but not so small that a run pages thousands of times.
        fc.integer({ min: 25, max: 400 }),
        async (fromOffset, span, minSeverity, limit) => {
          const from = T0 + fromOffset;
          const to = Math.min(T0 + 8 * HOUR, from + span);
          const expected = ingested
            .filter((l) => l.at >= from && l.at < to && l.severity >= minSeverity)
            .map((l) => l.at)
            .sort((a, b) => b - a);
          const seen: string[] = [];
          const times: number[] = [];
          let cursor: string | undefined;
          let ended = false;
          for (let page = 0; page < 10_000 && !ended; page++) {
            const result = await h.tickets.ticketLogs(ticketId, {
              from,
              to,
              minSeverity,
              limit,
              ...(cursor === undefined ? {} : { cursor }),
            });
            assert.ok(result.items.length <= limit);
            for (const line of result.items) {
              assert.ok(line.message.startsWith("acme "), line.message);
              seen.push(line.message);
              times.push(line.timestamp);
            }
            ended = result.nextCursor === null;
            cursor = result.nextCursor ?? undefined;
          }
          assert.ok(ended, "paging ends");
          assert.equal(new Set(seen).size, seen.length, "no line twice across pages");
          assert.deepEqual(times, expected);
        },
      ),
      { numRuns: 20 },
    );
    await h.settled();
  } finally {
    await environment.close();
    await Deno.remove(path, { recursive: true });
  }
});

Deno.test("a search that scans a large window lets other work run while it reads", async () => {
  const path = await Deno.makeTempDir({ prefix: "loupe-logs-" });
  const environment = openLmdb(path);
  try {
    const h = await ticketHarness(
      new LmdbEventStore(environment, { clock: { now: () => T0 } }),
      new LmdbProjectionStore(environment),
    );
    for (let batch = 0; batch < 16; batch++) {
      const lines = Array.from({ length: 6_000 }, (_, i) => ({
        message: `checkout ${batch} request ${i} served in ${i % 97} ms`,
        at: T0 + batch * HOUR / 4 + i,
        level: "INFO",
      }));
      await h.ingest(lines, { customer: "acme", environment: "prod", service: "api" });
    }
    const { ticketId } = await h.tickets.openTicket({
      customer: "acme",
      environment: "prod",
      subject: "Slow",
      description: "Pages are slow",
      severity: "high",
      reporter: "ann@acme.test",
      window: { from: T0, to: T0 + 8 * HOUR },
    });
    let turns = 0;
    const timer = setInterval(() => turns++, 0);
    let found;
    try {
      // A word no line holds: every one of the 96,000 lines is read.
      found = await h.tickets.ticketLogs(ticketId, { text: "zebra", limit: 50 });
    } finally {
      clearInterval(timer);
    }
    assert.deepEqual(found.items, []);
    assert.ok(turns > 0, "timers ran while the window was scanned");
    await h.settled();
  } finally {
    await environment.close();
    await Deno.remove(path, { recursive: true });
  }
});
