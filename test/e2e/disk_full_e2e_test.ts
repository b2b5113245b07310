/**
 * Issue 25: a full disk is a state, not a crash. On a small tmpfs (root only:
 * skipped with a message otherwise) writes get 507 with the reason while it is
 * full, reads keep answering, and once the tmpfs grows the next write commits
 * without a restart; every acknowledged batch is there once.
 */
import assert from "node:assert/strict";
import { isErrorShape } from "../support/endpoints.ts";
import { startServer } from "../support/server.ts";
import { isRoot, mountTmpfs, resizeTmpfs, unmount } from "../support/tmpfs.ts";

const RECORDS = 2_000;

function body(batch: number): string {
  return Array.from({ length: RECORDS }, (_, i) =>
    JSON.stringify({
      ts: 1_772_359_200_000 + i,
      level: "error",
      msg: `batch ${batch} order ${i} failed with code ${i % 13} ${"x".repeat(100)}`,
    })).join("\n");
}

Deno.test({
  name: "a full disk answers 507 with the reason, reads go on, and writes resume without a restart",
  ignore: !isRoot,
  fn: async () => {
    const mountPoint = await Deno.makeTempDir({ prefix: "loupe-tmpfs-" });
    await mountTmpfs(mountPoint, "6m");
    let server;
    try {
      server = await startServer(`${mountPoint}/data`);
      const push = (batch: number) =>
        fetch(`${server!.url}/v1/logs?customer=c${batch}&environment=prod`, {
          method: "POST",
          headers: { "content-type": "application/x-ndjson" },
          body: body(batch),
        });
      const acknowledged: number[] = [];
      let refused: {
        status: number;
        json: { error: { code: string; details: { reason: string } } };
      } | undefined;
      for (let batch = 0; batch < 200 && refused === undefined; batch++) {
        const response = await push(batch);
        if (response.status === 200) {
          await response.body?.cancel();
          acknowledged.push(batch);
        } else refused = { status: response.status, json: await response.json() };
      }
      assert.ok(refused !== undefined, "the tmpfs never filled up");
      assert.equal(refused.status, 507);
      assert.ok(isErrorShape(refused.json));
      assert.equal(refused.json.error.code, "insufficient_storage");
      assert.match(refused.json.error.details.reason, /disk is full or failing/);
      const health = await (await fetch(`${server.url}/healthz`)).json();
      assert.equal(health.status, "degraded");
      assert.equal(health.writes.state, "failing");
      assert.equal((await fetch(`${server.url}/v1/signatures`)).status, 200);
      await (await fetch(`${server.url}/v1/tickets`)).body?.cancel();

      await resizeTmpfs(mountPoint, "64m");
      const resumed = await push(1_000);
      assert.equal(resumed.status, 200, await resumed.clone().text());
      await resumed.body?.cancel();
      acknowledged.push(1_000);
      const healed = await (await fetch(`${server.url}/healthz`)).json();
      assert.equal(healed.status, "ok");
      assert.equal(healed.writes.state, "ok");
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.equal(
        Number(/^loupe_records_ingested_total (\d+)$/m.exec(metrics)?.[1]),
        acknowledged.length * RECORDS,
      );
    } finally {
      await server?.stop();
      await unmount(mountPoint);
      await Deno.remove(mountPoint, { recursive: true });
    }
  },
});

if (!isRoot) {
  console.log("disk_full_e2e_test: skipped, mounting a small tmpfs needs root");
}
