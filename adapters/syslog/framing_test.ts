import assert from "node:assert/strict";
import fc from "fast-check";
import { SyslogFramer } from "./framing.ts";
import { unpackFrames } from "./messages.ts";

const encoder = new TextEncoder();
const decoder = new TextDecoder();

// A syslog message: starts with its PRI, no LF inside (LF framing could not carry one).
const message = fc.tuple(fc.integer({ min: 0, max: 191 }), fc.string({ maxLength: 80 }))
  .map(([pri, text]) => `<${pri}>1 - ${text.replace(/[\n\r\0]/g, " ")}`.trimEnd());

Deno.test("property: however the stream is cut into chunks, the framer yields each message once, in order", () => {
  fc.assert(
    fc.property(
      fc.array(fc.tuple(message, fc.boolean()), { maxLength: 30 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
      (messages, cuts) => {
        const stream = encoder.encode(
          messages.map(([text, octetCounted]) =>
            octetCounted ? `${encoder.encode(text).length} ${text}` : `${text}\n`
          ).join(""),
        );
        const framer = new SyslogFramer(4096);
        const frames = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          frames.push(...framer.push(stream.subarray(at, at + size)));
          at += size;
        }
        frames.push(...framer.end());
        assert.deepEqual(
          frames.map((f) => ("bytes" in f ? decoder.decode(f.bytes) : `refused: ${f.refused}`)),
          messages.map(([text]) => text),
        );
      },
    ),
  );
});

Deno.test("a frame over the limit is refused and the stream goes on after it", () => {
  const framer = new SyslogFramer(10);
  const frames = framer.push(encoder.encode(`21 <13>1 - 0123456789012<14>1 - ok\n`));
  assert.deepEqual(
    frames.map((f) => ("bytes" in f ? decoder.decode(f.bytes) : "refused")),
    ["refused", "<14>1 - ok"],
  );
});

Deno.test("property: packed frames are the frames push gives, refused ones included", () => {
  const piece = fc.oneof(
    message.map((text) => `${text}\n`),
    message.map((text) => `${encoder.encode(text).length} ${text}`),
    fc.constant(`${"x".repeat(70)}\n`),
    fc.constant("12345678901 x\n"),
    fc.constant("\r\n"),
  );
  fc.assert(
    fc.property(
      fc.array(piece, { maxLength: 30 }),
      fc.array(fc.integer({ min: 1, max: 50 }), { minLength: 1, maxLength: 20 }),
      (pieces, cuts) => {
        const stream = encoder.encode(pieces.join(""));
        const plain = new SyslogFramer(64);
        const packed = new SyslogFramer(64);
        const expected = [];
        const actual = [];
        let at = 0;
        for (let i = 0; at < stream.length; i++) {
          const size = cuts[i % cuts.length]!;
          const chunk = stream.slice(at, at + size);
          expected.push(...plain.push(chunk));
          const frames = packed.pushPacked(chunk);
          // The reader's buffer is read into again: packed frames must not share it.
          chunk.fill(0);
          actual.push(...unpackFrames(frames));
          at += size;
        }
        expected.push(...plain.end());
        actual.push(...packed.end());
        assert.deepEqual(actual, expected);
      },
    ),
  );
});
