import assert from "node:assert/strict";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import type { Projection } from "../projections/projection.ts";
import { Projector } from "./projector.ts";

/** Counts events per type; layout 1 keys by type, layout 2 by type and parity of position. */
function counter(name: string, key: (type: string, position: number) => (string | number)[]) {
  return {
    name,
    tables: ["counts"],
    apply(events, tx) {
      for (const event of events) {
        const at = key(event.type, event.position);
        tx.put("counts", at, (tx.get<number>("counts", at) ?? 0) + 1);
      }
    },
  } satisfies Projection;
}

Deno.test("projector: a projection under a new name is rebuilt over emptied tables, not added to the old layout's rows", async () => {
  const store = new MemoryEventStore();
  const projections = new MemoryProjectionStore();
  const events = ["A", "B", "A"].map((type) => ({ type, data: {} }));
  await store.append("s", events, { expectedVersion: "any" });
  await new Projector(store, projections, [counter("counts@1", (type) => [type])]).catchUp();
  assert.deepEqual(
    [...projections.range("counts")].map(({ key, value }) => [key, value]),
    [[["A"], 2], [["B"], 1]],
  );

  const relaid = counter("counts@2", (type, position) => [type, position % 2]);
  await new Projector(store, projections, [relaid]).catchUp();
  assert.deepEqual(
    [...projections.range("counts")].map(({ key, value }) => [key, value]),
    [[["A", 1], 2], [["B", 0], 1]],
  );
  assert.equal(projections.checkpoint("counts@2"), 3);
});
