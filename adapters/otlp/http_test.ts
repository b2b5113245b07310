import assert from "node:assert/strict";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import { createHttpApp } from "../http/app.ts";
import { memoryLoupe } from "../../test/support/app.ts";
import { otlpLogsHandler } from "./http.ts";

// deno-lint-ignore no-explicit-any
const logsV1 = (root as any).opentelemetry.proto.collector.logs.v1;

async function otlpApp(maxBodyBytes = 1 << 20) {
  const { loupe } = await memoryLoupe();
  const http = createHttpApp({
    app: loupe,
    clock: { now: () => 1_800_000_000_000 },
    config: { maxBodyBytes, maxLineBytes: 65536, otlpCustomerAttribute: "tenant.customer" },
  });
  return { loupe, http };
}

const NANOS = "1764806400123456789"; // 2025-12-04T00:00:00.123Z

function otlpJson(records: unknown[]) {
  return {
    resourceLogs: [{
      resource: {
        attributes: [
          { key: "service.name", value: { stringValue: "checkout" } },
          { key: "service.version", value: { stringValue: "2.4.1" } },
          { key: "deployment.environment.name", value: { stringValue: "staging" } },
          { key: "host.name", value: { stringValue: "web-3" } },
          { key: "tenant.customer", value: { stringValue: "acme" } },
        ],
      },
      scopeLogs: [{ scope: { name: "payments", version: "1.0.0" }, logRecords: records }],
    }],
  };
}

const goodRecord = {
  timeUnixNano: NANOS,
  observedTimeUnixNano: "1764806401000000000",
  severityNumber: 17,
  severityText: "Error",
  body: { stringValue: "Payment declined for order 42" },
  attributes: [{ key: "order.id", value: { intValue: "42" } }],
  traceId: "5B8EFFF798038103D269B633813FC60C",
  spanId: "EEE19B7EC3C1B174",
};

Deno.test("OTLP/JSON: resource, scope and record fields become the record and its context", async () => {
  const { loupe, http } = await otlpApp();
  const response = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(otlpJson([goodRecord])),
  });
  assert.equal(response.status, 200);
  assert.deepEqual(await response.json(), {});
  const [signature] = loupe.listSignatures({ limit: 10, offset: 0 }).items;
  assert.ok(signature);
  const [example] = loupe.signature(signature.signatureId).examples;
  assert.equal(example?.customer, "acme");
  assert.equal(example?.environment, "staging");
  assert.equal(example?.service, "checkout");
  assert.equal(example?.version, "2.4.1");
  assert.equal(example?.severityText, "ERROR");
  assert.equal(example?.timestamp, 1764806400123);
  assert.equal(example?.message, "Payment declined for order 42");
});

Deno.test("OTLP/JSON: a record without a body is rejected alone and counted in partialSuccess", async () => {
  const { loupe, http } = await otlpApp();
  const response = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(otlpJson([goodRecord, { timeUnixNano: NANOS }, { traceId: "xyz" }])),
  });
  assert.equal(response.status, 200);
  const reply = await response.json();
  assert.equal(reply.partialSuccess.rejectedLogRecords, 2);
  assert.match(reply.partialSuccess.errorMessage, /record 2: .*no body/);
  assert.match(reply.partialSuccess.errorMessage, /record 3: .*traceId/);
  assert.equal(loupe.status().recordsIngested, 1);
  assert.equal(loupe.quarantine(10, 0).total, 2);
});

Deno.test("OTLP/JSON gzip-compressed is read like plain JSON", async () => {
  const { loupe, http } = await otlpApp();
  const gzipped = await new Response(
    new Blob([JSON.stringify(otlpJson([goodRecord, goodRecord]))]).stream()
      .pipeThrough(new CompressionStream("gzip")),
  ).arrayBuffer();
  const response = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/json", "content-encoding": "gzip" },
    body: gzipped,
  });
  assert.equal(response.status, 200);
  assert.equal(loupe.status().recordsIngested, 2);
});

Deno.test("OTLP protobuf: decoded with the official definitions, answered in protobuf", async () => {
  const { loupe, http } = await otlpApp();
  const message = logsV1.ExportLogsServiceRequest.fromObject({
    resourceLogs: [{
      resource: {
        attributes: [
          { key: "service.name", value: { stringValue: "search" } },
          { key: "deployment.environment", value: { stringValue: "prod" } },
          { key: "tenant.customer", value: { stringValue: "globex" } },
        ],
      },
      scopeLogs: [{
        logRecords: [{
          timeUnixNano: 0,
          observedTimeUnixNano: 1764806400500000000,
          severityNumber: 13,
          body: { kvlistValue: { values: [{ key: "msg", value: { stringValue: "slow query" } }] } },
          spanId: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]),
        }, { severityNumber: 9 }],
      }],
    }],
  });
  const response = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body: logsV1.ExportLogsServiceRequest.encode(message).finish(),
  });
  assert.equal(response.status, 200);
  assert.equal(response.headers.get("content-type"), "application/x-protobuf");
  const reply = logsV1.ExportLogsServiceResponse.decode(
    new Uint8Array(await response.arrayBuffer()),
  );
  assert.equal(Number(reply.partialSuccess.rejectedLogRecords), 1);
  const [signature] = loupe.listSignatures({ limit: 10, offset: 0 }).items;
  const [example] = loupe.signature(signature!.signatureId).examples;
  assert.equal(example?.message, "slow query");
  assert.equal(example?.customer, "globex");
  assert.equal(example?.environment, "prod");
  assert.equal(example?.severityText, "WARN");
  // No event time: the observed time stands in.
  assert.equal(example?.timestamp, 1764806400500);
});

Deno.test("OTLP: undecodable protobuf is 400, unknown encodings 415, oversized bodies 413", async () => {
  const { http } = await otlpApp(4096);
  const garbage = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/x-protobuf" },
    body: new Uint8Array([0x0a, 0xff, 0xff, 0xff, 0x0f, 1]),
  });
  assert.equal(garbage.status, 400);
  assert.match((await garbage.json()).error.message, /Cannot decode OTLP protobuf/);
  const brotli = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/x-protobuf", "content-encoding": "br" },
    body: new Uint8Array([1]),
  });
  assert.equal(brotli.status, 415);
  const large = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify(otlpJson(Array.from({ length: 100 }, () => goodRecord))),
  });
  assert.equal(large.status, 413);
});

Deno.test("JSON that is not OTLP still goes to the usual ingest", async () => {
  const { http } = await otlpApp();
  const response = await http.request("/v1/logs", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify([{ message: "plain record", level: "info" }]),
  });
  assert.equal(response.status, 200);
  assert.equal((await response.json()).accepted, 1);
});

Deno.test("OTLP: busy gets 429 and a store failure 503, both with Retry-After, so clients retry", async () => {
  const { loupe } = await memoryLoupe();
  const request = () =>
    new Request("http://loupe/v1/logs", {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify(otlpJson([goodRecord])),
    });
  const busy = otlpLogsHandler({
    app: loupe,
    maxBodyBytes: 1 << 20,
    customerAttribute: "customer.id",
    maxPending: 0,
  });
  const tooMany = (await busy(request()))!;
  assert.equal(tooMany.status, 429);
  assert.equal(tooMany.headers.get("retry-after"), "1");
  assert.equal((await tooMany.json()).error.code, "too_many_requests");

  const failing = otlpLogsHandler({
    app: new Proxy(loupe, {
      get: (target, key) =>
        key === "ingest"
          ? () => Promise.reject(new Error("disk on fire"))
          : Reflect.get(target, key, target),
    }),
    maxBodyBytes: 1 << 20,
    customerAttribute: "customer.id",
  });
  const console_error = console.error;
  console.error = () => {};
  try {
    const unavailable = (await failing(request()))!;
    assert.equal(unavailable.status, 503);
    assert.equal(unavailable.headers.get("retry-after"), "1");
  } finally {
    console.error = console_error;
  }
});

Deno.test("OTLP follows the text path's rules: keys scoped and bound to the body, a records cap", async () => {
  const { loupe } = await memoryLoupe();
  const http = createHttpApp({
    app: loupe,
    clock: { now: () => 1_800_000_000_000 },
    config: {
      maxBodyBytes: 1 << 20,
      maxLineBytes: 65536,
      maxLines: 3,
      otlpCustomerAttribute: "tenant.customer",
    },
  });
  const push = (records: unknown[], key: string, query = "") =>
    http.request(`/v1/logs${query}`, {
      method: "POST",
      headers: { "content-type": "application/json", "idempotency-key": key },
      body: JSON.stringify(otlpJson(records)),
    });
  const other = { ...goodRecord, body: { stringValue: "Payment declined for order 43" } };

  assert.equal((await push([goodRecord], "k1")).status, 200);
  assert.equal((await push([goodRecord], "k1")).status, 200);
  assert.equal(loupe.status().recordsIngested, 1, "a retry is stored once");

  const reused = await push([other], "k1");
  assert.equal(reused.status, 409);
  assert.equal((await reused.json()).error.code, "idempotency_key_reused");

  assert.equal((await push([goodRecord], "k1", "?environment=eu")).status, 200);
  assert.equal(loupe.status().recordsIngested, 2, "another origin's key does not collide");

  const tooMany = await push([goodRecord, goodRecord, goodRecord, goodRecord], "k2");
  assert.equal(tooMany.status, 413);
  assert.equal((await tooMany.json()).error.code, "payload_too_large");

  const longKey = await push([goodRecord], "k".repeat(300));
  assert.equal(longKey.status, 400);
  assert.equal(loupe.status().recordsIngested, 2);
});
