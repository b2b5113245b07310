import assert from "node:assert/strict";
import { fileLogSourceContract } from "../../test/contracts/log_source_contract.ts";
import { fileLogSource } from "./file_source.ts";
import { parseBody } from "./parse_body.ts";

fileLogSourceContract("file", fileLogSource);

Deno.test("an HTTP body is parsed with the same rules: detected format, quarantine with line numbers", () => {
  const body = new TextEncoder().encode('{"msg":"a"}\n{"msg":\n{"msg":"c"}\n');
  const parsed = parseBody(body, { source: "http", maxLineBytes: 1024, referenceTime: 0 });
  assert.equal(parsed.format, "jsonl");
  assert.deepEqual(parsed.records.map((r) => [r.line, r.offset, r.parsed.message]), [
    [1, 0, "a"],
    [3, 20, "c"],
  ]);
  assert.deepEqual(parsed.quarantined.map((q) => [q.source, q.line, q.offset, q.raw]), [
    ["http", 2, 12, '{"msg":'],
  ]);
  assert.match(parsed.quarantined[0]!.reason, /^Cannot parse JSON: /);
});

Deno.test("a body in a named format is read as that format, whatever it looks like", () => {
  const body = new TextEncoder().encode('{"msg":"a"}\nlevel=info msg=b\n');
  const parsed = parseBody(body, {
    format: "logfmt",
    source: "http",
    maxLineBytes: 1024,
    referenceTime: 0,
  });
  assert.equal(parsed.format, "logfmt");
  assert.deepEqual(parsed.records.map((r) => r.parsed.message), ["b"]);
  assert.deepEqual(parsed.quarantined.map((q) => q.line), [1]);
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
  for (const format of ["auto", "text"] as const) {
    const parsed = parseBody(new TextEncoder().encode(lines.join("\n")), {
      format,
      source: "hdfs.log",
      maxLineBytes: 4096,
      referenceTime: Date.UTC(2026, 0, 1),
    });
    assert.equal(parsed.format, "text");
    assert.equal(parsed.records.length, 60);
    const first = parsed.records[0]!.parsed;
    assert.equal(first.message, `PacketResponder 0 for block blk_1000 terminating`, format);
    assert.equal(first.severity?.text, "WARN");
    assert.equal(first.timestamp, Date.UTC(2008, 10, 10, 20, 36, 0));
  }
});
