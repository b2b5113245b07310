import assert from "node:assert/strict";
import { parseBody } from "../log_sources/parse_body.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";

const settings: RedactionSettings = {
  secret: "test-secret",
  rules: { customers: { acme: { disabled: ["email"] } } },
};
const bytes = (text: string) => new TextEncoder().encode(text);

Deno.test("parsed records and quarantined lines come out redacted", () => {
  const body = bytes(
    '{"msg":"login by bob@example.com from 10.9.8.7","password":"hunter2","sdk_version":"1.2.3.4"}\n' +
      '{"msg": "broken bob@example.com\n',
  );
  const parsed = parseBody(body, {
    source: "http",
    maxLineBytes: 65536,
    referenceTime: 0,
    redaction: settings,
  });
  const record = parsed.records[0]!.parsed;
  assert.match(record.message, /^login by <email:[0-9a-f]{6}> from <ipv4:[0-9a-f]{6}>$/);
  assert.match(String(record.attributes.password), /^<secret:[0-9a-f]{6}>$/);
  assert.equal(record.attributes.sdk_version, "1.2.3.4");
  const line = parsed.quarantined[0]!;
  assert.ok(!line.raw.includes("bob@example.com"), line.raw);
  assert.ok(!line.reason.includes("bob@example.com"), line.reason);
});

Deno.test("the same value gets the same pseudonym in every body, and a customer's rules apply", () => {
  const parse = (text: string, customer?: string) =>
    parseBody(bytes(text), {
      source: "http",
      maxLineBytes: 65536,
      referenceTime: 0,
      redaction: settings,
      ...(customer === undefined ? {} : { context: { customer } }),
    }).records.map((r) => r.parsed.message);
  const [a] = parse('{"msg":"bob@example.com"}');
  const [b] = parse('{"msg":"again bob@example.com"}');
  assert.equal(`again ${a}`, b);
  assert.deepEqual(parse('{"msg":"bob@example.com"}', "acme"), ["bob@example.com"]);
});

Deno.test("without redaction settings, parsing keeps the text as it is", () => {
  const parsed = parseBody(bytes('{"msg":"bob@example.com"}'), {
    source: "http",
    maxLineBytes: 65536,
    referenceTime: 0,
  });
  assert.equal(parsed.records[0]!.parsed.message, "bob@example.com");
});
