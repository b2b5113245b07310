import assert from "node:assert/strict";
import fc from "fast-check";
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import { firstInvalidUtf8, type RawLine, splitLines, splitLinesSync } from "./lines.ts";

const encode = (text: string) => new TextEncoder().encode(text);
const options = { maxLineBytes: 64 };

async function collect(chunks: Uint8Array[], max = options.maxLineBytes): Promise<RawLine[]> {
  const out: RawLine[] = [];
  for await (const line of splitLines(ReadableStream.from(chunks), { maxLineBytes: max })) {
    out.push(line);
  }
  return out;
}

Deno.test("CRLF and a last line without newline; blank lines are neither records nor errors", () => {
  const lines = splitLinesSync(encode("first\r\n\r\n  \t\nsecond\nlast"), options);
  assert.deepEqual(lines, [
    { line: 1, offset: 0, text: "first" },
    { line: 4, offset: 13, text: "second" },
    { line: 5, offset: 20, text: "last" },
  ]);
});

Deno.test("a byte order mark at the start of the input is not part of the first line", () => {
  const lines = splitLinesSync(encode('\uFEFF{"msg":"a"}\n\uFEFFb\n'), options);
  assert.deepEqual(lines.map((l) => l.text), ['{"msg":"a"}', "\uFEFFb"]);
});

Deno.test("invalid UTF-8, NUL bytes, control bytes and over-long lines are problems; the lines around them are kept", () => {
  const bytes = new Uint8Array([
    ...encode("good one\n"),
    ...encode("bad "),
    0xc3,
    0x28,
    10,
    ...encode("nul\0here\n"),
    ...encode("x".repeat(100) + "\n"),
    1,
    2,
    3,
    4,
    ...encode("ab\n"),
    ...encode("\x1b[31mERROR\x1b[0m colored but text\n"),
    0xed,
    0xa0,
    0x80,
    10,
    ...encode("good two"),
  ]);
  const lines = splitLinesSync(bytes, options);
  assert.deepEqual(lines.map((l) => [l.line, l.text ?? l.problem]), [
    [1, "good one"],
    [2, "invalid UTF-8 at byte 4 of the line"],
    [3, "binary data (NUL bytes) in line"],
    [4, "line longer than 64 bytes (100 bytes)"],
    [5, "binary data (control characters) in line"],
    [6, "\x1b[31mERROR\x1b[0m colored but text"],
    [7, "invalid UTF-8 at byte 0 of the line"],
    [8, "good two"],
  ]);
  assert.equal(lines[1]!.raw, "bad \uFFFD(", "the line as far as it decodes");
  assert.equal(lines[3]!.raw, "x".repeat(64), "an over-long line keeps its start");
  assert.deepEqual(lines.map((l) => l.offset), [0, 9, 16, 25, 126, 133, 165, 169]);
});

Deno.test("an over-long line streamed in many chunks is counted to its end, not buffered", async () => {
  const chunk = encode("y".repeat(65536));
  const chunks = [
    encode("before\n"),
    ...Array.from({ length: 160 }, () => chunk),
    encode("\nafter\n"),
  ];
  const lines = await collect(chunks, 4096);
  assert.deepEqual(lines.map((l) => [l.line, l.offset, l.text ?? l.problem]), [
    [1, 0, "before"],
    [2, 7, `line longer than 4096 bytes (${160 * 65536} bytes)`],
    [3, 7 + 160 * 65536 + 1, "after"],
  ]);
  assert.equal(lines[1]!.raw, "y".repeat(Math.min(4096, QUARANTINE_RAW_LIMIT)));
});

Deno.test("any chunking of the same bytes gives the same lines, even inside a multi-byte character", async () => {
  const piece = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 30 }).map(encode),
    fc.constantFrom("é€😀", "\r\n", "\n", "\n\n", "y".repeat(70), "\0", "\x1b[0m", "\uFEFF").map(
      encode,
    ),
    fc.uint8Array({ maxLength: 6 }),
  );
  const input = fc.array(piece, { maxLength: 14 }).map((pieces) => {
    const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
    let at = 0;
    for (const p of pieces) {
      bytes.set(p, at);
      at += p.length;
    }
    return bytes;
  });
  await fc.assert(
    fc.asyncProperty(input, fc.array(fc.nat(), { maxLength: 8 }), async (bytes, cuts) => {
      const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
      const chunks: Uint8Array[] = [];
      let from = 0;
      for (const point of [...points, bytes.length]) {
        chunks.push(bytes.slice(from, point));
        from = point;
      }
      assert.deepEqual(await collect(chunks), splitLinesSync(bytes, options));
    }),
    { numRuns: 500 },
  );
});

Deno.test("every line gets its own number and byte offset, and clean text comes back as it was", () => {
  const line = fc.oneof(
    fc.string({ unit: "grapheme", maxLength: 20 }).filter((s) => !s.includes("\n")),
    fc.string({ unit: "binary", maxLength: 20 }).filter((s) => !s.includes("\n")),
  );
  fc.assert(
    fc.property(fc.array(line, { maxLength: 20 }), (texts) => {
      const bytes = encode(texts.join("\n"));
      const byNumber = new Map(splitLinesSync(bytes, options).map((l) => [l.line, l]));
      let offset = 0;
      texts.forEach((text, i) => {
        const raw = encode(text);
        const got = byNumber.get(i + 1);
        const content = text.endsWith("\r") ? text.slice(0, -1) : text;
        const control = [...content].filter((c) => c < " " && c !== "\t").length;
        if (content.trim().length === 0 && !(raw.length > 64)) assert.equal(got, undefined);
        else {
          assert.equal(got?.offset, offset, `offset of line ${i + 1}`);
          if (raw.length <= 64 && control === 0) {
            assert.equal(got.text, i === 0 ? content.replace(/^\uFEFF/, "") : content);
          }
        }
        offset += raw.length + 1;
      });
    }),
    { numRuns: 300 },
  );
});

Deno.test("the reported position of invalid UTF-8 is where a strict decoder stops", () => {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const decodes = (bytes: Uint8Array) => {
    try {
      strict.decode(bytes);
      return true;
    } catch {
      return false;
    }
  };
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 12 }), (bytes) => {
      const at = firstInvalidUtf8(bytes);
      assert.equal(at === bytes.length, decodes(bytes));
      assert.ok(decodes(bytes.subarray(0, at)), "everything before it is valid");
    }),
    { numRuns: 2000 },
  );
});
