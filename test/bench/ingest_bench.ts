/**
 * Ingest, replay and HTTP throughput on the real entry points: a fleet's logs
 * are written in their native formats, `replay --import` ingests
 * them into a fresh LMDB store with durable acknowledgement, and a real
 * server takes NDJSON batches over loopback.
 */
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";
import { atLeast, type Bench, type BenchRow } from "./bench_types.ts";
import { INGEST_BENCH_RECORDS as RECORDS, writeFleetLogs } from "./fleet_logs.ts";

const ingest: Bench = {
  name: "ingest",
  description: `import ~${
    RECORDS.toLocaleString("en")
  } mixed-format records into LMDB, then replay them`,
  async run() {
    const work = await Deno.makeTempDir({ prefix: "loupe-bench-ingest-" });
    try {
      await writeFleetLogs(`${work}/logs`, RECORDS);
      const imported = await runEntry("replay", [
        "--data",
        `${work}/data`,
        "--import",
        `${work}/logs`,
      ], ["--expose-gc"]);
      if (imported.code !== 0) throw new Error(`Import failed: ${imported.stderr}`);
      const first = JSON.parse(imported.stdout);
      const replayed = await runEntry("replay", ["--data", `${work}/data`]);
      if (replayed.code !== 0) throw new Error(`Replay failed: ${replayed.stderr}`);
      const second = JSON.parse(replayed.stdout);
      const endToEnd = first.imported_records / (first.import_seconds + first.replay_seconds);
      const rows: BenchRow[] = [
        {
          bench: "ingest",
          metric: "records imported",
          value: first.imported_records,
          unit: "records",
        },
        {
          bench: "ingest",
          metric: "lines quarantined",
          value: first.imported_quarantined,
          unit: "lines",
        },
        {
          bench: "ingest",
          metric: "durable ingest (parse+mine+append)",
          value: first.import_records_per_second,
          unit: "records/s",
          ...atLeast(first.import_records_per_second, 150_000),
        },
        {
          bench: "ingest",
          metric: "end to end incl. projections",
          value: Math.round(endToEnd),
          unit: "records/s",
          note: "import + projection build",
        },
        {
          bench: "ingest",
          metric: "replay from position 0",
          value: second.replay_records_per_second,
          unit: "records/s",
          ...atLeast(second.replay_records_per_second, 300_000),
        },
        { bench: "ingest", metric: "signatures", value: second.signatures, unit: "signatures" },
        {
          bench: "ingest",
          metric: "peak RSS during import",
          value: mib(first.peak_rss_bytes),
          unit: "MiB",
        },
        {
          bench: "ingest",
          metric: "peak JS heap during import",
          value: mib(first.peak_heap_bytes),
          unit: "MiB",
          note: "LMDB pages count in RSS, not heap",
        },
        ...first.live_heap_by_quarter_bytes.map((bytes: number, quarter: number) => ({
          bench: "ingest",
          metric: `live heap after GC at ${25 * (quarter + 1)}% of import`,
          value: mib(bytes),
          unit: "MiB",
          ...(quarter === 0 ? {} : { note: "flat = memory does not grow with records" }),
        })),
        { bench: "ingest", metric: "store size", value: mib(second.store_bytes), unit: "MiB" },
        {
          bench: "ingest",
          metric: "store bytes per record",
          value: Math.round(second.store_bytes / first.imported_records),
          unit: "bytes",
        },
      ];
      return rows;
    } finally {
      await Deno.remove(work, { recursive: true });
    }
  },
};

const mib = (bytes: number) => Math.round(bytes / 1024 / 1024);

const HTTP_BATCH = 1000;
const HTTP_BATCHES = Number(Deno.env.get("LOUPE_BENCH_HTTP_BATCHES") ?? 300);
const HTTP_CLIENTS = Number(Deno.env.get("LOUPE_BENCH_HTTP_CLIENTS") ?? 8);

function ndjsonBatch(batch: number): string {
  const lines: string[] = [];
  const services = ["checkout", "billing", "search", "auth"];
  for (let i = 0; i < HTTP_BATCH; i++) {
    const n = batch * HTTP_BATCH + i;
    const service = services[n % services.length]!;
    const line = n % 10 === 0
      ? {
        time: new Date(1_780_000_000_000 + n * 37).toISOString(),
        level: "error",
        service,
        msg: `Payment provider timeout after ${n % 5000} ms for order ${n}`,
        order_id: n,
      }
      : n % 3 === 0
      ? {
        time: new Date(1_780_000_000_000 + n * 37).toISOString(),
        level: "warn",
        service,
        msg: `Cache miss for key user:${n % 9973} took ${n % 120} ms`,
      }
      : {
        time: new Date(1_780_000_000_000 + n * 37).toISOString(),
        level: "info",
        service,
        msg: `GET /api/v2/items/${n % 777} completed 200 in ${n % 300} ms`,
        client_ip: `10.${n % 256}.${(n >> 8) % 256}.7`,
      };
    lines.push(JSON.stringify(line));
  }
  return lines.join("\n");
}

const http: Bench = {
  name: "http-ingest",
  description:
    `POST /v1/logs, ${HTTP_BATCHES} batches of ${HTTP_BATCH} NDJSON records from ${HTTP_CLIENTS} clients`,
  async run() {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-bench-http-" });
    const server = await startServer(dataDir);
    try {
      const bodies = Array.from({ length: 16 }, (_, i) => ndjsonBatch(i));
      let next = 0;
      let records = 0;
      const client = async () => {
        while (next < HTTP_BATCHES) {
          const batch = next++;
          const response = await fetch(
            `${server.url}/v1/logs?customer=cust${batch % 25}&environment=prod`,
            {
              method: "POST",
              headers: { "content-type": "application/x-ndjson" },
              body: bodies[batch % bodies.length],
            },
          );
          if (response.status !== 200) {
            throw new Error(`HTTP ${response.status}: ${await response.text()}`);
          }
          const reply = await response.json();
          records += reply.accepted;
        }
      };
      const started = performance.now();
      await Promise.all(Array.from({ length: HTTP_CLIENTS }, client));
      const seconds = (performance.now() - started) / 1000;
      const rate = Math.round(records / seconds);
      return [
        { bench: "http-ingest", metric: "records accepted", value: records, unit: "records" },
        {
          bench: "http-ingest",
          metric: "POST /v1/logs throughput",
          value: rate,
          unit: "records/s",
          ...atLeast(rate, 80_000),
          note: "durable and projected before each reply",
        },
      ];
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
};

export const ingestBenches: Bench[] = [ingest, http];
