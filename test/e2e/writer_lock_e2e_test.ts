import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

Deno.test("a second writer is refused while the service runs, and welcome after it stops or dies", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-writer-" });
  let server = await startServer(dataDir);
  try {
    const refused = await runEntry("replay", ["--data", dataDir]);
    assert.notEqual(refused.code, 0);
    assert.match(
      refused.stderr,
      new RegExp(`Cannot open store at ${dataDir}: process \\d+ is writing to it`),
    );
    await server.kill();
    const afterKill = await runEntry("replay", ["--data", dataDir]);
    assert.equal(afterKill.code, 0, afterKill.stderr);
    server = await startServer(dataDir);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
