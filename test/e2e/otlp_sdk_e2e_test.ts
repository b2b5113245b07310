/**
 * The OpenTelemetry JS SDK's own OTLP/HTTP log exporters (protobuf and JSON)
 * send to a real Loupe server; the records come back with their context,
 * times and trace ids.
 */
import assert from "node:assert/strict";
import { context, SeverityNumber, trace, TraceFlags } from "@opentelemetry/api";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPLogExporter as ProtobufExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { OTLPLogExporter as JsonExporter } from "@opentelemetry/exporter-logs-otlp-http";
import { startServer } from "../support/server.ts";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { decodedData } from "../../ports/event_store.ts";
import type { LogBatchIngestedData } from "../../domain/events.ts";
import { fromAttributePairs } from "../../domain/log_record.ts";

interface Example {
  time: string;
  customer: string;
  environment: string;
  service: string;
  version: string;
  severity: string;
  message: string;
}

async function examplesOf(url: string, expected: number): Promise<Example[]> {
  for (let attempt = 0; attempt < 100; attempt++) {
    const reply = await (await fetch(`${url}/v1/signatures?limit=100`)).json();
    const total = reply.items.reduce((n: number, s: { count: number }) => n + s.count, 0);
    if (total >= expected) {
      return (await Promise.all(
        reply.items.map(async (s: { id: string }) =>
          (await (await fetch(`${url}/v1/signatures/${s.id}`)).json()).examples
        ),
      )).flat();
    }
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error("Timed out waiting for the exported records");
}

for (
  const [encoding, Exporter, format] of [
    ["protobuf", ProtobufExporter, "otlp-protobuf"],
    ["JSON", JsonExporter, "otlp-json"],
  ] as const
) {
  Deno.test({
    name: `OpenTelemetry SDK OTLP/HTTP ${encoding} exporter: records, context, times and trace ids`,
    sanitizeResources: false,
    sanitizeOps: false,
    fn: async () => {
      const dir = await Deno.makeTempDir({ prefix: "loupe-otlp-" });
      const server = await startServer(dir, { LOUPE_OTLP_CUSTOMER_ATTRIBUTE: "tenant.name" });
      let stopped = false;
      try {
        const exporter = new Exporter({ url: `${server.url}/v1/logs` });
        const provider = new LoggerProvider({
          resource: resourceFromAttributes({
            "service.name": "checkout",
            "service.version": "3.2.0",
            "deployment.environment.name": "staging",
            "host.name": "node-7",
            "tenant.name": "initech",
          }),
          processors: [new BatchLogRecordProcessor({ exporter })],
        });
        const logger = provider.getLogger("payments", "1.4.0");
        const span = trace.setSpanContext(context.active(), {
          traceId: "4bf92f3577b34da6a3ce929d0e0e4736",
          spanId: "00f067aa0ba902b7",
          traceFlags: TraceFlags.SAMPLED,
        });
        const start = Date.UTC(2026, 11, 4, 9, 0, 0, 0);
        for (let i = 0; i < 5; i++) {
          logger.emit({
            timestamp: start + i * 1000,
            severityNumber: SeverityNumber.ERROR,
            severityText: "ERROR",
            body: `Card authorization failed for order ${1000 + i}`,
            attributes: { "order.id": 1000 + i, "payment.provider": "stripe" },
            context: span,
          });
        }
        logger.emit({
          timestamp: start + 10_000,
          severityNumber: SeverityNumber.INFO,
          body: { message: "Checkout completed", cart_items: 3 },
        });
        await provider.forceFlush();
        await provider.shutdown();

        const examples = await examplesOf(server.url, 6);
        const failed = examples.filter((e) => e.message.startsWith("Card authorization failed"));
        assert.equal(failed.length, 5);
        for (const example of failed) {
          assert.equal(example.customer, "initech");
          assert.equal(example.environment, "staging");
          assert.equal(example.service, "checkout");
          assert.equal(example.version, "3.2.0");
          assert.equal(example.severity, "ERROR");
        }
        assert.deepEqual(
          failed.map((e) => e.time).sort(),
          [0, 1, 2, 3, 4].map((i) => new Date(start + i * 1000).toISOString()),
        );
        const completed = examples.find((e) => e.message === "Checkout completed");
        assert.equal(completed?.severity, "INFO");
        assert.equal(completed?.time, new Date(start + 10_000).toISOString());

        await server.stop();
        stopped = true;
        // Trace ids, scope and resource attributes are kept with each record.
        const environment = openLmdb(dir);
        const store = new LmdbEventStore(environment, { clock: { now: () => Date.now() } });
        const batches = (await store.readAll(0, 1000))
          .filter((e) => e.type === "LogBatchIngested")
          .map((e) => decodedData(e.data) as LogBatchIngestedData);
        assert.ok(batches.every((b) => b.format === format), batches.map((b) => b.format).join());
        const records = batches.flatMap((b) => b.records)
          .map((r) => ({ ...r, attributes: fromAttributePairs(r.attributes) }));
        await environment.close();
        const traced = records.filter((r) => r.message.startsWith("Card authorization failed"));
        assert.equal(traced.length, 5);
        for (const record of traced) {
          assert.equal(record.attributes.trace_id, "4bf92f3577b34da6a3ce929d0e0e4736");
          assert.equal(record.attributes.span_id, "00f067aa0ba902b7");
          assert.equal(record.attributes["otel.scope.name"], "payments");
          assert.equal(record.attributes["otel.scope.version"], "1.4.0");
          assert.equal(record.attributes["host.name"], "node-7");
          assert.equal(record.attributes["payment.provider"], "stripe");
          assert.equal(typeof record.attributes["order.id"], "number");
        }
        const structured = records.find((r) => r.message === "Checkout completed");
        assert.equal(structured?.attributes["body.cart_items"], 3);
      } finally {
        if (!stopped) await server.stop();
        await Deno.remove(dir, { recursive: true });
      }
    },
  });
}
