import assert from "node:assert/strict";
import fc from "fast-check";
import { type RawLine, splitLines, splitLinesSync } from "./lines.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const options = { maxLineBytes: 64 };

Deno.test("CRLF and a last line without newline; blank lines are not records", () => {
  const lines = splitLinesSync(encode("first\r\n\r\n  \nsecond\nlast"), options);
  assert.deepEqual(lines, [
    { line: 1, offset: 0, text: "first" },
    { line: 4, offset: 12, text: "second" },
    { line: 5, offset: 19, text: "last" },
  ]);
});

Deno.test("invalid UTF-8, NUL bytes and over-long lines are problems; the lines around them are kept", () => {
  const bytes = new Uint8Array([
    ...encode("good one\n"),
    ...encode("bad "),
    0xc3,
    0x28,
    10,
    ...encode("nul\0here\n"),
    ...encode("x".repeat(100) + "\n"),
    ...encode("good two\n"),
  ]);
  const lines = splitLinesSync(bytes, options);
  assert.deepEqual(lines.map((l) => l.text ?? l.problem), [
    "good one",
    "invalid UTF-8 at byte 4 of the line",
    "binary data (NUL bytes) in line",
    "line longer than 64 bytes (100 bytes)",
    "good two",
  ]);
  assert.deepEqual(lines.map((l) => l.line), [1, 2, 3, 4, 5]);
});

async function collect(chunks: Uint8Array[]): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const line of splitLines(ReadableStream.from(chunks), options)) out.push(line);
  return out;
}

Deno.test("any chunking of the same bytes gives the same lines, even inside a multi-byte character", async () => {
  const text = fc.array(
    fc.oneof(
      fc.string({ unit: "grapheme", maxLength: 30 }),
      fc.constant("é€😀"),
      fc.constant("\r\n"),
      fc.constant("y".repeat(70)),
    ),
    { maxLength: 12 },
  ).map((parts) => parts.join("\n"));
  await fc.assert(
    fc.asyncProperty(text, fc.array(fc.nat(), { maxLength: 8 }), async (value, cuts) => {
      const bytes = encode(value);
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let from = 0;
      for (const point of [...points, bytes.length]) {
        chunks.push(bytes.slice(from, point));
        from = point;
      }
      assert.deepEqual(await collect(chunks), splitLinesSync(bytes, options));
    }),
    { numRuns: 300 },
  );
});
