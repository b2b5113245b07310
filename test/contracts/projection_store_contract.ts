import { contractTest } from "./fixture.ts";
import assert from "node:assert/strict";
import fc from "fast-check";
import { compareKeys, type Key, type ProjectionStore } from "../../ports/projection_store.ts";

export interface ProjectionStoreFixture {
  open(): Promise<
    { store: ProjectionStore; reopen?: () => Promise<ProjectionStore>; cleanup(): Promise<void> }
  >;
}

/** The behaviour every ProjectionStore adapter must show. */
export function projectionStoreContract(adapter: string, fixture: ProjectionStoreFixture): void {
  const test = contractTest(`${adapter} projection store`, () => fixture.open(), (o) => o.store);

  test("commits data and checkpoint together", async (store, reopen) => {
    assert.equal(store.checkpoint("sig"), 0);
    await store.commit("sig", 42, (tx) => {
      tx.put("counts", ["s1", "acme"], { n: 3 });
      assert.deepEqual(
        tx.get("counts", ["s1", "acme"]),
        { n: 3 },
        "a transaction reads its own writes",
      );
    });
    assert.equal(store.checkpoint("sig"), 42);
    assert.deepEqual(store.get("counts", ["s1", "acme"]), { n: 3 });
    if (reopen) {
      const again = await reopen();
      assert.equal(again.checkpoint("sig"), 42);
      assert.deepEqual(again.get("counts", ["s1", "acme"]), { n: 3 });
    }
  });

  test("ranges by prefix without leaking into longer neighbours", async (store) => {
    await store.commit("p", 1, (tx) => {
      for (
        const key of [["t1", 1], ["t1", 2], ["t10", 1], ["t1", "x"], ["t2", 0], ["t1"]] as Key[]
      ) {
        tx.put("t", key, key.join("/"));
      }
    });
    const keys = [...store.range("t", { prefix: ["t1"] })].map((e) => e.key);
    assert.deepEqual(keys, [["t1"], ["t1", 1], ["t1", 2], ["t1", "x"]]);
    assert.equal(store.count("t", ["t1"]), 4);
    assert.equal(store.count("t"), 6);
    const reversed = [...store.range("t", { prefix: ["t1"], reverse: true, limit: 2 })].map((e) =>
      e.key
    );
    assert.deepEqual(reversed, [["t1", "x"], ["t1", 2]]);
    const paged = [...store.range("t", { prefix: ["t1"], offset: 1, limit: 2 })].map((e) => e.key);
    assert.deepEqual(paged, [["t1", 1], ["t1", 2]]);
    const bounded = [...store.range("t", { prefix: ["t1"], start: ["t1", 2], end: ["t1", "x"] })]
      .map((e) => e.key);
    assert.deepEqual(bounded, [["t1", 2]]);
  });

  test("removes keys and resets a projection", async (store) => {
    await store.commit("p", 5, (tx) => {
      tx.put("a", ["k", 1], 1);
      tx.put("a", ["k", 2], 2);
      tx.remove("a", ["k", 1]);
    });
    assert.equal(store.get("a", ["k", 1]), undefined);
    assert.equal(store.count("a"), 1);
    await store.reset("p", ["a"]);
    assert.equal(store.count("a"), 0);
    assert.equal(store.checkpoint("p"), 0);
  });

  test("orders keys as compareKeys says", async (store) => {
    const part = fc.oneof(
      fc.integer({ min: -1e6, max: 1e6 }),
      fc.string({ maxLength: 6, unit: "grapheme-ascii" }),
    );
    const keys = fc.uniqueArray(fc.array(part, { minLength: 1, maxLength: 3 }), {
      maxLength: 30,
      selector: (key) => JSON.stringify(key),
    });
    let round = 0;
    await fc.assert(
      fc.asyncProperty(keys, async (generated) => {
        const table = `order${round++}`;
        await store.commit("order", round, (tx) => {
          for (const key of generated) tx.put(table, key, 1);
        });
        const stored = [...store.range(table)].map((e) => e.key);
        assert.deepEqual(stored, [...generated].sort(compareKeys));
      }),
      { numRuns: 40 },
    );
  });
}
