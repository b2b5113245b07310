/**
 * Issue 25: hostile bodies, headers and parameters at every write endpoint of
 * a real server. No 5xx, every error in the documented shape, /healthz
 * answering throughout, every read endpoint 200 afterwards. The 100 ms
 * /healthz target and 10,000 cases are in `deno task bench fuzz`.
 */
import assert from "node:assert/strict";
import { runFuzz, seedTargets } from "../support/fuzz.ts";
import { startServer } from "../support/server.ts";

const CASES = 300;

Deno.test(`${CASES} hostile requests at every write endpoint: no 5xx, one error shape, reads still answer`, async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-fuzz-" });
  const server = await startServer(dataDir);
  try {
    const targets = await seedTargets(server.url);
    const report = await runFuzz(server.url, targets, CASES);
    assert.equal(report.cases, CASES);
    assert.deepEqual(report.failures, []);
    assert.equal(report.healthFailures, 0);
    assert.ok(report.healthProbes > 0);
    assert.deepEqual(report.readFailures, []);
    // The process is alive: it still takes a write.
    const after = await fetch(`${server.url}/v1/logs?customer=acme&environment=prod`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: '{"ts":1772359200000,"msg":"still here"}',
    });
    assert.equal(after.status, 200, await after.text());
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
