import assert from "node:assert/strict";
import { recordsByOrigin } from "../../ports/log_source.ts";
import { storedRecordOf } from "../../domain/events.ts";
import { skeletonsOf } from "../../domain/mining/skeletons.ts";
import type { EncodedSourceBatch, SourceBatch } from "../../ports/log_source.ts";
import { fileLogSource, type FileSourceOptions } from "./file_source.ts";
import { encodedFileBatches } from "./parallel_file_source.ts";

const RECEIVED_AT = Date.UTC(2026, 10, 1);

/** Stand-in signatures: what the miner would give, as far as encoding cares. */
const signaturesOf = (messages: readonly string[]) =>
  messages.map((message) => `sig-${message.length % 7}`);

async function both(path: string, options: FileSourceOptions, maxRecords: number) {
  const plain: SourceBatch[] = [];
  for await (const batch of fileLogSource(path, options).batches(maxRecords)) plain.push(batch);
  const encoded: EncodedSourceBatch[] = [];
  for await (const batch of encodedFileBatches(path, options, maxRecords)) encoded.push(batch);
  return { plain, encoded };
}

/**
 * A shared cluster's file long enough for batches of several pieces (a
 * worker encodes a thousand records at a time): three tenants in runs and
 * scattered, and lines that cannot be read among them.
 */
const sharedClusterFile = await (async () => {
  const dir = await Deno.makeTempDir({ prefix: "loupe-pieces-" });
  globalThis.addEventListener("unload", () => Deno.removeSync(dir, { recursive: true }));
  const lines = Array.from(
    { length: 5000 },
    (_, i) =>
      i % 997 === 5 ? "{not json" : JSON.stringify({
        time: new Date(Date.UTC(2026, 2, 1) + i * 1000).toISOString(),
        level: i % 13 === 0 ? "error" : "info",
        msg: `order ord_${i.toString(36)}x${i % 7} ${i % 3 === 0 ? "failed" : "placed"}`,
        tenant_id: i < 1500 ? "t1" : i % 5 === 0 ? "t2" : "t3",
      }),
  );
  await Deno.writeTextFile(`${dir}/cluster.jsonl`, lines.join("\n") + "\n");
  return `${dir}/cluster.jsonl`;
})();

for (
  const [what, path, options, maxRecords] of [
    ["a directory of every format", "fixtures/formats", {}, 2],
    ["a customer/environment tree read by two workers", "fixtures/scenario/logs", {
      layout: "customer/environment",
    }, 2],
    ["one file", "fixtures/formats/sample.log4j.log", { context: { customer: "acme" } }, 2],
    [
      "batches of several pieces, of tenants and broken lines",
      sharedClusterFile,
      { context: { customer: "cluster" } },
      2300,
    ],
  ] as const
) {
  Deno.test(`${what}: the same batches as the file source, in its order, records encoded`, async () => {
    const { plain, encoded } = await both(
      path,
      { referenceTime: RECEIVED_AT, ...options },
      maxRecords,
    );
    assert.ok(plain.length > 1);
    assert.equal(encoded.length, plain.length);
    // Every batch holds other lines: none is taken for another.
    assert.equal(new Set(encoded.map((batch) => batch.contentDigest)).size, encoded.length);
    plain.forEach((expected, index) => {
      const { records, lastOffset, contentDigest, ...rest } = encoded[index]!;
      assert.match(contentDigest, /^[0-9a-f]{64}$/);
      const { records: parsed, ...expectedRest } = expected;
      assert.deepEqual(rest, expectedRest);
      assert.equal(lastOffset, parsed.at(-1)?.offset);
      assert.equal(records.count, parsed.length);
      assert.deepEqual(records.skeletons, skeletonsOf(parsed.map((r) => r.parsed.message)));
      // A shared cluster's tenants are encoded apart, each in order.
      const byOrigin = recordsByOrigin(parsed, expected.context);
      assert.deepEqual(
        records.parts.map((p) => [p.origin, p.positions && [...p.positions]]),
        byOrigin.map((g) => [g.origin, g.positions]),
      );
      byOrigin.forEach((group, part) => {
        const signatures = signaturesOf(group.records.map((r) => r.parsed.message));
        assert.deepEqual(
          records.parts[part]!.withSignatures(signatures, RECEIVED_AT).decode(),
          group.records.map((r, i) =>
            storedRecordOf(
              r.parsed,
              expected.context,
              RECEIVED_AT,
              r.line,
              r.offset,
              signatures[i]!,
            )
          ),
        );
      });
    });
  });
}

Deno.test("a record that states no time takes the time of the record before it, flagged, never the wall clock", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(
      `${root}/app.log`,
      'time=2026-03-01T10:00:00Z level=info msg="paid"\nlevel=error msg="card declined"\n',
    );
    for await (const batch of encodedFileBatches(root, { referenceTime: 0 }, 10)) {
      const [, record] = batch.records.parts[0]!.withSignatures(["s1", "s2"], RECEIVED_AT)
        .decode() as {
          timestamp: number;
          signatureId: string;
          attributes: unknown[];
        }[];
      assert.equal(record!.timestamp, Date.UTC(2026, 2, 1, 10));
      assert.equal(record!.signatureId, "s2");
      assert.deepEqual(record!.attributes.slice(-2), ["loupe.time_inferred", "previous_record"]);
    }
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a history file whose records all lack a readable time is quarantined with the reason", async () => {
  const root = await Deno.makeTempDir();
  try {
    await Deno.writeTextFile(`${root}/app.log`, 'level=error msg="card declined"\nmsg=again\n');
    let records = 0;
    const reasons: string[] = [];
    for await (const batch of encodedFileBatches(root, { referenceTime: 0 }, 10)) {
      records += batch.records.count;
      reasons.push(...batch.quarantined.map((q) => q.reason));
    }
    assert.equal(records, 0);
    assert.deepEqual(reasons, [
      "no readable time in this record nor any record before it in the source",
      "no readable time in this record nor any record before it in the source",
    ]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});

Deno.test("a path that cannot be read fails with the reason", async () => {
  await assert.rejects(async () => {
    for await (const _ of encodedFileBatches("/nonexistent/loupe/logs", { referenceTime: 0 }, 10)) {
      /* nothing to read */
    }
  }, /nonexistent\/loupe\/logs/);
});

Deno.test("a header recognizer, a function, is refused rather than lost on the way to a worker", () => {
  assert.throws(
    () => encodedFileBatches("/tmp", { referenceTime: 0, headerRecognizer: () => undefined }, 10),
    /header recognizer/,
  );
});

Deno.test("a file that vanishes before its worker reaches it fails the import after the batches before it", async () => {
  const root = await Deno.makeTempDir();
  try {
    const lines = (name: string) =>
      Array.from({ length: 40 }, (_, i) => `level=info msg="${name} ${i}"`).join("\n") + "\n";
    for (const name of ["a", "b", "c"]) {
      await Deno.writeTextFile(`${root}/${name}.log`, lines(name));
    }
    const sources: string[] = [];
    await assert.rejects(async () => {
      // One record per batch: a worker is only a few batches ahead, so the
      // first worker is still in a.log when c.log (its next file) goes.
      for await (const batch of encodedFileBatches(root, { referenceTime: 0 }, 1)) {
        if (sources.length === 0) await Deno.remove(`${root}/c.log`);
        sources.push(batch.source);
      }
    }, /c\.log/);
    assert.deepEqual(sources, [...Array(40).fill("a.log"), ...Array(40).fill("b.log")]);
  } finally {
    await Deno.remove(root, { recursive: true });
  }
});
