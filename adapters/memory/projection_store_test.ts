import { projectionStoreContract } from "../../test/contracts/projection_store_contract.ts";
import { MemoryProjectionStore } from "./projection_store.ts";

projectionStoreContract("memory", {
  open: () =>
    Promise.resolve({ store: new MemoryProjectionStore(), cleanup: () => Promise.resolve() }),
});
