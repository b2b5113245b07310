import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";

const CUSTOMER = new URL("../../fixtures/scenario/logs/willow-toys/", import.meta.url).pathname;

async function importLogs(dataDir: string, logs: string) {
  const run = await runEntry("replay", [
    "--data",
    dataDir,
    "--import",
    logs,
    "--batch-size",
    "100",
  ]);
  assert.equal(run.code, 0, run.stderr);
  return JSON.parse(run.stdout);
}

Deno.test("importing the same logs again, or a rotated file, keeps every record once", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-import-e2e-" });
  const logs = await Deno.makeTempDir({ prefix: "loupe-import-logs-" });
  try {
    await Deno.mkdir(`${logs}/willow-toys/prod`, { recursive: true });
    for await (const entry of Deno.readDir(`${CUSTOMER}prod`)) {
      await Deno.copyFile(
        `${CUSTOMER}prod/${entry.name}`,
        `${logs}/willow-toys/prod/${entry.name}`,
      );
    }
    // A line that cannot be read, to be quarantined once too.
    await Deno.writeTextFile(`${logs}/willow-toys/prod/payments.jsonl`, '{"msg": \n', {
      append: true,
    });

    const first = await importLogs(dataDir, logs);
    assert.ok(first.imported_records > 1000);
    assert.equal(first.imported_quarantined, 1);
    assert.equal(first.already_imported_records, 0);

    const again = await importLogs(dataDir, logs);
    assert.equal(again.imported_records, 0);
    assert.equal(again.imported_quarantined, 0);
    assert.equal(again.already_imported_records, first.imported_records);
    assert.equal(again.already_imported_quarantined, 1);
    assert.equal(again.records_total, first.records_total);
    assert.equal(again.quarantined_total, 1);

    // logrotate renames the file it rotates: the same records, another name.
    await Deno.rename(
      `${logs}/willow-toys/prod/orders.log`,
      `${logs}/willow-toys/prod/orders.log.1`,
    );
    const rotated = await importLogs(dataDir, logs);
    assert.equal(rotated.imported_records, 0);
    assert.equal(rotated.records_total, first.records_total);

    // The same file under another customer is that customer's data.
    await Deno.mkdir(`${logs}/other-customer/prod`, { recursive: true });
    await Deno.copyFile(`${CUSTOMER}prod/auth.log`, `${logs}/other-customer/prod/auth.log`);
    const copied = await importLogs(dataDir, logs);
    assert.equal(copied.imported_records, 201);
    assert.equal(copied.records_total, first.records_total + 201);
  } finally {
    await Deno.remove(dataDir, { recursive: true });
    await Deno.remove(logs, { recursive: true });
  }
});

Deno.test("an import path that cannot be read is one sentence and exit 1, at once, not a wait", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-import-missing-" });
  try {
    const missing = `${dataDir}/no-such-logs`;
    const run = await runEntry(
      "replay",
      ["--data", `${dataDir}/data`, "--import", missing],
      [],
      60_000,
    );
    assert.equal(run.code, 1, run.stderr);
    assert.match(
      run.stderr,
      new RegExp(`^Cannot import ${missing}: No such file or directory`, "m"),
    );
  } finally {
    await Deno.remove(dataDir, { recursive: true });
  }
});
