import assert from "node:assert/strict";
import fc from "fast-check";
import { SyslogFramer } from "./framing.ts";
import { recordsOfFrames, recordsOfPacked, unpackFrames } from "./messages.ts";

const encoder = new TextEncoder();
const line = fc.oneof(
  fc.constant("<134>1 2026-12-01T00:00:00.000Z host-1 checkout 1001 - - User 7 from 10.0.1.2"),
  fc.constant("<13>Dec  4 10:00:00 acme api[12]: mail jane@acme.example"),
  fc.constant("<14>1 - café - - - naïve"),
  fc.constant("no pri at all"),
  fc.string({ maxLength: 40 }).map((text) => `<11>1 - h a - - ${text.replace(/[\n\r\0]/g, " ")}`),
);

Deno.test("property: packed reads give the records and quarantine that frame by frame gives", () => {
  fc.assert(
    fc.property(
      fc.array(
        fc.oneof(
          line.map((text) => encoder.encode(`${text}\n`)),
          fc.constant(Uint8Array.of(0x3c, 0xff, 0x0a)),
          fc.constant(encoder.encode(`${"y".repeat(90)}\n`)),
        ),
        { maxLength: 20 },
      ),
      fc.boolean(),
      (pieces, redact) => {
        const bytes = new Uint8Array(pieces.reduce((n, p) => n + p.length, 0));
        let at = 0;
        for (const piece of pieces) {
          bytes.set(piece, at);
          at += piece.length;
        }
        const packed = new SyslogFramer(80).pushPacked(bytes);
        const options = {
          source: "tcp",
          firstLine: 3,
          now: Date.UTC(2026, 11, 4),
          environment: "prod",
          ...(redact ? { redaction: { secret: "s", rules: {} } } : {}),
        };
        assert.deepEqual(
          recordsOfPacked(packed, options),
          recordsOfFrames(unpackFrames(packed), options),
        );
      },
    ),
  );
});
