import assert from "node:assert/strict";
import { dataDirOf } from "../../adapters/cli/config.ts";
import { storeOpenFailure } from "./cli.ts";

const SERVE = { cannot: "start Loupe", again: "start again" };
const REPLAY = { cannot: "replay", again: "run it again" };

Deno.test("a store that cannot be opened is said in one sentence, with the task's own words", () => {
  const denied = new Error("EACCES: permission denied, open '/srv/data/data.mdb'\n    at open");
  assert.equal(
    storeOpenFailure("/srv/data", denied, SERVE),
    "Cannot start Loupe: the data directory /srv/data cannot be written (EACCES: permission denied, open '/srv/data/data.mdb'); give this user write access or pass --data with a writable directory.",
  );
  assert.equal(
    storeOpenFailure("/srv/data", new Error("ENOSPC: No space left on device"), REPLAY),
    "Cannot replay: the disk holding /srv/data is full; free some space and run it again.",
  );
  assert.equal(
    storeOpenFailure("d", new Error("MDB_INVALID: File is not an LMDB file\nstack"), REPLAY),
    "Cannot replay: MDB_INVALID: File is not an LMDB file",
  );
});

Deno.test("--data wins over LOUPE_DATA_DIR, which wins over ./data", () => {
  assert.equal(dataDirOf("/a", { LOUPE_DATA_DIR: "/b" }), "/a");
  assert.equal(dataDirOf(undefined, { LOUPE_DATA_DIR: "/b" }), "/b");
  assert.equal(dataDirOf(undefined, {}), "./data");
});
