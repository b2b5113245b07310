import assert from "node:assert/strict";
import { fileLogSource } from "../../adapters/log_sources/file_source.ts";
import { encodedFileBatches } from "../../adapters/log_sources/parallel_file_source.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import type { AppendOptions, EventStore, NewEvent } from "../../ports/event_store.ts";
import { memoryLoupe, requestOf } from "../../test/support/app.ts";

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

Deno.test("given the same files, an import encoded on parsing workers stores exactly what plain ingest stores", async () => {
  const options = {
    context: { customer: "beacon-furniture" },
    referenceTime: 1_800_000_000_000,
  } as const;
  const plain = await memoryLoupe();
  for await (
    const batch of fileLogSource("fixtures/scenario/logs/beacon-furniture", options).batches(50)
  ) {
    await plain.loupe.ingest(batch);
  }
  const encoded = await memoryLoupe();
  for await (
    const batch of encodedFileBatches("fixtures/scenario/logs/beacon-furniture", options, 50)
  ) {
    await encoded.loupe.ingest(batch);
  }
  // Event ids are the store's own, random.
  const eventsOf = async (store: EventStore) =>
    (await store.readAll(0, 100_000)).map(({ id: _, ...event }) => event);
  const plainEvents = await eventsOf(plain.store);
  assert.ok(plainEvents.length > 10);
  assert.deepEqual(await eventsOf(encoded.store), plainEvents);
  assert.deepEqual(
    encoded.loupe.listSignatures({ limit: 1000, offset: 0 }),
    plain.loupe.listSignatures({ limit: 1000, offset: 0 }),
  );
});
