import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { tokenStoreContract } from "../../test/contracts/token_store_contract.ts";

const clock = { now: () => 1_800_000_000_000 };

tokenStoreContract("memory", {
  open: () => {
    const store = new MemoryEventStore({ clock });
    return Promise.resolve({
      store,
      reopen: () => Promise.resolve(store),
      cleanup: () => Promise.resolve(),
    });
  },
});

tokenStoreContract("lmdb", {
  open: async () => {
    const path = await Deno.makeTempDir({ prefix: "loupe-tokens-" });
    let environment = openLmdb(path);
    return {
      store: new LmdbEventStore(environment, { clock }),
      reopen: async () => {
        await environment.close();
        environment = openLmdb(path);
        return new LmdbEventStore(environment, { clock });
      },
      cleanup: async () => {
        await environment.close();
        await Deno.remove(path, { recursive: true });
      },
    };
  },
});
