import assert from "node:assert/strict";
import { detectFormat, type FormatName } from "./mod.ts";
import { fixture } from "./_test_utils.ts";

Deno.test("each sample file is detected as its own format", () => {
  const expected: [string, FormatName][] = [
    ["sample.jsonl", "jsonl"],
    ["sample.logfmt", "logfmt"],
    ["sample.syslog", "syslog"],
    ["sample.access.log", "access"],
    ["sample.log4j.log", "text"],
    ["sample.python.log", "text"],
    ["sample.csv", "csv"],
  ];
  for (const [name, format] of expected) {
    const detection = detectFormat(fixture(name).split("\n"));
    assert.equal(detection.format, format, name);
    assert.ok(detection.confidence >= 0.75, `${name}: confidence ${detection.confidence}`);
  }
});

Deno.test("detection: text lines that end in key=value pairs are text, not logfmt", () => {
  const lines = [
    "2026-03-01 10:00:00,001 INFO [main] com.acme.Login - user=alice result=ok",
    "2026-03-01 10:00:01,001 WARN [main] com.acme.Login - user=bob result=locked",
  ];
  assert.equal(detectFormat(lines).format, "text");
});

Deno.test("detection: a tie goes to the more structured format", () => {
  // Each line is read by exactly one format: half JSON, half logfmt.
  const lines = ['{"msg":"a"}', "level=info msg=b", '{"msg":"c"}', "level=info msg=d"];
  assert.deepEqual(detectFormat(lines), { format: "jsonl", confidence: 0.5 });
  assert.deepEqual(detectFormat(lines.slice(1)), { format: "logfmt", confidence: 2 / 3 });
});

Deno.test("detection: CSV needs a header of names with two commas or more and rows that match it", () => {
  const csv = [
    "time,level,message",
    "2026-03-01T10:00:00Z,INFO,started",
    "2026-03-01T10:00:01Z,INFO,done",
  ];
  assert.deepEqual(detectFormat(csv), { format: "csv", confidence: 1 });
  const twoColumns = ["time,message", "2026-03-01T10:00:00Z,started"];
  assert.notEqual(detectFormat(twoColumns).format, "csv");
  const sentences = ["Hello, world, again", "nothing, here, matches, that"];
  assert.equal(detectFormat(sentences).format, "text");
});

Deno.test("detection: a sample that ends inside a quoted CSV field still reads as CSV", () => {
  const rows = Array.from({ length: 60 }, (_, i) => `2026-03-01T10:00:00Z,INFO,"row ${i}\nwraps"`);
  const lines = ["time,level,message", ...rows.join("\n").split("\n")];
  assert.equal(lines.length, 121);
  assert.equal(detectFormat(lines).format, "csv");
});

Deno.test("detection: unstructured lines fall back to text, with the share text reads as confidence", () => {
  assert.deepEqual(detectFormat([]), { format: "text", confidence: 0 });
  assert.deepEqual(detectFormat(["", "  "]), { format: "text", confidence: 0 });
  const detection = detectFormat(["just words", "more words", '{"msg":"one json line"}']);
  assert.deepEqual(detection, { format: "text", confidence: 0 });
});

Deno.test("detection looks at the first 50 non-empty lines only", () => {
  const lines = [
    ...Array.from({ length: 50 }, (_, i) => `{"msg":"event ${i}"}`),
    ...Array.from({ length: 500 }, () => "plain text"),
  ];
  assert.deepEqual(detectFormat(lines), { format: "jsonl", confidence: 1 });
});
