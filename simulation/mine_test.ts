import assert from "node:assert/strict";
import { parse } from "csv-parse/sync";
import { mineFile } from "./mine.ts";
import { runEntry } from "../test/support/cli.ts";

const LOG = [
  "2026-10-02 10:00:01,120 ERROR [http-1] com.acme.pay.Capture - Payment capture for order ord_a1qd3ktm aborted after amount scale mismatch for CHF",
  "java.lang.ArithmeticException: Rounding necessary",
  "\tat java.math.BigDecimal.setScale(BigDecimal.java:2920)",
  "\tat com.acme.pay.Capture.run(Capture.java:88)",
  "2026-10-02 10:00:02,007 INFO  [main] com.acme.App - Started in 1200 ms",
  "2026-10-02 10:00:03,456 ERROR [http-2] com.acme.pay.Capture - Payment capture for order ord_kq7zt2mw aborted after amount scale mismatch for JPY",
  "java.lang.ArithmeticException: Rounding necessary",
  "\tat java.math.BigDecimal.setScale(BigDecimal.java:2920)",
  "\tat com.acme.pay.Capture.run(Capture.java:88)",
  "2026-10-02 10:00:04,001 INFO  [main] com.acme.App - Started in 950 ms",
  "2026-10-02 10:00:05,300 ERROR [http-1] com.acme.pay.Capture - Payment capture for order ord_zz93kdpq aborted after amount scale mismatch for EUR",
].join("\n") + "\n";

Deno.test("mine: a record's stack-trace lines get its signature; ids and enums do not split it", async () => {
  const path = await Deno.makeTempFile({ suffix: ".log" });
  try {
    await Deno.writeTextFile(path, LOG);
    const mined = await mineFile(path, { messageOnly: false });
    const ids = mined.signatureIds;
    assert.equal(ids.length, 11);
    // Lines 1-4 are one record, as are 6-9.
    assert.deepEqual(new Set(ids.slice(0, 4)).size, 1);
    assert.deepEqual(new Set(ids.slice(5, 9)).size, 1);
    // Same template and trace (order id and currency vary): one signature.
    assert.equal(ids[0], ids[5]);
    assert.notEqual(ids[0], ids[4]);
    assert.equal(ids[4], ids[9]);
    // The last one has no trace: another signature (the issue layer groups the two).
    assert.notEqual(ids[10], ids[0]);
    assert.match(mined.templates.get(ids[0]!)!, /^Payment capture for order ord_<\*> aborted/);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("mine --per-line writes line,signature,template, one row per input line", async () => {
  const path = await Deno.makeTempFile({ suffix: ".log" });
  try {
    await Deno.writeTextFile(path, LOG);
    const { code, stdout } = await runEntry("mine", [path, "--per-line"]);
    assert.equal(code, 0);
    const rows = parse(stdout) as string[][];
    assert.deepEqual(rows[0], ["line", "signature", "template"]);
    assert.equal(rows.length, 12);
    assert.deepEqual(
      rows.slice(1).map((r) => r[0]),
      Array.from({ length: 11 }, (_, i) => `${i + 1}`),
    );
    assert.equal(rows[1]![1], rows[3]![1]);
  } finally {
    await Deno.remove(path);
  }
});

Deno.test("mine with an unknown option says so in one sentence and the usage, exit 2", async () => {
  const { code, stderr } = await runEntry("mine", ["--per-lines", "app.log"]);
  assert.equal(code, 2);
  assert.equal(
    stderr.trim(),
    "Unknown option '--per-lines'\n\nUsage: deno task mine FILE [--message-only] [--per-line]",
  );
});
