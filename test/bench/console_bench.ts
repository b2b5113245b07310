/**
 * Server time of the console's main pages, p50/p99 over real HTTP on
 * loopback, against the whole composed service:
 * - `console`: the query-latency bench's store (a year of 1M records a day
 *   over 500 customers, sized by `LOUPE_BENCH_QUERY_DAYS` and
 *   `LOUPE_BENCH_QUERY_PER_DAY`), its log batches also kept in an event
 *   store so tickets show their logs, and tickets opened over windows that
 *   hold them. The event log costs ~130 bytes a record on disk. With
 *   `LOUPE_BENCH_CONSOLE_DIR` the store is built there once and reused by
 *   later runs of the same size (projections new since catch up first).
 * - `console-sim`: a replayed simulator store (customers, tickets, articles,
 *   logs and metrics); size it with `LOUPE_BENCH_SIM_ARGS` or reuse an
 *   output with `LOUPE_BENCH_SIM_DIR`.
 */
import { cpuUsage } from "node:process";
import { parseMetricsBody } from "../../adapters/http/metric_routes.ts";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { compose } from "../../src/app/compose.ts";
import { warmHourly } from "../../src/app/warm.ts";
import { runEntry } from "../support/cli.ts";
import { type Bench, type BenchRow, latencyRows } from "./bench_types.ts";
import { rng } from "./rng.ts";
import { SignatureMiner } from "../../domain/mining/miner.ts";
import { simulatorOutput } from "./sim_data.ts";
import { build, DAYS, fleet, PER_DAY, QUERY_STORE_START } from "./query_bench.ts";
import type { StoredEvent } from "../../ports/event_store.ts";
import type { ComposedLoupe } from "../../src/app/compose.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";

const REQUESTS = Number(Deno.env.get("LOUPE_BENCH_CONSOLE_REQUESTS") ?? 60);
const TARGET_P99_MS = 150;

type Pages = [string, () => string | undefined][];

/** The pages an engineer opens, each for a random ticket, issue, customer or article. */
function consolePagesOf(app: ComposedLoupe): { pages: Pages; note: string; tickets: number } {
  const tickets = app.tickets.listTickets({ limit: 1000, offset: 0 }).items;
  const issues = app.issues.priorities(20).items;
  const customers = [...new Set(tickets.map((t) => t.customer))];
  const articles = app.kb.articles();
  const random = rng(7);
  const pick = <T>(items: readonly T[]) => items[Math.floor(random() * items.length)];
  const pages: Pages = [
    ["tickets list", () => "/console/tickets?status="],
    ["tickets list, filtered and sorted", () => "/console/tickets?severity=high&sort=updated"],
    ["ticket", () => {
      const t = pick(tickets);
      return t && `/console/tickets/${t.ticketId}`;
    }],
    ["ticket, ERROR logs only", () => {
      const t = pick(tickets);
      return t && `/console/tickets/${t.ticketId}?level=ERROR`;
    }],
    ["GET /v1/tickets/:id/logs", () => {
      const t = pick(tickets);
      return t && `/v1/tickets/${t.ticketId}/logs?limit=100`;
    }],
    ["issues", () => "/console/issues"],
    ["GET /v1/issues", () => "/v1/issues?limit=50"],
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
  return {
    pages,
    tickets: tickets.length,
    note: `${issues.length} ranked issues, ${articles.length} articles`,
  };
}

/** p50 and p99 of each page, the whole reply read, against the 150 ms target. */
async function measurePages(bench: string, base: string, pages: Pages): Promise<BenchRow[]> {
  const cookie = (await fetch(`${base}/console/tickets`)).headers.get("set-cookie")!
    .split(";")[0]!;
  const rows: BenchRow[] = [];
  for (const [name, path] of pages) {
    const times: number[] = [];
    const cpuBefore = cpuUsage();
    for (let i = 0; i < REQUESTS; i++) {
      const target = path();
      if (target === undefined) break;
      const t0 = performance.now();
      const response = await fetch(`${base}${target}`, { headers: { cookie } });
      const body = await response.text();
      times.push(performance.now() - t0);
      if (response.status !== 200) {
        throw new Error(`${name} (${target}) answered ${response.status}: ${body.slice(0, 300)}`);
      }
    }
    if (times.length === 0) continue;
    const cpu = cpuUsage(cpuBefore);
    rows.push(
      ...latencyRows(
        bench,
        name,
        times,
        TARGET_P99_MS,
        `over HTTP on loopback, whole page read, ${times.length} requests`,
      ),
      {
        bench,
        metric: `${name} CPU per request`,
        value: Math.round((cpu.user + cpu.system) / 1000 / times.length * 10) / 10,
        unit: "ms",
        note: "user + system of the process (server and client), mean",
      },
    );
  }
  return rows;
}

async function composed(environment: ReturnType<typeof openLmdb>) {
  const clock = { now: () => Date.now() };
  const projections = new LmdbProjectionStore(environment);
  const app = await compose({
    store: new LmdbEventStore(environment, { clock }),
    projectionStore: projections,
    clock,
    newId: () => crypto.randomUUID(),
    http: { maxBodyBytes: 1 << 26, maxLineBytes: 65536 },
    ticketing: ticketingConfig({}),
    version: "bench",
  });
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, app.http.fetch);
  return { app, projections, server, base: `http://127.0.0.1:${server.addr.port}` };
}

const HOUR = 3_600_000;

/**
 * The query bench's signatures carry no miner state (its projections need
 * none); the service restores its miner from them, so each is given the
 * state a miner gives its template before it is kept and projected.
 */
function withMinerState(type: string, data: unknown): unknown {
  if (type !== "SignatureDiscovered") return data;
  const discovered = data as { template: string };
  const [mined] = new SignatureMiner().mine([discovered.template.replaceAll("<*>", "0")]).events;
  return { ...discovered, state: mined!.data.state };
}
const TICKETS = Number(Deno.env.get("LOUPE_BENCH_CONSOLE_TICKETS") ?? 40);

const consoleYear: Bench = {
  name: "console",
  description: `server time of the console's pages over the query bench's ${DAYS} days of ${
    PER_DAY.toLocaleString("en")
  } records/day, logs kept`,
  async run() {
    const kept = Deno.env.get("LOUPE_BENCH_CONSOLE_DIR");
    const data = kept ?? await Deno.makeTempDir({ prefix: "loupe-bench-console-year-" });
    const marker = `${data}/console-built-${DAYS}x${PER_DAY}x${TICKETS}.json`;
    const previous = await Deno.readTextFile(marker).then(JSON.parse, () => undefined) as
      | { records: number; buildSeconds: number }
      | undefined;
    if (kept !== undefined && previous === undefined) {
      // A build of another size, or one cut short: start again.
      await Deno.remove(data, { recursive: true }).catch(() => {});
      await Deno.mkdir(data, { recursive: true });
    }
    // Flushing every append would rewrite most pages each time: the fixture is rebuilt, not recovered.
    const environment = openLmdb(data, { durable: false });
    try {
      if (previous !== undefined) {
        const { app, projections: reader, server, base } = await composed(environment);
        try {
          const caughtUp = performance.now();
          await app.loupe.settled();
          return await measured(
            app,
            reader,
            base,
            previous.records,
            previous.buildSeconds,
            caughtUp,
          );
        } finally {
          await server.shutdown();
          app.stop();
        }
      }
      const store = new LmdbEventStore(environment, { clock: { now: () => Date.now() } });
      const projections = new LmdbProjectionStore(environment);
      const built = performance.now();
      const { records } = await build(projections, QUERY_STORE_START, async (events) => {
        for (const event of events) {
          (event as { data: unknown }).data = withMinerState(event.type, event.data);
        }
        // The builder numbers events from 1 as a store does: appended in its order, they keep them.
        for (let from = 0; from < events.length;) {
          let to = from + 1;
          while (to < events.length && events[to]!.stream === events[from]!.stream) to++;
          const run = events.slice(from, to) as readonly StoredEvent[];
          await store.append(
            run[0]!.stream,
            run.map(({ type, data }) => ({ type, data })),
            { expectedVersion: "any" },
          );
          from = to;
        }
        if (store.headPosition() !== events.at(-1)!.position) {
          throw new Error("The event store's positions left the builder's");
        }
      });
      const buildSeconds = (performance.now() - built) / 1000;
      const { app, projections: reader, server, base } = await composed(environment);
      try {
        await app.loupe.settled();
        // Tickets of customers' production sites over windows of 2 to 24 hours in the last days.
        const random = rng(13);
        const { customers, sites } = fleet();
        const prod = sites.filter((site) => site.environment === "prod");
        const end = QUERY_STORE_START + DAYS * 24 * HOUR;
        for (let t = 0; t < TICKETS; t++) {
          const site = prod[Math.floor(random() * prod.length)]!;
          const to = end - Math.floor(random() * Math.min(DAYS, 3) * 24) * HOUR;
          const from = to - (2 + Math.floor(random() * 23)) * HOUR;
          await app.tickets.openTicket({
            customer: customers[site.customer]!.customerId,
            environment: site.environment,
            subject: `Errors since ${new Date(from).toISOString()}`,
            description: "Requests fail and pages are slow for our users",
            severity: t % 3 === 0 ? "high" : "medium",
            reporter: "support@example.test",
            window: { from, to },
          });
        }
        await app.loupe.settled();
        if (kept !== undefined) {
          await environment.root.flushed;
          await Deno.writeTextFile(marker, JSON.stringify({ records, buildSeconds }));
        }
        return await measured(app, reader, base, records, buildSeconds);
      } finally {
        await server.shutdown();
        app.stop();
      }
    } finally {
      await environment.close();
      if (kept === undefined) await Deno.remove(data, { recursive: true }).catch(() => {});
    }
  },
};

/** The pages' rows over a built store; `caughtUp` is when a reused store's projections began catching up. */
async function measured(
  app: ComposedLoupe,
  reader: ProjectionReader,
  base: string,
  records: number,
  buildSeconds: number,
  caughtUp?: number,
): Promise<BenchRow[]> {
  const { pages, note, tickets } = consolePagesOf(app);
  const reused = caughtUp === undefined
    ? ""
    : ` (reused; projections caught up in ${Math.round(performance.now() - caughtUp)} ms)`;
  return [
    {
      bench: "console",
      metric: "data",
      value: records,
      unit: "records",
      note: `${DAYS} days, ${tickets} tickets, ${note}; built in ${
        Math.round(buildSeconds)
      } s${reused}`,
    },
    ...await measurePages("console", base, pages),
    ...await healthzWhileWarming(app, reader, base),
  ];
}

/**
 * The longest wait of a `/healthz` poller while the hourly recompute
 * (`warmHourly`, as `serve` runs it when a new hour of data arrives) starts
 * from empty caches, and while its customers-hit part (`ImpactService.refresh`)
 * alone does: how long the server stops answering meanwhile.
 */
async function healthzWhileWarming(
  app: ComposedLoupe,
  reader: ProjectionReader,
  base: string,
): Promise<BenchRow[]> {
  const rows: BenchRow[] = [];
  const runs: [string, () => Promise<unknown>][] = [
    ["the hourly recompute", () => warmHourly(reader, app.impact, app.trends)],
    ["the customers hit (ImpactService.refresh)", () => app.impact.refresh()],
  ];
  for (const [name, run] of runs) {
    app.impact.forgetCaches();
    app.trends.forgetCaches();
    app.issues.forgetCaches();
    let polling = true;
    let longest = 0;
    let longestCpu = 0;
    let polls = 0;
    const poller = (async () => {
      let last = performance.now();
      let lastCpu = cpuUsage();
      while (polling) {
        await (await fetch(`${base}/healthz`)).text();
        const now = performance.now();
        // On a loaded machine the wall gap also holds time the process was not running at all.
        const cpu = cpuUsage(lastCpu);
        longest = Math.max(longest, now - last);
        longestCpu = Math.max(longestCpu, (cpu.user + cpu.system) / 1000);
        last = now;
        lastCpu = cpuUsage();
        polls++;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 100));
    const cpuBefore = cpuUsage();
    const started = performance.now();
    await run();
    const wall = performance.now() - started;
    const cpu = cpuUsage(cpuBefore);
    polling = false;
    await poller;
    rows.push(
      {
        bench: "console",
        metric: `longest /healthz wait during ${name}`,
        value: Math.round(longest * 10) / 10,
        unit: "ms",
        note: `${polls} polls while it ran from empty caches`,
      },
      {
        bench: "console",
        metric: `most CPU between two /healthz answers during ${name}`,
        value: Math.round(longestCpu * 10) / 10,
        unit: "ms",
        note: "user + system of the process: the longest hold of the event loop, load aside",
      },
      {
        bench: "console",
        metric: `${name} from empty caches`,
        value: Math.round(wall),
        unit: "ms",
        note: `wall; ${Math.round((cpu.user + cpu.system) / 1000)} ms CPU (with the poller's)`,
      },
    );
  }
  return rows;
}

const consoleSim: Bench = {
  name: "console-sim",
  description: "server time of the console's pages over a replayed simulator store",
  async run() {
    const bench = "console-sim";
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
      const { app, server, base } = await composed(environment);
      try {
        if (await hasFile("metrics.jsonl")) {
          await app.tickets.recordMetrics(
            parseMetricsBody(await Deno.readFile(`${sim.dir}/metrics.jsonl`)),
          );
        }
        await app.loupe.settled();
        const { pages, note, tickets } = consolePagesOf(app);
        return [
          {
            bench,
            metric: "data",
            value: tickets,
            unit: "tickets",
            note: `${note}; ${sim.args}`,
          },
          ...await measurePages(bench, base, pages),
        ];
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

export const consoleBenches: Bench[] = [consoleYear, consoleSim];
