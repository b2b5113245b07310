import { projectionStoreContract } from "../../test/contracts/projection_store_contract.ts";
import { openLmdb } from "./lmdb_env.ts";
import { LmdbProjectionStore } from "./projection_store.ts";

projectionStoreContract("lmdb", {
  open: async () => {
    const path = await Deno.makeTempDir({ prefix: "loupe-projections-" });
    let environment = openLmdb(path);
    return {
      store: new LmdbProjectionStore(environment),
      reopen: async () => {
        await environment.close();
        environment = openLmdb(path);
        return new LmdbProjectionStore(environment);
      },
      cleanup: async () => {
        await environment.close();
        await Deno.remove(path, { recursive: true });
      },
    };
  },
});
