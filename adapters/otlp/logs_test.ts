import assert from "node:assert/strict";
import fc from "fast-check";
import { decodeOtlpProtobuf, otlpRecords, parseOtlpJson } from "./logs.ts";
import { Redactor } from "../../domain/redaction/mod.ts";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";

// deno-lint-ignore no-explicit-any
const logsV1 = (root as any).opentelemetry.proto.collector.logs.v1;

Deno.test("trace and span ids are kept as lowercase hex; ids of zeros count as unset", () => {
  const bytes = logsV1.ExportLogsServiceRequest.encode(logsV1.ExportLogsServiceRequest.fromObject({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: [
          {
            body: { stringValue: "traced" },
            traceId: Uint8Array.from({ length: 16 }, (_, i) => i * 17),
            spanId: Uint8Array.of(0, 0, 0, 0, 0, 0, 0, 0xab),
          },
          {
            body: { stringValue: "untraced" },
            traceId: new Uint8Array(16),
            spanId: new Uint8Array(8),
          },
        ],
      }],
    }],
  })).finish();
  const { records } = otlpRecords(decodeOtlpProtobuf(bytes), {
    customerAttribute: "customer.id",
    source: "otlp",
  });
  const [traced, untraced] = records.map((record) => record.parsed.attributes);
  assert.equal(traced!.trace_id, "00112233445566778899aabbccddeeff");
  assert.equal(traced!.span_id, "00000000000000ab");
  assert.equal(untraced!.trace_id, undefined);
  assert.equal(untraced!.span_id, undefined);
});

Deno.test("property: an id of any length reads as its bytes in lowercase hex, unset when all zero", () => {
  fc.assert(
    fc.property(
      fc.oneof(
        fc.uint8Array({ minLength: 1, maxLength: 32 }),
        // Longer than the 64 bytes written at once: ids are 16 and 8 bytes, but any length arrives.
        fc.uint8Array({ minLength: 60, maxLength: 300, size: "max" }),
      ),
      (id) => {
        const bytes = logsV1.ExportLogsServiceRequest.encode(
          logsV1.ExportLogsServiceRequest.fromObject({
            resourceLogs: [{
              scopeLogs: [{ logRecords: [{ body: { stringValue: "x" }, traceId: id }] }],
            }],
          }),
        ).finish();
        const [record] = otlpRecords(decodeOtlpProtobuf(new Uint8Array(bytes)), {
          customerAttribute: "customer.id",
          source: "otlp",
        }).records;
        const expected = Array.from(id, (byte) => byte.toString(16).padStart(2, "0")).join("");
        assert.equal(
          record!.parsed.attributes!.trace_id,
          id.some((b) => b !== 0) ? expected : undefined,
        );
      },
    ),
  );
});

Deno.test("redacted as read: resource attributes too, each record under its own customer's rules", () => {
  const request = parseOtlpJson({
    resourceLogs: [{
      resource: {
        attributes: [
          { key: "customer.id", value: { stringValue: "acme" } },
          { key: "owner", value: { stringValue: "jane@acme.example" } },
        ],
      },
      scopeLogs: [{
        logRecords: [
          { body: { stringValue: "mail jane@acme.example" } },
          {
            body: { stringValue: "mail jane@acme.example" },
            attributes: [{ key: "customer.id", value: { stringValue: "globex" } }],
          },
        ],
      }],
    }],
  });
  const redactor = new Redactor(
    { customers: { globex: { allow: ["jane@acme.example"] } } },
    () => "000011",
  );
  const options = { customerAttribute: "customer.id", source: "otlp" };
  const [acme, globex] = otlpRecords(request, options, { redactor, context: {} }).records
    .map((record) => record.parsed);
  assert.equal(acme!.message, "mail <email:000011>");
  assert.equal(acme!.attributes.owner, "<email:000011>");
  assert.equal(globex!.message, "mail jane@acme.example");
  assert.equal(globex!.attributes.owner, "jane@acme.example");
  // Pinned to a token's origin, the token's customer decides.
  const pinned = otlpRecords(request, { ...options, pinOrigin: true }, {
    redactor,
    context: { customer: "globex" },
  }).records.map((record) => record.parsed);
  assert.deepEqual(pinned.map((p) => [p.customer, p.message]), [
    [undefined, "mail jane@acme.example"],
    [undefined, "mail jane@acme.example"],
  ]);
});

Deno.test("ids stay as sent under redaction, even when their hex reads as a card number", () => {
  const request = parseOtlpJson({
    resourceLogs: [{
      scopeLogs: [{
        logRecords: [{
          body: { stringValue: "paid with 4111 1111 1111 1111" },
          attributes: [{ key: "card", value: { stringValue: "4111111111111111" } }],
          traceId: "4111111111111111" + "0".repeat(16),
          spanId: "4111111111111111",
        }],
      }],
    }],
  });
  const redactor = new Redactor({}, () => "000011");
  const [record] = otlpRecords(request, { customerAttribute: "customer.id", source: "otlp" }, {
    redactor,
    context: {},
  }).records.map((record) => record.parsed);
  // The same digits are a card in the body and in an attribute, not in an id.
  assert.equal(record!.message, "paid with <card:000011>");
  assert.equal(record!.attributes.card, "<card:000011>");
  assert.equal(record!.attributes.span_id, "4111111111111111");
  assert.equal(record!.attributes.trace_id, "4111111111111111" + "0".repeat(16));
});
