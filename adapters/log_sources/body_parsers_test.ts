import assert from "node:assert/strict";
import { storedRecordOf } from "../../domain/events.ts";
import { skeletonsOf } from "../../domain/mining/skeletons.ts";
import { recordsByOrigin } from "../../ports/log_source.ts";
import { BodyParsers } from "./body_parsers.ts";
import { parseBody } from "./parse_body.ts";

const RECEIVED_AT = Date.UTC(2026, 10, 1);

Deno.test("a body parsed on a worker gives what parsing in place gives, records encoded", async () => {
  const parsers = new BodyParsers(2);
  try {
    for await (const entry of Deno.readDir("fixtures/formats")) {
      const bytes = await Deno.readFile(`fixtures/formats/${entry.name}`);
      // Junk among the lines, to be quarantined the same way.
      const body = new Uint8Array([...bytes, 0xff, 0xfe, 0x0a, ...bytes]);
      const options = {
        source: entry.name,
        context: { customer: "acme", environment: "prod" },
        maxLineBytes: 65536,
        referenceTime: RECEIVED_AT,
      };
      const expected = parseBody(body, options);
      const parsed = await parsers.parse(body.slice(), options);
      assert.equal(parsed.format, expected.format, entry.name);
      assert.deepEqual(parsed.quarantined, expected.quarantined, entry.name);
      assert.deepEqual(
        parsed.records.skeletons,
        skeletonsOf(expected.records.map((r) => r.parsed.message)),
        entry.name,
      );
      assert.equal(parsed.records.count, expected.records.length, entry.name);
      // Records of each origin (a tenant, a customer a line names) are encoded apart, in order.
      const byOrigin = recordsByOrigin(expected.records, options.context);
      assert.deepEqual(
        parsed.records.parts.map((p) => [p.origin, p.positions && [...p.positions]]),
        byOrigin.map((g) => [g.origin, g.positions]),
        entry.name,
      );
      byOrigin.forEach(({ records }, index) => {
        const signatures = records.map((_, i) => `sig-${i % 3}`);
        assert.deepEqual(
          parsed.records.parts[index]!.withSignatures(signatures, RECEIVED_AT).decode(),
          records.map((r, i) =>
            storedRecordOf(r.parsed, options.context, RECEIVED_AT, r.line, r.offset, signatures[i]!)
          ),
          entry.name,
        );
      });
    }
  } finally {
    parsers.close();
  }
});

Deno.test("a body that is a view into a larger buffer is copied over; the caller's buffer stays whole", async () => {
  const parsers = new BodyParsers(1);
  try {
    const whole = new TextEncoder().encode('xx{"msg":"paid"}\n');
    const parsed = await parsers.parse(whole.subarray(2), {
      source: "http",
      context: {},
      maxLineBytes: 65536,
      referenceTime: 0,
    });
    assert.deepEqual(parsed.records.skeletons.examples, ["paid"]);
    assert.equal(whole.byteLength, 17);
  } finally {
    parsers.close();
  }
});

Deno.test("closing the parsers fails the bodies still being parsed, with the reason", async () => {
  const parsers = new BodyParsers(1);
  const pending = parsers.parse(new TextEncoder().encode('{"msg":"paid"}\n'), {
    source: "http",
    context: {},
    maxLineBytes: 65536,
    referenceTime: 0,
  });
  parsers.close();
  await assert.rejects(pending, /closed/);
});
