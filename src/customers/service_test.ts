import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { customerDirectoryContract } from "../../test/contracts/customer_directory_contract.ts";
import { Loupe } from "../app/loupe.ts";
import { CustomerService } from "./service.ts";

async function directoryOver(store: EventStore, projections: ProjectionStore) {
  const clock = { now: () => 1_800_000_000_000 };
  let id = 0;
  const loupe = await Loupe.start({
    store,
    projectionStore: projections,
    clock,
    newId: () => `id${++id}`,
  });
  return new CustomerService({
    store,
    projections,
    attribution: loupe.attribution,
    clock,
    settled: () => loupe.settled(),
  });
}

customerDirectoryContract("event-sourced on memory", {
  open: async () => ({
    directory: await directoryOver(new MemoryEventStore(), new MemoryProjectionStore()),
    cleanup: () => Promise.resolve(),
  }),
});

customerDirectoryContract("event-sourced on lmdb", {
  open: async () => {
    const path = await Deno.makeTempDir({ prefix: "loupe-customers-" });
    let environment = openLmdb(path);
    const open = () =>
      directoryOver(new LmdbEventStore(environment), new LmdbProjectionStore(environment));
    return {
      directory: await open(),
      reopen: async () => {
        await environment.close();
        environment = openLmdb(path);
        return await open();
      },
      cleanup: async () => {
        await environment.close();
        await Deno.remove(path, { recursive: true });
      },
    };
  },
});
