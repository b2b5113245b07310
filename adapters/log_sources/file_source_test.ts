import assert from "node:assert/strict";
import type { SourceBatch } from "../../ports/log_source.ts";
import { fileLogSource, parseBody } from "./file_source.ts";

async function collect(
  path: string,
  maxRecords: number,
  layout: "customer/environment" | "none" = "customer/environment",
) {
  const batches: SourceBatch[] = [];
  const source = fileLogSource(path, {
    layout,
    maxLineBytes: 65536,
    referenceTime: Date.UTC(2026, 2, 2),
  });
  for await (const batch of source.batches(maxRecords)) batches.push(batch);
  return batches;
}

async function gzip(text: string): Promise<Uint8Array> {
  const stream = ReadableStream.from([new TextEncoder().encode(text)])
    .pipeThrough(
      new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

Deno.test("a directory laid out as customer/environment gives each file its context and format", async () => {
  const root = await Deno.makeTempDir({ prefix: "loupe-files-" });
  try {
    await Deno.mkdir(`${root}/acme/prod`, { recursive: true });
    await Deno.mkdir(`${root}/globex/staging`, { recursive: true });
    await Deno.writeTextFile(
      `${root}/acme/prod/checkout.jsonl`,
      '{"msg":"paid order 1","level":"info"}\n{"msg":"paid order 2"}\n',
    );
    await Deno.writeFile(
      `${root}/globex/staging/billing.log.gz`,
      await gzip(
        "2026-03-01 10:00:00,000 ERROR [main] com.Billing - charge failed\n\tat com.Billing.run(Billing.java:1)\n",
      ),
    );
    await Deno.writeTextFile(`${root}/.hidden.log`, "ignored\n");
    const batches = await collect(root, 100);
    assert.deepEqual(
      batches.map((b) => [b.source, b.format, b.context, b.records.length]),
      [
        ["acme/prod/checkout.jsonl", "jsonl", {
          customer: "acme",
          environment: "prod",
          service: "checkout",
        }, 2],
        ["globex/staging/billing.log.gz", "text", {
          customer: "globex",
          environment: "staging",
          service: "billing",
        }, 1],
      ],
    );
    assert.match(batches[1]!.records[0]!.parsed.message, /charge failed\n\tat com\.Billing/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a large file streams through in bounded batches and every record arrives", async () => {
  const root = await Deno.makeTempDir({ prefix: "loupe-big-" });
  const file = `${root}/big.log`;
  try {
    const total = 200_000;
    const handle = await Deno.open(file, { write: true, create: true });
    const encoder = new TextEncoder();
    for (let start = 0; start < total; start += 10_000) {
      let chunk = "";
      for (let i = start; i < start + 10_000; i++) {
        chunk += `level=info msg="request ${i} served" duration=${i % 97}ms\n`;
      }
      await handle.write(encoder.encode(chunk));
    }
    handle.close();
    let records = 0;
    let largest = 0;
    let lastLine = 0;
    const source = fileLogSource(file, { maxLineBytes: 65536, referenceTime: 0 });
    for await (const batch of source.batches(5_000)) {
      records += batch.records.length;
      largest = Math.max(largest, batch.records.length + batch.quarantined.length);
      assert.equal(batch.format, "logfmt");
      assert.equal(batch.records[0]!.line, lastLine + 1, "batches are contiguous");
      lastLine = batch.records.at(-1)!.line;
    }
    assert.equal(records, total);
    assert.ok(largest <= 5_000);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a truncated .gz keeps what was read and quarantines the rest with the reason", async () => {
  const root = await Deno.makeTempDir({ prefix: "loupe-gz-" });
  try {
    const lines = Array.from({ length: 2000 }, (_, i) => `{"msg":"event ${i}"}`).join("\n");
    const whole = await gzip(lines);
    await Deno.writeFile(`${root}/cut.jsonl.gz`, whole.slice(0, Math.floor(whole.length / 2)));
    const batches = await collect(`${root}/cut.jsonl.gz`, 10_000, "none");
    const quarantined = batches.flatMap((b) => b.quarantined);
    assert.equal(quarantined.length, 1);
    assert.match(quarantined[0]!.reason, /^Cannot read the rest of the file/);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("an HTTP body is parsed with the same rules: detected format, quarantine with line numbers", () => {
  const body = new TextEncoder().encode('{"msg":"a"}\n{"msg":\n{"msg":"c"}\n');
  const parsed = parseBody(body, { source: "http", maxLineBytes: 1024, referenceTime: 0 });
  assert.equal(parsed.format, "jsonl");
  assert.equal(parsed.records.length, 2);
  assert.deepEqual(parsed.quarantined.map((q) => [q.source, q.line]), [["http", 2]]);
});

Deno.test("text with a header no built-in pattern knows: the header is learned, timestamp and level read", () => {
  const messages = [
    (i: number) => `PacketResponder ${i % 3} for block blk_${1000 + i} terminating`,
    (i: number) =>
      `Receiving block blk_${2000 + i} src: /10.250.19.${i}:54106 dest: /10.250.19.102:50010`,
    (i: number) => `BLOCK* NameSystem.allocateBlock: /user/root/part-${i}. blk_${i}`,
    (i: number) => `Deleting block blk_${i} file /mnt/hadoop/dfs/data/current/subdir${i}/blk_${i}`,
  ];
  const lines = Array.from(
    { length: 60 },
    (_, i) =>
      `0811${10 + (i % 9)} 2036${String(i % 60).padStart(2, "0")} ${140 + i} ${
        i % 7 === 0 ? "WARN" : "INFO"
      } dfs.DataNode$PacketResponder: ${messages[i % messages.length]!(i)}`,
  );
  const parsed = parseBody(new TextEncoder().encode(lines.join("\n")), {
    source: "hdfs.log",
    maxLineBytes: 4096,
    referenceTime: Date.UTC(2026, 0, 1),
  });
  assert.equal(parsed.format, "text");
  const first = parsed.records[0]!.parsed;
  assert.equal(first.message, `PacketResponder 0 for block blk_1000 terminating`);
  assert.equal(first.severity?.text, "WARN");
  assert.equal(first.timestamp, Date.UTC(2008, 10, 10, 20, 36, 0));
});
