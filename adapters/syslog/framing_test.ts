import assert from "node:assert/strict";
import fc from "fast-check";
import { SyslogFramer } from "./framing.ts";

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
