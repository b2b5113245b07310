/**
 * Issue 25's measured figures: hostile requests (fuzz), kill -9 rounds
 * (crash), a bulk customer import beside /healthz (customer-import) and a
 * sustained load (soak), each against a real server on a temp store.
 */
import { atMost, type Bench, type BenchRow } from "./bench_types.ts";
import { runCrashRounds } from "../support/crash.ts";
import { runFuzz, seedTargets } from "../support/fuzz.ts";
import { startServer } from "../support/server.ts";
import {
  articleImport,
  type BulkImport,
  customerImport,
  probingHealth,
  quantile,
  sendImport,
  ticketImport,
} from "../support/bulk_imports.ts";

const FUZZ_CASES = 10_000;
const CRASH_ROUNDS = 20;
const IMPORT_CUSTOMERS = 50_000;
const IMPORT_TICKETS = 20_000;
const IMPORT_ARTICLES = 5_000;
/** Soak length; LOUPE_SOAK_SECONDS shortens it (the figure is 10 minutes). */
const SOAK_SECONDS_DEFAULT = 600;
const SOAK_CLIENTS = 4;
const SOAK_BATCH = 1_000;

async function withServer<T>(work: (url: string, pid: number) => Promise<T>): Promise<T> {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-robust-bench-" });
  const server = await startServer(dataDir);
  try {
    return await work(server.url, server.process.pid);
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
}

/** Resident and anonymous memory of a process, in MB (Linux). */
async function memoryOf(pid: number): Promise<{ rss: number; anon: number }> {
  // Deno lets only --allow-all read /proc of another process: cat can.
  const output = await new Deno.Command("cat", { args: [`/proc/${pid}/status`] }).output();
  const status = new TextDecoder().decode(output.stdout);
  const kb = (name: string) =>
    Number(new RegExp(`^${name}:\\s+(\\d+) kB`, "m").exec(status)?.[1] ?? 0);
  return { rss: kb("VmRSS") / 1024, anon: kb("RssAnon") / 1024 };
}

const fuzz: Bench = {
  name: "fuzz",
  description: `${FUZZ_CASES} hostile requests at every write endpoint of a real server`,
  run: () =>
    withServer(async (url) => {
      const targets = await seedTargets(url);
      const started = performance.now();
      const report = await runFuzz(url, targets, FUZZ_CASES);
      const seconds = (performance.now() - started) / 1000;
      for (const failure of report.failures.slice(0, 10)) console.error("  failure:", failure);
      for (const failure of report.readFailures) console.error("  read failure:", failure);
      const row = (metric: string, value: number, unit: string, extra: Partial<BenchRow> = {}) => ({
        bench: "fuzz",
        metric,
        value,
        unit,
        ...extra,
      });
      return [
        row("cases", report.cases, "requests", {
          note: `by status ${JSON.stringify(report.byStatus)}; ${seconds.toFixed(0)} s`,
        }),
        row(
          "5xx or unshaped errors",
          report.failures.length,
          "requests",
          atMost(report.failures.length, 0),
        ),
        row("healthz failures", report.healthFailures, "probes", atMost(report.healthFailures, 0)),
        row("healthz max", report.healthMaxMs, "ms", {
          ...atMost(report.healthMaxMs, 100),
          note: `${report.healthProbes} probes, ${report.healthOver100Ms} over 100 ms`,
        }),
        row(
          "reads not 200 after",
          report.readFailures.length,
          "endpoints",
          atMost(report.readFailures.length, 0),
        ),
      ];
    }),
};

const crash: Bench = {
  name: "crash",
  description: `${CRASH_ROUNDS} kill -9 during ingest, ticket comments and customer imports`,
  run: async () => {
    const report = await runCrashRounds(CRASH_ROUNDS);
    for (const line of [...report.lost, ...report.duplicated, ...report.halfWritten].slice(0, 20)) {
      console.error("  ", line);
    }
    const acked = report.acknowledged;
    return [
      {
        bench: "crash",
        metric: "acknowledged writes",
        value: acked.ingest + acked.comments + acked.imports,
        unit: "writes",
        note:
          `${report.rounds} rounds: ${acked.ingest} batches, ${acked.comments} comments, ${acked.imports} imports`,
      },
      {
        bench: "crash",
        metric: "lost",
        value: report.lost.length,
        unit: "writes",
        ...atMost(report.lost.length, 0),
      },
      {
        bench: "crash",
        metric: "duplicated",
        value: report.duplicated.length,
        unit: "writes",
        ...atMost(report.duplicated.length, 0),
      },
      {
        bench: "crash",
        metric: "half written",
        value: report.halfWritten.length,
        unit: "batches",
        ...atMost(report.halfWritten.length, 0),
      },
    ];
  },
};

/**
 * One bulk import against a fresh server while /healthz is probed: how long
 * it took, and p99 and max of the probes (the issue: never over 100 ms).
 */
function importBench(name: string, bulk: () => BulkImport, targetSeconds: number): Bench {
  const sample = bulk();
  return {
    name,
    description: `${sample.kind} imported (${
      (sample.body.length / 1e6).toFixed(1)
    } MB) while /healthz is probed`,
    run: () =>
      withServer(async (url) => {
        const started = performance.now();
        const { result, latenciesMs, failures } = await probingHealth(
          url,
          () => sendImport(url, sample),
        );
        const seconds = (performance.now() - started) / 1000;
        const max = Math.max(0, ...latenciesMs);
        const p99 = quantile(latenciesMs, 0.99);
        const over100 = latenciesMs.filter((ms) => ms > 100).length;
        return [
          {
            bench: name,
            metric: "import time",
            value: seconds,
            unit: "s",
            ...atMost(seconds, targetSeconds),
            note: `status ${result.status}`,
          },
          {
            bench: name,
            metric: "healthz p99 during import",
            value: p99,
            unit: "ms",
            ...atMost(p99, 100),
            note: `${latenciesMs.length} probes, ${failures} failed`,
          },
          {
            bench: name,
            metric: "healthz max during import",
            value: max,
            unit: "ms",
            ...atMost(max, 100),
            note: `${over100} over 100 ms`,
          },
        ];
      }),
  };
}

const customerImportBench = importBench(
  "customer-import",
  () => customerImport(IMPORT_CUSTOMERS),
  5,
);
const ticketImportBench = importBench("ticket-import", () => ticketImport(IMPORT_TICKETS), 30);
const articleImportBench = importBench(
  "article-import",
  () => articleImport(IMPORT_ARTICLES),
  30,
);

function soakBody(client: number, batch: number): string {
  const lines: string[] = [];
  const base = 1_772_359_200_000 + batch * 1000;
  for (let i = 0; i < SOAK_BATCH; i++) {
    lines.push(
      `{"ts":${base + i},"level":"${
        i % 5 === 0 ? "error" : "info"
      }","msg":"client ${client} order ${batch * SOAK_BATCH + i} ${
        i % 5 === 0 ? "failed: card declined" : "shipped"
      } in ${i % 97} ms"}`,
    );
  }
  return lines.join("\n");
}

const soak: Bench = {
  name: "soak",
  description: `${SOAK_CLIENTS} clients x ${SOAK_BATCH}-record batches for ${
    Number(Deno.env.get("LOUPE_SOAK_SECONDS") ?? SOAK_SECONDS_DEFAULT)
  } s (LOUPE_SOAK_SECONDS)`,
  run: () =>
    withServer(async (url, pid) => {
      const seconds = Number(Deno.env.get("LOUPE_SOAK_SECONDS") ?? SOAK_SECONDS_DEFAULT);
      const memory = [await memoryOf(pid)];
      const started = performance.now();
      const deadline = started + seconds * 1000;
      let records = 0;
      let errors = 0;
      const clients = Array.from({ length: SOAK_CLIENTS }, async (_, client) => {
        for (let batch = 0; performance.now() < deadline; batch++) {
          const response = await fetch(`${url}/v1/logs?customer=c${client}&environment=prod`, {
            method: "POST",
            headers: { "content-type": "application/x-ndjson" },
            body: soakBody(client, batch),
          });
          await response.body?.cancel();
          if (response.status === 200) records += SOAK_BATCH;
          else errors++;
        }
      });
      const reads: number[] = [];
      const reader = (async () => {
        let middleTaken = false;
        while (performance.now() < deadline) {
          const t = performance.now();
          const response = await fetch(`${url}/v1/signatures?limit=20`);
          await response.body?.cancel();
          reads.push(performance.now() - t);
          if (!middleTaken && performance.now() - started > seconds * 500) {
            memory.push(await memoryOf(pid));
            middleTaken = true;
          }
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
      })();
      await Promise.all([...clients, reader]);
      const elapsed = (performance.now() - started) / 1000;
      memory.push(await memoryOf(pid));
      reads.sort((a, b) => a - b);
      const p99 = reads[Math.min(reads.length - 1, Math.floor(reads.length * 0.99))] ?? 0;
      const [start, middle, end] = [memory[0]!, memory[1] ?? memory[0]!, memory.at(-1)!];
      const mb = (m: { rss: number; anon: number }) =>
        `RSS ${m.rss.toFixed(0)} MB (anon ${m.anon.toFixed(0)})`;
      return [
        {
          bench: "soak",
          metric: "throughput",
          value: records / elapsed,
          unit: "records/s",
          note: `${records} records in ${elapsed.toFixed(0)} s, ${errors} errors`,
        },
        { bench: "soak", metric: "errors", value: errors, unit: "requests", ...atMost(errors, 0) },
        {
          bench: "soak",
          metric: "read p99 under load",
          value: p99,
          unit: "ms",
          note: `GET /v1/signatures?limit=20, ${reads.length} reads`,
        },
        { bench: "soak", metric: "RSS start", value: start.rss, unit: "MB", note: mb(start) },
        { bench: "soak", metric: "RSS middle", value: middle.rss, unit: "MB", note: mb(middle) },
        { bench: "soak", metric: "RSS end", value: end.rss, unit: "MB", note: mb(end) },
        {
          bench: "soak",
          metric: "anon growth middle to end",
          value: end.anon - middle.anon,
          unit: "MB",
          ...atMost(end.anon - middle.anon, 100),
        },
      ];
    }),
};

export const robustBenches: readonly Bench[] = [
  fuzz,
  crash,
  customerImportBench,
  ticketImportBench,
  articleImportBench,
  soak,
];
