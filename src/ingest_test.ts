import assert from "node:assert/strict";
import { MemoryEventStore } from "../adapters/memory/event_store.ts";
import type { AppendOptions, NewEvent } from "../ports/event_store.ts";
import { memoryLoupe, requestOf } from "../test/support/app.ts";

/** A store whose next append fails once, as a full disk would. */
class FailingOnceStore extends MemoryEventStore {
  failNext = false;
  override append(stream: string, events: readonly NewEvent[], options: AppendOptions) {
    if (this.failNext) {
      this.failNext = false;
      return Promise.reject(new Error("Cannot write: no space left on device"));
    }
    return super.append(stream, events, options);
  }
}

Deno.test("given a failed append, the miner forgets what it learned from it and rediscovers it", async () => {
  const store = new FailingOnceStore();
  const { loupe } = await memoryLoupe(store);
  await loupe.ingest(requestOf([{ message: "User 1 logged in" }, { message: "User 2 logged in" }]));

  store.failNext = true;
  await assert.rejects(
    loupe.ingest(requestOf([{ message: "Disk /dev/sda1 is 91% full" }])),
    /no space left/,
  );

  await loupe.ingest(requestOf([{ message: "Disk /dev/sdb2 is 97% full" }]));
  const types = (await store.readAll(0, 100)).map((e) => e.type);
  assert.equal(types.filter((t) => t === "SignatureDiscovered").length, 2, types.join(","));
  const templates = loupe.listSignatures({ limit: 10, offset: 0 }).items.map((
    s,
  ) => [s.template, s.count]);
  assert.deepEqual(templates.sort(), [["Disk <*> is <*> full", 1], ["User <*> logged in", 2]]);
});

Deno.test("given the same idempotency key twice in a row, the second is a duplicate and stores nothing", async () => {
  const store = new MemoryEventStore();
  const { loupe } = await memoryLoupe(store);
  const request = {
    ...requestOf([{ message: "Export 7 finished in 12 s" }]),
    idempotencyKey: "k-1",
  };
  const [first, second] = await Promise.all([loupe.ingest(request), loupe.ingest(request)]);
  assert.equal(first.duplicate, false);
  assert.equal(second.duplicate, true);
  assert.equal(second.position, first.position);
  assert.equal(loupe.status().recordsIngested, 1);
});
