import { eventStoreContract } from "../../test/contracts/event_store_contract.ts";
import { LmdbEventStore } from "./event_store.ts";
import { LmdbKeyStore } from "./key_store.ts";
import { openLmdb } from "./lmdb_env.ts";

eventStoreContract("lmdb", {
  open: async () => {
    const path = await Deno.makeTempDir({ prefix: "loupe-events-" });
    const openStore = () =>
      new LmdbEventStore(openLmdb(path), { keys: LmdbKeyStore.open(`${path}/keys`) });
    let current = openStore();
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = openStore();
        return current;
      },
      cleanup: async () => {
        await current.close();
        await Deno.remove(path, { recursive: true });
      },
    };
  },
});

eventStoreContract("lmdb without encryption", {
  forgets: false,
  open: async () => {
    const path = await Deno.makeTempDir({ prefix: "loupe-events-" });
    let current = new LmdbEventStore(openLmdb(path));
    return {
      store: current,
      reopen: async () => {
        await current.close();
        current = new LmdbEventStore(openLmdb(path));
        return current;
      },
      cleanup: async () => {
        await current.close();
        await Deno.remove(path, { recursive: true });
      },
    };
  },
});
