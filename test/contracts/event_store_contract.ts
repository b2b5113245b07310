import { contractTest } from "./fixture.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import {
  ConcurrencyError,
  type EventStore,
  InvalidEventError,
  type Preencoded,
  SHREDDED,
  type StoredEvent,
} from "../../ports/event_store.ts";

/** Opens a fresh, empty store; `reopen` gives the same store after a close. */
export interface EventStoreFixture {
  /** False for a store that keeps events in the clear and refuses to forget. */
  readonly forgets?: boolean;
  open(): Promise<
    { store: EventStore; reopen?: () => Promise<EventStore>; cleanup(): Promise<void> }
  >;
}

/** The behaviour every EventStore adapter must show. */
export function eventStoreContract(adapter: string, fixture: EventStoreFixture): void {
  const test = contractTest(`${adapter} event store`, () => fixture.open(), (o) => o.store);

  test("starts empty", async (store) => {
    assert.equal(store.headPosition(), 0);
    assert.deepEqual(await store.readAll(0, 10), []);
    assert.equal(await store.streamVersion("ticket-1"), 0);
  });

  test("gives dense global positions and per-stream versions", async (store) => {
    const first = await store.append("a", [{ type: "Opened", data: { n: 1 } }, {
      type: "Closed",
      data: {},
    }], {
      expectedVersion: 0,
    });
    const second = await store.append("b", [{ type: "Opened", data: { n: 2 } }], {
      expectedVersion: "any",
    });
    assert.deepEqual(first, { firstPosition: 1, position: 2, streamVersion: 2, duplicate: false });
    assert.deepEqual(second, { firstPosition: 3, position: 3, streamVersion: 1, duplicate: false });
    const all = await store.readAll(0, 100);
    assert.deepEqual(all.map((e) => [e.position, e.stream, e.streamVersion, e.type]), [
      [1, "a", 1, "Opened"],
      [2, "a", 2, "Closed"],
      [3, "b", 1, "Opened"],
    ]);
    assert.deepEqual((await store.readStream("a")).map((e) => e.data), [{ n: 1 }, {}]);
    assert.deepEqual((await store.readStream("a", 1)).map((e) => e.type), ["Closed"]);
    assert.equal(store.headPosition(), 3);
    assert.equal(new Set(all.map((e) => e.id)).size, 3);
  });

  test("reads forward from a position with a limit", async (store) => {
    for (let i = 0; i < 10; i++) {
      await store.append("s", [{ type: "Counted", data: { i } }], { expectedVersion: i });
    }
    const page = await store.readAll(4, 3);
    assert.deepEqual(page.map((e) => e.position), [5, 6, 7]);
    assert.deepEqual(await store.readAll(10, 5), []);
  });

  test("refuses an append at the wrong expected version and writes nothing", async (store) => {
    await store.append("t", [{ type: "Opened", data: {} }], { expectedVersion: 0 });
    await assert.rejects(
      store.append("t", [{ type: "Commented", data: {} }], { expectedVersion: 0 }),
      (error: unknown) => error instanceof ConcurrencyError && error.actual === 1,
    );
    assert.equal(store.headPosition(), 1);
    assert.equal(await store.streamVersion("t"), 1);
  });

  test("writes a retried append with the same idempotency key once", async (store) => {
    const first = await store.append("logs", [{ type: "Ingested", data: { n: 1 } }], {
      expectedVersion: "any",
      idempotencyKey: "req-1",
    });
    const retry = await store.append("logs", [{ type: "Ingested", data: { n: 1 } }], {
      expectedVersion: "any",
      idempotencyKey: "req-1",
    });
    assert.equal(retry.duplicate, true);
    assert.equal(retry.position, first.position);
    assert.deepEqual(await store.findAppend("logs", "req-1"), { ...first, duplicate: true });
    assert.equal(await store.findAppend("other", "req-1"), undefined);
    assert.equal((await store.readAll(0, 10)).length, 1);
  });

  test("refuses events without a type or an empty batch", async (store) => {
    await assert.rejects(store.append("s", [], { expectedVersion: "any" }), InvalidEventError);
    await assert.rejects(
      store.append("s", [{ type: "", data: {} }], { expectedVersion: "any" }),
      InvalidEventError,
    );
    assert.equal(store.headPosition(), 0);
  });

  test("tells listeners about each durable append", async (store) => {
    const heads: number[] = [];
    const seen: StoredEvent[] = [];
    const stop = store.onAppend((head, appended) => {
      heads.push(head);
      seen.push(...appended);
    });
    await store.append("s", [{ type: "A", data: {} }, { type: "B", data: {} }], {
      expectedVersion: "any",
    });
    stop();
    await store.append("s", [{ type: "C", data: {} }], { expectedVersion: "any" });
    assert.deepEqual(heads, [2]);
    assert.deepEqual(seen, await store.readAll(0, 2), "listeners see exactly what was stored");
  });

  test("reads a preencoded field back, and shows it to listeners, decoded", async (store) => {
    const value = { records: [{ message: "card declined" }], note: "é" };
    const bytes = new TextEncoder().encode(JSON.stringify(value));
    const preencoded: Preencoded = {
      // A format no store keeps as it is: each falls back to decode().
      preencoded: "test.json",
      bytes,
      decode: () => JSON.parse(new TextDecoder().decode(bytes)),
    };
    const seen: StoredEvent[] = [];
    const stop = store.onAppend((_head, appended) => seen.push(...appended));
    await store.append("s", [{ type: "A", data: { id: 1, value: preencoded } }], {
      expectedVersion: "any",
    });
    stop();
    const [stored] = await store.readAll(0, 1);
    assert.deepEqual(stored?.data, { id: 1, value });
    assert.deepEqual(seen.map((event) => event.data), [{ id: 1, value }]);
  });

  test("serializes concurrent appends to one stream: exactly one wins per version", async (store) => {
    const attempts = await Promise.allSettled(
      Array.from(
        { length: 8 },
        (_, i) => store.append("race", [{ type: "Tried", data: { i } }], { expectedVersion: 0 }),
      ),
    );
    assert.equal(attempts.filter((a) => a.status === "fulfilled").length, 1);
    assert.ok(
      attempts.filter((a) => a.status === "rejected").every((a) =>
        a.reason instanceof ConcurrencyError
      ),
    );
    assert.equal(await store.streamVersion("race"), 1);
  });

  test("round-trips any JSON-safe event data", async (store) => {
    // `__proto__` keys are outside the contract (see EventStore): the msgpack
    // decoder renames them so that no stored value can set a prototype.
    const json = fc.jsonValue({ noUnicodeString: false })
      .filter((value) => !JSON.stringify(value).includes('"__proto__"'))
      .map((value) => JSON.parse(JSON.stringify(value)));
    let expected = 0;
    await fc.assert(
      fc.asyncProperty(json, async (data) => {
        const result = await store.append("json", [{ type: "Anything", data }], {
          expectedVersion: expected,
        });
        expected = result.streamVersion;
        const [stored] = await store.readAll(result.position - 1, 1);
        assert.deepEqual(stored?.data, data);
      }),
      { numRuns: 60 },
    );
  });

  test("keeps every acknowledged event across a reopen", async (store, reopen) => {
    if (reopen === undefined) return;
    await store.append("s", [{ type: "A", data: { x: 1 } }], { expectedVersion: 0 });
    await store.append("s", [{ type: "B", data: { x: 2 } }], {
      expectedVersion: 1,
      idempotencyKey: "k",
    });
    const again = await reopen();
    assert.equal(again.headPosition(), 2);
    assert.deepEqual((await again.readAll(0, 10)).map((e) => e.data), [{ x: 1 }, { x: 2 }]);
    const retried = await again.append("s", [{ type: "B", data: { x: 2 } }], {
      expectedVersion: 1,
      idempotencyKey: "k",
    });
    assert.equal(retried.duplicate, true);
    assert.equal(await again.streamVersion("s"), 2);
  });

  if (fixture.forgets === false) return;

  const DAY = 86_400_000;
  const batch = (customer: string | undefined, day: number, message: string) => ({
    type: "LogBatchIngested",
    data: {
      batchId: `b-${customer}-${day}`,
      source: "test",
      format: "jsonl",
      context: customer === undefined ? {} : { customer, environment: "prod" },
      receivedAt: day * DAY,
      records: [{ timestamp: day * DAY + 1_000, message, signatureId: "s1" }],
      quarantined: [],
    },
  });
  const discovered = (template: string) => ({
    type: "SignatureDiscovered",
    data: { signatureId: "s1", template, state: {} },
  });
  const opened = (customer: string, day: number) => ({
    type: "TicketOpened",
    data: {
      ticketId: "t1",
      customer,
      subject: "acme secret subject",
      openedAt: day * DAY,
      at: day * DAY,
    },
  });

  test(
    "forgetting a customer makes their events unreadable, and nobody else's",
    async (store, reopen) => {
      await store.append("ingest", [discovered("acme template"), batch("acme", 100, "acme line")], {
        expectedVersion: "any",
      });
      await store.append("ingest", [batch("globex", 100, "globex line")], {
        expectedVersion: "any",
      });
      await store.append("ingest", [batch(undefined, 100, "shared line")], {
        expectedVersion: "any",
      });
      await store.append("ticket-t1", [opened("acme", 90)], { expectedVersion: 0 });
      await store.append("ticket-t1", [{ type: "TicketCommented", data: { body: "acme reply" } }], {
        expectedVersion: 1,
      });
      await store.append("customers", [{
        type: "CustomerRegistered",
        data: { customer: { customerId: "acme", name: "Acme Corp" }, at: 0, by: null },
      }], { expectedVersion: "any" });
      assert.deepEqual(await store.keyOwners!(), ["acme", "globex"]);

      const result = await store.shred!({ customer: "acme" });
      assert.ok(result.keysDeleted >= 3, `deleted ${result.keysDeleted} keys`);
      const current = reopen === undefined ? store : await reopen();
      const all = await current.readAll(0, 100);
      assert.equal(all.length, 7);
      const unreadable = all.filter((e) => e.unreadable !== undefined).map((e) => e.position);
      assert.deepEqual(unreadable, [1, 2, 5, 6, 7]);
      for (const event of all.filter((e) => e.unreadable !== undefined)) {
        assert.equal(event.unreadable, SHREDDED);
        assert.equal(event.data, null);
      }
      assert.equal(JSON.stringify(all).includes("acme line"), false);
      assert.equal(JSON.stringify(all).includes("Acme Corp"), false);
      assert.deepEqual(
        all.filter((e) => e.unreadable === undefined).map((e) => e.type),
        ["LogBatchIngested", "LogBatchIngested"],
      );
      assert.deepEqual(
        (await current.readStream("ticket-t1")).map((e) => [e.type, e.unreadable]),
        [["TicketOpened", SHREDDED], ["TicketCommented", SHREDDED]],
      );
      assert.deepEqual(await current.keyOwners!(), ["globex"]);
      // The stream goes on: a later append is not refused.
      await current.append("ingest", [batch("globex", 101, "later")], { expectedVersion: "any" });
      assert.equal(current.headPosition(), 8);
    },
  );

  test("retention drops a customer's periods before a day and keeps the rest", async (store) => {
    await store.append("ingest", [discovered("acme template"), batch("acme", 100, "old line")], {
      expectedVersion: "any",
    });
    await store.append("ingest", [batch("acme", 200, "new line")], { expectedVersion: "any" });
    await store.append("ingest", [batch("globex", 100, "globex old line")], {
      expectedVersion: "any",
    });
    await store.append("ticket-t1", [opened("acme", 120)], { expectedVersion: 0 });
    await store.append("ticket-t1", [{ type: "TicketCommented", data: { at: 210 * DAY } }], {
      expectedVersion: 1,
    });
    await store.shred!({ customer: "acme", beforeDay: 150 });
    const all = await store.readAll(0, 100);
    assert.deepEqual(
      all.map((e) => [e.type, e.unreadable === undefined]),
      [
        // The miner's template is kept until the customer is forgotten.
        ["SignatureDiscovered", true],
        ["LogBatchIngested", false],
        ["LogBatchIngested", true],
        ["LogBatchIngested", true],
        // A ticket expires whole, by the day it was opened.
        ["TicketOpened", false],
        ["TicketCommented", false],
      ],
    );
  });

  test("a batch split by customer: each part, and what the miner learned from it, goes with its own customer", async (store) => {
    if (fixture.forgets === false) return;
    const attributed = (customer: string, message: string) => {
      const event = batch("cluster-1", 10, message);
      return { ...event, data: { ...event.data, customer } };
    };
    await store.append("ingest", [
      discovered("template of tenant a"),
      attributed("tenant-a", "line of tenant a"),
      discovered("template of tenant b"),
      attributed("tenant-b", "line of tenant b"),
    ], { expectedVersion: "any" });
    await store.shred!({ customer: "tenant-a" });
    const all = await store.readAll(0, 10);
    assert.deepEqual(all.map((e) => e.unreadable === undefined), [false, false, true, true]);
    assert.match(JSON.stringify(all.map((e) => e.data)), /line of tenant b/);
  });

  test("a batch that states its origin is sealed under the origin's keys, which a customer's shred takes along, and counts once", async (store) => {
    if (fixture.forgets === false) return;
    const fromOrigin = (tenant: string, message: string) => {
      const event = batch("cluster-1", 10, message);
      const origin = { owner: "cluster-1", environment: "prod", tenant };
      // Attributed on arrival to the cluster: the tenant was not registered yet.
      return { ...event, data: { ...event.data, customer: "cluster-1", origin } };
    };
    await store.append("ingest", [
      discovered("template of tenant a"),
      fromOrigin("tenant-a", "line of tenant a"),
      fromOrigin("tenant-b", "line of tenant b"),
      fromOrigin("", "line of the cluster"),
    ], { expectedVersion: "any" });
    const owners = await store.keyOwners!();
    assert.equal(owners.includes("cluster-1"), false);
    assert.equal(owners.length, 3);
    const tenantA = owners.filter((o) => o.includes("tenant-a"));
    const before = store.shreds?.() ?? 0;
    const { keysDeleted } = await store.shred!({ customer: "tenant-a-customer", origins: tenantA });
    assert.equal(keysDeleted, 2);
    assert.equal(store.shreds?.() ?? 1, before + 1);
    const all = await store.readAll(0, 10);
    assert.deepEqual(all.map((e) => e.unreadable === undefined), [false, false, true, true]);
    assert.equal(JSON.stringify(all).includes("tenant a"), false);
  });

  test("an event about several customers opens while every one of them is kept, and goes with any", async (store) => {
    if (fixture.forgets === false) return;
    const note = (customers: string[], body: string) => ({
      type: "DeliveryQueued",
      data: { deliveryId: body, customers, action: { kind: "note", body } },
    });
    await store.append("outbox", [note(["acme", "globex"], "both"), note(["acme"], "acme only")], {
      expectedVersion: "any",
    });
    await store.append("outbox", [note(["initech", "globex"], "initech and globex")], {
      expectedVersion: "any",
    });
    assert.deepEqual(
      (await store.readAll(0, 10)).map((e) => e.unreadable === undefined),
      [true, true, true],
    );
    assert.ok((await store.keyOwners!()).includes("globex"));
    await store.shred!({ customer: "globex" });
    const after = await store.readAll(0, 10);
    assert.deepEqual(after.map((e) => e.unreadable === undefined), [false, true, false]);
    assert.equal((after[1]!.data as { deliveryId: string }).deliveryId, "acme only");
  });

  test("property: after shredding some customers, exactly their events are unreadable", async (store) => {
    let run = 0;
    await fc.assert(
      fc.asyncProperty(
        fc.array(
          fc.record({
            customer: fc.constantFrom<string | undefined>(undefined, "a", "b", "c", "d"),
            day: fc.integer({ min: 0, max: 30 }),
          }, { noNullPrototype: true }),
          { minLength: 1, maxLength: 6 },
        ),
        fc.subarray(["a", "b", "c", "d"]),
        fc.boolean(),
        async (batches, forgotten, oneAppend) => {
          // Customers of this run only: the store keeps every run's events.
          const name = (customer: string) => `run${run}-${customer}`;
          run++;
          // Whose key seals an event: its own customer's; in one append, an
          // event naming none takes the customer the next event naming one
          // names (what the miner learned goes before its batch), else the
          // last one before it.
          const appended: {
            customer: string | undefined;
            sealedFor: string | undefined;
            position: number;
          }[] = [];
          const sharedOwner = (i: number) =>
            batches.slice(i).find((b) => b.customer !== undefined)?.customer ??
              batches.slice(0, i).findLast((b) => b.customer !== undefined)?.customer;
          const events = batches.map(({ customer, day }) => {
            const owner = customer === undefined ? undefined : name(customer);
            return batch(owner, day, `line of ${owner}`);
          });
          if (oneAppend) {
            // Several owners in one append: their keys are made together.
            const result = await store.append("ingest", events, { expectedVersion: "any" });
            batches.forEach(({ customer }, i) =>
              appended.push({
                customer,
                sealedFor: customer ?? sharedOwner(i),
                position: result.firstPosition + i,
              })
            );
          } else {
            for (const [i, event] of events.entries()) {
              const result = await store.append("ingest", [event], { expectedVersion: "any" });
              const customer = batches[i]!.customer;
              appended.push({ customer, sealedFor: customer, position: result.position });
            }
          }
          for (const customer of forgotten) await store.shred!({ customer: name(customer) });
          for (const { customer, sealedFor, position } of appended) {
            const [event] = await store.readAll(position - 1, 1);
            const gone = sealedFor !== undefined && forgotten.includes(sealedFor);
            assert.equal(event!.unreadable !== undefined, gone, `position ${position}`);
            if (!gone) {
              const data = event!.data as { records: { message: string }[] };
              const owner = customer === undefined ? undefined : name(customer);
              assert.equal(data.records[0]!.message, `line of ${owner}`);
            }
          }
        },
      ),
      { numRuns: 15 },
    );
  });
}
