import assert from "node:assert/strict";
import { decodeOtlpProtobuf, otlpRecords } from "./logs.ts";
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
