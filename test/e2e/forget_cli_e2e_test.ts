/** `deno task forget`: on a stopped store, by customer or by retention; bad arguments refused. */
import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";

async function storeHolds(dataDir: string, value: string): Promise<boolean> {
  const needle = value;
  for await (const entry of Deno.readDir(dataDir)) {
    if (!entry.isFile) continue;
    const text = new TextDecoder("latin1").decode(await Deno.readFile(`${dataDir}/${entry.name}`));
    if (text.includes(needle)) return true;
  }
  return false;
}

Deno.test("forget --customer makes a stopped store forget one customer, file and all", async () => {
  const work = await Deno.makeTempDir({ prefix: "loupe-forget-cli-" });
  try {
    for (const [customer, word] of [["globex", "cassowarymarker"], ["acme", "kookaburramarker"]]) {
      await Deno.mkdir(`${work}/logs/${customer}/prod`, { recursive: true });
      await Deno.writeTextFile(
        `${work}/logs/${customer}/prod/app.jsonl`,
        JSON.stringify({ time: "2026-03-02T10:00:00Z", level: "error", msg: `${word} failed` }) +
          "\n",
      );
    }
    const data = `${work}/data`;
    const imported = await runEntry("replay", ["--data", data, "--import", `${work}/logs`]);
    assert.equal(imported.code, 0, imported.stderr);
    assert.ok(await storeHolds(data, "cassowarymarker"));

    const forgotten = await runEntry("forget", [
      "--data",
      data,
      "--customer",
      "globex",
      "--by",
      "dpo",
    ]);
    assert.equal(forgotten.code, 0, forgotten.stderr);
    const receipt = JSON.parse(forgotten.stdout);
    assert.equal(receipt.forgotten.customerId, "globex");
    assert.ok(receipt.forgotten.keysDeleted > 0);
    assert.equal(await storeHolds(data, "cassowarymarker"), false);
    assert.ok(await storeHolds(data, "kookaburramarker"));

    // Retention with nothing to drop: a receipt, nothing rebuilt.
    const retention = await runEntry("forget", ["--data", data, "--retention"]);
    assert.equal(retention.code, 0, retention.stderr);
    assert.deepEqual(JSON.parse(retention.stdout).retention.dropped, []);
  } finally {
    await Deno.remove(work, { recursive: true });
  }
});

Deno.test("forget refuses unclear arguments with its usage", async () => {
  for (const args of [[], ["--customer", "a", "--retention"], ["--customer", " "], ["--nope"]]) {
    const run = await runEntry("forget", ["--data", "/nonexistent/loupe", ...args]);
    assert.equal(run.code, 2, `${args.join(" ")}: ${run.stderr}`);
    assert.match(run.stderr, /Usage: deno task forget/);
  }
});
