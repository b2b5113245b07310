import assert from "node:assert/strict";
import { RemoteError, type TicketingSystem } from "../../ports/ticketing.ts";
import { type Chaos, limitRate } from "../ticketing/chaos.ts";

/** A TicketingSystem on its fake remote, with one ticket (or issue) to write to. */
export interface TicketingFixture {
  open(): Promise<{
    system: TicketingSystem;
    /** A ticket or issue that exists on the remote. */
    target: string;
    /** Notes on the remote whose text contains `text`, as the remote keeps them. */
    notes(target: string, text: string): Promise<number>;
    chaos: Chaos;
    close(): Promise<void>;
  }>;
}

/** The behaviour every TicketingSystem adapter must show. */
export function ticketingContract(adapter: string, fixture: TicketingFixture) {
  const test = (
    name: string,
    body: (f: Awaited<ReturnType<TicketingFixture["open"]>>) => Promise<void>,
  ) =>
    Deno.test(`${adapter} ticketing: ${name}`, async () => {
      const opened = await fixture.open();
      try {
        await body(opened);
      } finally {
        await opened.close();
      }
    });

  const note = (target: string, marker: string, body = "Loupe linked this ticket") => ({
    kind: "note" as const,
    target,
    body,
    marker,
    tags: ["loupe_issue_i1"],
  });

  test("a note reaches the remote", async ({ system, target, notes }) => {
    await system.deliver(note(target, "m-1", "Issue i1 hits 3 customers"));
    assert.equal(await notes(target, "Issue i1 hits 3 customers"), 1);
  });

  test("the same note delivered twice is one note", async ({ system, target, notes }) => {
    await system.deliver(note(target, "m-2"));
    await system.deliver(note(target, "m-2"));
    assert.equal(await notes(target, "[loupe:m-2]"), 1);
    await system.deliver(note(target, "m-3"));
    assert.equal(await notes(target, "[loupe:m-3]"), 1);
  });

  test("429 is retryable and says how long to wait", async ({ system, target, chaos }) => {
    chaos.queue.push({ status: 429, retryAfterSeconds: 7 });
    const error = await system.deliver(note(target, "m-4")).then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError, String(error));
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, 7000);
  });

  test("a 429 without Retry-After is retryable with no wait given", async (f) => {
    f.chaos.queue.push({ status: 429 });
    const error = await f.system.deliver(note(f.target, "m-5")).then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError);
    assert.equal(error.retryable, true);
    assert.equal(error.retryAfterMs, null);
  });

  test("5xx is retryable, and a retry afterwards delivers once", async (f) => {
    f.chaos.queue.push({ status: 503 });
    const error = await f.system.deliver(note(f.target, "m-6")).then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError && error.retryable);
    await f.system.deliver(note(f.target, "m-6"));
    assert.equal(await f.notes(f.target, "[loupe:m-6]"), 1);
  });

  test("a 4xx refusal is not retryable", async (f) => {
    f.chaos.queue.push({ status: 400 });
    const error = await f.system.deliver(note(f.target, "m-7")).then(() => null, (e) => e);
    assert.ok(error instanceof RemoteError);
    assert.equal(error.retryable, false);
    assert.equal(await f.notes(f.target, "[loupe:m-7]"), 0);
  });

  test("a spent rate limit is said, and no call reaches the remote before its reset", async (f) => {
    limitRate(f.chaos, 5, 1_500);
    let said: number | null = null;
    for (let i = 0; i < 5 && said === null; i++) {
      const result = await f.system.deliver(note(f.target, `q-${i}`)).then(
        (r) => r.quotaWaitMs ?? null,
        (e) => e instanceof RemoteError && e.status === 429 ? e.quotaWaitMs : Promise.reject(e),
      );
      said = result;
    }
    assert.ok(said !== null && said > 0 && said <= 2_000, `the wait until the reset: ${said}`);
    const before = f.chaos.requests;
    const held = await f.system.deliver(note(f.target, "q-held")).then(() => null, (e) => e);
    assert.ok(held instanceof RemoteError, String(held));
    assert.equal(held.status, 429);
    assert.equal(held.retryable, true);
    assert.ok(held.retryAfterMs !== null && held.retryAfterMs > 0);
    assert.equal(f.chaos.requests, before, "held back: no call made");
    await new Promise((resolve) => setTimeout(resolve, held.retryAfterMs ?? 0));
    await f.system.deliver(note(f.target, "q-held"));
    assert.equal(await f.notes(f.target, "[loupe:q-held]"), 1);
    assert.equal(f.chaos.rateLimited, 0, "the remote never had to refuse");
  });

  test("a slow answer is still one delivery", async (f) => {
    f.chaos.delayMs = 300;
    await f.system.deliver(note(f.target, "m-8"));
    f.chaos.delayMs = 0;
    assert.equal(await f.notes(f.target, "[loupe:m-8]"), 1);
  });
}
