/**
 * `console`: server time of the console's main pages, p50/p99 over real HTTP
 * on loopback, against the whole composed service on a replayed simulator
 * store (customers, tickets, articles, logs and metrics). The console reads
 * tickets and articles from the event log, which the query-latency bench's
 * projection-only store does not have; size the data with
 * `LOUPE_BENCH_SIM_ARGS` (e.g. `--days 365`) or reuse an output with
 * `LOUPE_BENCH_SIM_DIR`.
 */
import { parseMetricsBody } from "../../adapters/http/metric_routes.ts";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { compose } from "../../src/app/compose.ts";
import { runEntry } from "../support/cli.ts";
import { atMost, type Bench, type BenchRow } from "./bench_types.ts";
import { rng } from "./rng.ts";
import { simulatorOutput } from "./sim_data.ts";

const REQUESTS = Number(Deno.env.get("LOUPE_BENCH_CONSOLE_REQUESTS") ?? 60);
const TARGET_P99_MS = 150;

const consolePages: Bench = {
  name: "console",
  description: "server time of the console's pages (tickets, ticket, issues, issue, customer, KB)",
  async run() {
    const bench = "console";
    const sim = await simulatorOutput();
    const data = await Deno.makeTempDir({ prefix: "loupe-bench-console-" });
    try {
      const hasFile = (name: string) =>
        Deno.stat(`${sim.dir}/${name}`).then(() => true, () => false);
      const replay = await runEntry("replay", [
        "--data",
        data,
        "--customers",
        `${sim.dir}/customers.csv`,
        ...(await hasFile("tickets.json") ? ["--tickets", `${sim.dir}/tickets.json`] : []),
        ...(await hasFile("articles.json") ? ["--articles", `${sim.dir}/articles.json`] : []),
        "--import",
        `${sim.dir}/logs`,
      ]);
      if (replay.code !== 0) throw new Error(`Cannot import the simulation: ${replay.stderr}`);
      const environment = openLmdb(data);
      const clock = { now: () => Date.now() };
      const store = new LmdbEventStore(environment, { clock });
      const app = await compose({
        store,
        projectionStore: new LmdbProjectionStore(environment),
        clock,
        newId: () => crypto.randomUUID(),
        http: { maxBodyBytes: 1 << 26, maxLineBytes: 65536 },
        ticketing: ticketingConfig({}),
        version: "bench",
      });
      const server = Deno.serve(
        { hostname: "127.0.0.1", port: 0, onListen: () => {} },
        app.http.fetch,
      );
      try {
        if (await hasFile("metrics.jsonl")) {
          await app.tickets.recordMetrics(
            parseMetricsBody(await Deno.readFile(`${sim.dir}/metrics.jsonl`)),
          );
        }
        await app.loupe.settled();
        const base = `http://127.0.0.1:${server.addr.port}`;
        const tickets = app.tickets.listTickets({ limit: 1000, offset: 0 }).items;
        const issues = app.issues.priorities(20).items;
        const customers = [...new Set(tickets.map((t) => t.customer))];
        const articles = app.kb.articles();
        const random = rng(7);
        const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
        const pages: [string, () => string | undefined][] = [
          ["tickets list", () => "/console/tickets?status="],
          [
            "tickets list, filtered and sorted",
            () => "/console/tickets?severity=high&sort=updated",
          ],
          ["ticket", () => {
            const t = pick(tickets);
            return t && `/console/tickets/${t.ticketId}`;
          }],
          ["ticket, ERROR logs only", () => {
            const t = pick(tickets);
            return t && `/console/tickets/${t.ticketId}?level=ERROR`;
          }],
          ["issues", () => "/console/issues"],
          ["issue (per day)", () => {
            const i = pick(issues);
            return i && `/console/issues/${i.issueId ?? i.signatureId}`;
          }],
          ["issue (per hour, by customer)", () => {
            const i = pick(issues);
            return i && `/console/issues/${i.issueId ?? i.signatureId}?bucket=hour&by=customer`;
          }],
          ["customer", () => {
            const c = pick(customers);
            return c && `/console/customers/${c}`;
          }],
          ["knowledge base search", () => "/console/kb?q=error+timeout"],
          ["article", () => {
            const a = pick(articles);
            return a && `/console/kb/${a.articleId}`;
          }],
        ];
        const cookie = (await fetch(`${base}/console/tickets`)).headers.get("set-cookie")!
          .split(";")[0]!;
        const rows: BenchRow[] = [{
          bench,
          metric: "data",
          value: tickets.length,
          unit: "tickets",
          note: `${issues.length} ranked issues, ${articles.length} articles; ${sim.args}`,
        }];
        for (const [name, path] of pages) {
          const times: number[] = [];
          for (let i = 0; i < REQUESTS; i++) {
            const target = path();
            if (target === undefined) break;
            const t0 = performance.now();
            const response = await fetch(`${base}${target}`, { headers: { cookie } });
            const body = await response.text();
            times.push(performance.now() - t0);
            if (response.status !== 200) {
              throw new Error(
                `${name} (${target}) answered ${response.status}: ${body.slice(0, 300)}`,
              );
            }
          }
          if (times.length === 0) continue;
          const p99 = Math.round(percentile(times, 99) * 10) / 10;
          rows.push(
            {
              bench,
              metric: `${name} p50`,
              value: Math.round(percentile(times, 50) * 10) / 10,
              unit: "ms",
            },
            {
              bench,
              metric: `${name} p99`,
              value: p99,
              unit: "ms",
              ...atMost(p99, TARGET_P99_MS),
              note: `over HTTP on loopback, whole page read, ${times.length} requests`,
            },
          );
        }
        return rows;
      } finally {
        await server.shutdown();
        app.stop();
        await environment.close();
      }
    } finally {
      await Deno.remove(data, { recursive: true }).catch(() => {});
      if (sim.cleanup) await Deno.remove(sim.dir, { recursive: true }).catch(() => {});
    }
  },
};

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
}

export const consoleBenches: Bench[] = [consolePages];
