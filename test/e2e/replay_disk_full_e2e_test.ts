/**
 * Issue 25: a full disk during `deno task replay --import` is refused in one
 * sentence with a non-zero exit, not a stack trace; what was stored before is
 * kept, and the same import run again once there is space completes with
 * every record once. Needs root for a small tmpfs: skipped with a message
 * otherwise.
 */
import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { isRoot, mountTmpfs, resizeTmpfs, unmount } from "../support/tmpfs.ts";

const RECORDS = 120_000;

Deno.test({
  name: "replay --import on a full disk: one sentence, exit 1, nothing lost, the rerun completes",
  ignore: !isRoot,
  fn: async () => {
    const workDir = await Deno.makeTempDir({ prefix: "loupe-replay-full-" });
    const mountPoint = `${workDir}/mnt`;
    await Deno.mkdir(mountPoint);
    await mountTmpfs(mountPoint, "8m");
    try {
      const logs = `${workDir}/app.jsonl`;
      const lines: string[] = [];
      for (let i = 0; i < RECORDS; i++) {
        lines.push(JSON.stringify({
          ts: 1_772_359_200_000 + i * 1000,
          level: i % 7 === 0 ? "error" : "info",
          msg: `order ${i} for customer ${i % 311} took ${i % 97} ms on node-${i % 13}`,
        }));
      }
      await Deno.writeTextFile(logs, lines.join("\n") + "\n");
      const args = [
        "--data",
        `${mountPoint}/data`,
        "--import",
        logs,
        "--customer",
        "acme",
        "--environment",
        "prod",
      ];

      const full = await runEntry("replay", args);
      assert.equal(full.code, 1, full.stderr.slice(-2000));
      const said = full.stderr.trim().split("\n").filter((line) => line.startsWith("Cannot "));
      assert.equal(said.length, 1, full.stderr.slice(-2000));
      assert.match(said[0]!, /^Cannot import .*disk is full or failing/);
      assert.doesNotMatch(full.stderr, /^\s+at /m, "a stack trace instead of a sentence");
      const kept = Number(
        /the (\d+) records stored before it stopped are kept/.exec(said[0]!)?.[1],
      );
      assert.ok(Number.isInteger(kept) && kept < RECORDS, said[0]);

      await resizeTmpfs(mountPoint, "256m");
      const again = await runEntry("replay", args);
      assert.equal(again.code, 0, again.stderr.slice(-2000));
      const summary = JSON.parse(again.stdout);
      assert.equal(summary.records_total, RECORDS, "every record, once");
      assert.equal(summary.already_imported_records, kept, "what the first run kept was kept");
      assert.equal(summary.imported_records, RECORDS - kept);
    } finally {
      await unmount(mountPoint);
      await Deno.remove(workDir, { recursive: true });
    }
  },
});

if (!isRoot) {
  console.log("replay_disk_full_e2e_test: skipped, mounting a small tmpfs needs root");
}
