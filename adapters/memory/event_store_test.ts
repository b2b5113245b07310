import { eventStoreContract } from "../../test/contracts/event_store_contract.ts";
import { MemoryEventStore } from "./event_store.ts";

eventStoreContract("memory", {
  open: () => Promise.resolve({ store: new MemoryEventStore(), cleanup: () => Promise.resolve() }),
});
