import assert from "node:assert/strict";
import type { LogSource, SourceBatch } from "../../ports/log_source.ts";
import type { FileSourceOptions } from "../../adapters/log_sources/file_source.ts";

/** A log source over a file, a directory or a .gz archive. */
export type FileLogSourceFactory = (path: string, options: FileSourceOptions) => LogSource;

const REFERENCE = Date.UTC(2026, 2, 2);

async function gzip(text: string): Promise<Uint8Array> {
  const stream = ReadableStream.from([new TextEncoder().encode(text)])
    .pipeThrough(
      new CompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

async function inTempDir(body: (root: string) => Promise<void>): Promise<void> {
  const root = await Deno.makeTempDir({ prefix: "loupe-files-" });
  try {
    await body(root);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
}

/** The behaviour every LogSource adapter that reads files must show. */
export function fileLogSourceContract(adapter: string, fileLogSource: FileLogSourceFactory): void {
  const test = (name: string, fn: () => Promise<void>) =>
    Deno.test(`${adapter} log source: ${name}`, fn);

  async function collect(
    path: string,
    maxRecords: number,
    options: Partial<FileSourceOptions> = {},
  ): Promise<SourceBatch[]> {
    const batches: SourceBatch[] = [];
    const source = fileLogSource(path, { referenceTime: REFERENCE, ...options });
    for await (const batch of source.batches(maxRecords)) batches.push(batch);
    return batches;
  }

  test("a directory laid out as customer/environment gives each file its context and format", async () => {
    await inTempDir(async (root) => {
      await Deno.mkdir(`${root}/acme/prod`, { recursive: true });
      await Deno.mkdir(`${root}/globex/staging/node-2`, { recursive: true });
      await Deno.mkdir(`${root}/.cache/x/y`, { recursive: true });
      await Deno.writeTextFile(
        `${root}/acme/prod/checkout.jsonl`,
        '{"ts":1772359200000,"msg":"paid order 1","level":"info"}\n{"ts":1772359201000,"msg":"paid order 2","customer":"acme-eu"}\n',
      );
      await Deno.writeTextFile(
        `${root}/acme/prod/auth.log`,
        'time=2026-03-01T10:00:00Z level=warn msg="login throttled" user=bob\n',
      );
      await Deno.writeFile(
        `${root}/globex/staging/node-2/billing.log.1.gz`,
        await gzip(
          "2026-03-01 10:00:00,000 ERROR [main] com.Billing - charge failed\n\tat com.Billing.run(Billing.java:1)\n",
        ),
      );
      await Deno.writeTextFile(`${root}/.hidden.log`, "ignored\n");
      await Deno.writeTextFile(`${root}/.cache/x/y/also-hidden.log`, "ignored\n");
      const batches = await collect(root, 100, {
        layout: "customer/environment",
        context: { customer: "given", version: "7.1" },
      });
      assert.deepEqual(
        batches.map((b) => [b.source, b.format, b.context, b.records.length]),
        [
          ["acme/prod/auth.log", "logfmt", {
            customer: "acme",
            environment: "prod",
            version: "7.1",
            service: "auth",
          }, 1],
          ["acme/prod/checkout.jsonl", "jsonl", {
            customer: "acme",
            environment: "prod",
            version: "7.1",
            service: "checkout",
          }, 2],
          ["globex/staging/node-2/billing.log.1.gz", "text", {
            customer: "globex",
            environment: "staging",
            version: "7.1",
            service: "billing",
          }, 1],
        ],
      );
      assert.equal(batches[1]!.records[1]!.parsed.customer, "acme-eu", "a record's own field wins");
      assert.match(batches[2]!.records[0]!.parsed.message, /charge failed\n\tat com\.Billing/);
    });
  });

  test("a single file is its own source: the file name, the given context and service", async () => {
    await inTempDir(async (root) => {
      await Deno.writeTextFile(`${root}/app.log`, "time=2026-03-01T10:00:00Z level=info msg=one\n");
      const [batch] = await collect(`${root}/app.log`, 10, {
        context: { customer: "acme", service: "api" },
        layout: "customer/environment",
      });
      assert.equal(batch!.source, "app.log");
      assert.deepEqual(batch!.context, { customer: "acme", service: "api" });
    });
  });

  test("a large file streams through in batches of at most maxRecords, and every record arrives", async () => {
    await inTempDir(async (root) => {
      const file = `${root}/big.log`;
      const total = 200_000;
      const handle = await Deno.open(file, { write: true, create: true });
      const encoder = new TextEncoder();
      for (let start = 0; start < total; start += 10_000) {
        let chunk = "";
        for (let i = start; i < start + 10_000; i++) {
          chunk += i % 1000 === 999
            ? `{"time":"2026-03-01T10:00:00Z","msg":broken ${i}}\n`
            : `{"time":"2026-03-01T10:00:00Z","level":"info","msg":"request ${i} served","duration_ms":${
              i % 97
            }}\n`;
        }
        await handle.write(encoder.encode(chunk));
      }
      handle.close();
      let records = 0;
      let quarantined = 0;
      let largest = 0;
      let nextLine = 1;
      for await (const batch of fileLogSource(file, { referenceTime: 0 }).batches(4_999)) {
        assert.equal(batch.format, "jsonl");
        records += batch.records.length;
        quarantined += batch.quarantined.length;
        largest = Math.max(largest, batch.records.length + batch.quarantined.length);
        const lines = [...batch.records, ...batch.quarantined].map((r) => r.line).sort((a, b) =>
          a - b
        );
        assert.equal(lines[0], nextLine, "batches are contiguous");
        nextLine = lines.at(-1)! + 1;
      }
      assert.equal(records, total - total / 1000);
      assert.equal(quarantined, total / 1000);
      assert.equal(largest, 4_999);
    });
  });

  test("batches stay within maxRecords when detection releases its sample at once", async () => {
    await inTempDir(async (root) => {
      const lines = Array.from(
        { length: 120 },
        (_, i) => (i % 10 === 3 ? "{broken" : `{"ts":1772359200000,"msg":"event ${i}"}`),
      );
      await Deno.writeTextFile(`${root}/small.jsonl`, lines.join("\n"));
      const batches = await collect(`${root}/small.jsonl`, 7);
      assert.ok(batches.every((b) => b.records.length + b.quarantined.length <= 7));
      assert.equal(batches.flatMap((b) => b.records).length, 108);
      assert.equal(batches.flatMap((b) => b.quarantined).length, 12);
    });
  });

  test("a .gz archive is decompressed as it streams; a truncated one keeps what was read and says why", async () => {
    await inTempDir(async (root) => {
      const lines = Array.from(
        { length: 20_000 },
        (_, i) => `{"ts":${1772359200000 + i},"msg":"event ${i}","n":${i * 7919}}`,
      );
      const whole = await gzip(lines.join("\n"));
      await Deno.writeFile(`${root}/whole.jsonl.gz`, whole);
      await Deno.writeFile(`${root}/cut.jsonl.gz`, whole.slice(0, Math.floor(whole.length / 2)));
      const complete = await collect(`${root}/whole.jsonl.gz`, 10_000);
      assert.equal(complete.flatMap((b) => b.records).length, 20_000);
      const cut = await collect(`${root}/cut.jsonl.gz`, 100_000);
      const quarantined = cut.flatMap((b) => b.quarantined);
      const read = cut.flatMap((b) => b.records);
      assert.ok(read.length > 0 && read.length < 20_000, `${read.length} records read`);
      assert.equal(quarantined.length, 1);
      assert.match(quarantined[0]!.reason, /^Cannot read the rest of the file: /);
      assert.equal(quarantined[0]!.line, read.at(-1)!.line + 1);
    });
  });

  test("stopping early closes the file", async () => {
    if (Deno.build.os !== "linux") return;
    {
      /** Paths this process has open, as Linux lists them. Deno refuses
       * /proc/self to anything short of --allow-all, so another process looks. */
      const openPaths = () =>
        new TextDecoder().decode(
          new Deno.Command("ls", { args: ["-l", `/proc/${Deno.pid}/fd`] }).outputSync().stdout,
        ).split("\n").flatMap((line) => line.split(" -> ").slice(1));
      await inTempDir(async (root) => {
        await Deno.writeFile(
          `${root}/many.log.gz`,
          await gzip(
            Array.from(
              { length: 50_000 },
              (_, i) => `time=2026-03-01T10:00:00Z level=info msg="line ${i}"`,
            ).join("\n"),
          ),
        );
        await Deno.writeTextFile(
          `${root}/many.log`,
          Array.from(
            { length: 50_000 },
            (_, i) => `time=2026-03-01T10:00:00Z level=info msg="line ${i}"`,
          ).join("\n"),
        );
        for (const file of ["many.log", "many.log.gz"]) {
          for await (
            const batch of fileLogSource(`${root}/${file}`, { referenceTime: 0 }).batches(10)
          ) {
            assert.equal(batch.records.length, 10);
            break;
          }
          // A read already under way in Deno's thread pool holds the file
          // until it returns: closed means closed within a moment, not at once.
          const stillOpen = () => openPaths().some((path) => path.endsWith(`/${file}`));
          for (let wait = 0; wait < 40 && stillOpen(); wait++) {
            await new Promise((resolve) => setTimeout(resolve, 50));
          }
          assert.ok(!stillOpen(), `${file} is still open`);
        }
      });
    }
  });

  test("a file of binary junk is quarantined line by line without holding it for detection", async () => {
    await inTempDir(async (root) => {
      const junk = new Uint8Array(300_000);
      for (let i = 0; i < junk.length; i++) junk[i] = (i * 7919) % 251;
      await Deno.writeFile(`${root}/core.dump`, junk);
      const batches = await collect(`${root}/core.dump`, 1_000, { maxLineBytes: 512 });
      const reasons = new Set(
        batches.flatMap((b) => b.quarantined.map((q) => q.reason.split(" (")[0]!)),
      );
      assert.equal(batches.flatMap((b) => b.records).length, 0);
      assert.ok(batches.flatMap((b) => b.quarantined).length > 1_000);
      for (const reason of reasons) {
        assert.match(
          reason,
          /^(binary data|invalid UTF-8 at byte \d+ of the line|line longer than 512 bytes)$/,
        );
      }
    });
  });
}
