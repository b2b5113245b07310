/**
 * `query-latency`: the issue-6 endpoints (signature impact, customer impact,
 * signature trend with a year's daily series, trends, issues, priorities,
 * customers) over a year of data, p50/p99 of requests to a real server on
 * loopback (routing, validation, JSON and the reply included), and the
 * projections' size on disk per day. The state is built by the real projections from synthetic ingest
 * batches written straight into LMDB (no event store, no parsing): 500
 * customers, a third of them tenants of shared clusters, releases rolled out
 * through the year, background signatures and incidents that come and go.
 * Size with LOUPE_BENCH_QUERY_DAYS (default 365) and
 * LOUPE_BENCH_QUERY_PER_DAY (default 1,000,000). A year takes over an hour
 * to build: with LOUPE_BENCH_QUERY_DIR the store is built there once and
 * reused by later runs of the same size, and a build cut short resumes.
 */
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import type { Customer } from "../../domain/customers/mod.ts";
import type { LogBatchIngestedData, StoredRecord } from "../../domain/events.ts";
import { loupeEvents, type StoredEvent } from "../../ports/event_store.ts";
import { Attribution } from "../../src/customers/attribution.ts";
import { ImpactService } from "../../src/impact/service.ts";
import { IssueService } from "../../src/issues/service.ts";
import { PROJECTIONS } from "../../src/app/loupe.ts";
import { TrendService } from "../../src/trends/service.ts";
import { type Bench, type BenchRow, latencyRows } from "./bench_types.ts";
import { Hono } from "hono";
import { customerRoutes } from "../../adapters/http/customer_routes.ts";
import { impactRoutes } from "../../adapters/http/impact_routes.ts";
import { issueRoutes } from "../../adapters/http/issue_routes.ts";
import { trendRoutes } from "../../adapters/http/trend_routes.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { CustomerService } from "../../src/customers/service.ts";
import { rng } from "./rng.ts";

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
export const DAYS = Number(Deno.env.get("LOUPE_BENCH_QUERY_DAYS") ?? 365);
export const PER_DAY = Number(Deno.env.get("LOUPE_BENCH_QUERY_PER_DAY") ?? 1_000_000);
const CUSTOMERS = 500;
const CLUSTERS = 8;
const BACKGROUND = 200;
const INCIDENTS = 60;
const RELEASE_EVERY_DAYS = 21;
const QUERIES = 200;

interface Site {
  readonly owner: string;
  readonly environment: string;
  readonly tenant: string | null;
  readonly customer: number;
  /** Day this site upgrades after each release. */
  readonly lag: number;
}

export function fleet(): { customers: Customer[]; sites: Site[] } {
  const random = rng(11);
  const customers: Customer[] = [];
  const sites: Site[] = [];
  for (let c = 0; c < CUSTOMERS; c++) {
    const id = `cust-${String(c).padStart(3, "0")}`;
    const shared = c % 3 === 0;
    const tier = c % 10 === 0 ? "enterprise" : c % 3 === 1 ? "business" : "standard";
    const cluster = `mt-${c % CLUSTERS}`;
    const environments = shared
      ? [`${cluster}/prod`]
      : c % 4 === 0
      ? [`${id}/prod`, `${id}/staging`]
      : [`${id}/prod`];
    customers.push({
      customerId: id,
      name: `Customer ${c}`,
      tier,
      contractValue: Math.round(
        (tier === "enterprise" ? 200_000 : tier === "business" ? 40_000 : 6_000) * (0.5 + random()),
      ),
      weight: null,
      region: ["eu-west", "us-east", "ap-south"][c % 3]!,
      deploymentModel: shared ? "multi-tenant" : "single-tenant",
      environments,
      tenantId: shared ? `t-${c}` : null,
      primaryContact: null,
      primaryEmail: null,
    });
    for (const key of environments) {
      const [owner, environment] = key.split("/") as [string, string];
      sites.push({
        owner,
        environment,
        tenant: shared ? `t-${c}` : null,
        customer: c,
        lag: Math.floor(random() * 6),
      });
    }
  }
  return { customers, sites };
}

function signatureTemplates() {
  return [
    ...Array.from({ length: BACKGROUND }, (_, i) => ({
      id: `sig_bg${String(i).padStart(3, "0")}`,
      template: `Background operation ${i} completed in <*> ms`,
      severity: i % 9 === 0 ? 17 : i % 4 === 0 ? 13 : 9,
    })),
    ...Array.from({ length: INCIDENTS }, (_, i) => ({
      id: `sig_inc${String(i).padStart(3, "0")}`,
      template: `Incident ${i} failure in component <*>`,
      severity: 17,
    })),
  ];
}

/** When the query bench's year begins. */
export const QUERY_STORE_START = Date.UTC(2025, 10, 1);

/**
 * Builds the bench's store in `projections`; `written`, when given, is
 * shown every event before it is projected, in position order from 1 (the
 * console bench keeps them in an event store).
 */
export async function build(
  projections: LmdbProjectionStore,
  start: number,
  written?: (events: readonly StoredEvent[]) => Promise<void>,
) {
  const templates = signatureTemplates();
  const random = rng(5);
  const { customers, sites } = fleet();
  let position = 0;
  const event = (type: string, stream: string, data: unknown, at: number): StoredEvent => ({
    type,
    data,
    position: ++position,
    stream,
    streamVersion: position,
    id: `e${position}`,
    recordedAt: at,
  });
  let projected = 0;
  let builtBefore = 0;
  // A build cut short resumes: what the projections hold is generated again
  // (the generator is seeded) but not applied twice.
  const apply = async (events: StoredEvent[]) => {
    await written?.(events);
    const reached = events[events.length - 1]!.position;
    let applied = false;
    await Promise.all(PROJECTIONS.map((p) => {
      const unseen = events.filter((e) => e.position > projections.checkpoint(p.name));
      if (unseen.length === 0) return;
      applied = true;
      return projections.commit(p.name, reached, (tx) => p.apply(loupeEvents(unseen), tx));
    }));
    let batchRecords = 0;
    for (const e of events) {
      batchRecords += (e.data as Partial<LogBatchIngestedData>).records?.length ?? 0;
    }
    if (applied) projected += batchRecords;
    else builtBefore += batchRecords;
  };
  await apply([
    ...customers.map((customer) =>
      event("CustomerRegistered", "customers", { customer, at: start, by: null }, start)
    ),
    ...templates.map((t) =>
      event("SignatureDiscovered", "ingest", {
        signatureId: t.id,
        template: t.template,
        state: null,
      }, start)
    ),
  ]);
  const incidents = Array.from({ length: INCIDENTS }, (_, i) => {
    const from = Math.floor(random() * DAYS * 24);
    return {
      signature: BACKGROUND + i,
      from,
      to: from + 6 + Math.floor(random() * 24 * 20),
      sites: new Set(
        Array.from(
          { length: 2 + Math.floor(random() * 40) },
          () => Math.floor(random() * sites.length),
        ),
      ),
    };
  });
  const cumulative: number[] = [];
  let acc = 0;
  const weights = Array.from({ length: BACKGROUND }, (_, i) => 1 / (i + 1));
  const total = weights.reduce((a, b) => a + b, 0);
  for (const w of weights) cumulative.push(acc += w / total);
  const pick = () => {
    const x = random();
    let lo = 0, hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < x) lo = mid + 1;
      else hi = mid;
    }
    return lo;
  };
  const perSiteHour = Math.max(1, Math.round(PER_DAY / 24 / sites.length));
  let records = 0;
  // A day of one site per batch, as `replay --import` of daily log files gives.
  const HOURS_PER_BATCH = 24;
  let pending: StoredEvent[] = [];
  const began = performance.now();
  for (let hour = 0; hour < DAYS * 24; hour += HOURS_PER_BATCH) {
    if (hour > 0 && hour % (30 * 24) === 0) {
      const rate = Math.round(projected / ((performance.now() - began) / 1000));
      console.error(
        `  built ${hour / 24} of ${DAYS} days, ${rate.toLocaleString("en")} records/s` +
          (builtBefore > 0 ? ` (resumed: ${builtBefore} were built before)` : ""),
      );
    }
    for (let s = 0; s < sites.length; s++) {
      const site = sites[s]!;
      const list: StoredRecord[] = [];
      for (let h = hour; h < hour + HOURS_PER_BATCH; h++) {
        const day = Math.floor(h / 24) - site.lag;
        const version = `3.${Math.max(0, Math.floor(day / RELEASE_EVERY_DAYS))}.0`;
        const active = incidents.filter((i) => i.sites.has(s) && h >= i.from && h < i.to);
        for (let i = 0; i < perSiteHour; i++) {
          const template = active.length > 0 && random() < 0.05
            ? templates[active[i % active.length]!.signature]!
            : templates[pick()]!;
          list.push({
            timestamp: start + h * HOUR + Math.floor((i * HOUR) / perSiteHour),
            customer: null,
            environment: null,
            service: null,
            version,
            severityNumber: template.severity,
            message: template.template,
            attributes: site.tenant === null ? [] : ["tenant_id", site.tenant],
            line: list.length + 1,
            offset: null,
            signatureId: template.id,
          });
        }
      }
      records += list.length;
      pending.push(event(
        "LogBatchIngested",
        "ingest",
        {
          batchId: `b${position}`,
          source: `${site.owner}/${site.environment}/app.log`,
          format: "jsonl",
          context: { customer: site.owner, environment: site.environment },
          receivedAt: start + hour * HOUR,
          records: list,
          quarantined: [],
        } satisfies LogBatchIngestedData,
        start + hour * HOUR,
      ));
      if (pending.length >= 16) {
        await apply(pending);
        pending = [];
      }
    }
  }
  if (pending.length > 0) await apply(pending);
  return { records, projected };
}

async function directorySize(dir: string): Promise<number> {
  let bytes = 0;
  for await (const entry of Deno.readDir(dir)) {
    if (entry.isFile) bytes += (await Deno.stat(`${dir}/${entry.name}`)).size;
  }
  return bytes;
}

const latency: Bench = {
  name: "query-latency",
  description: `issue-6 endpoints over ${DAYS} days of ${
    PER_DAY.toLocaleString("en")
  } events/day (projections in LMDB)`,
  async run() {
    const bench = "query-latency";
    const kept = Deno.env.get("LOUPE_BENCH_QUERY_DIR");
    const dir = kept ?? await Deno.makeTempDir({ prefix: "loupe-bench-query-" });
    const marker = `${dir}/built-${DAYS}x${PER_DAY}.json`;
    const previous = await Deno.readTextFile(marker).then(JSON.parse, () => undefined) as
      | { records: number; rate: number }
      | undefined;
    const building = `${dir}/building-${DAYS}x${PER_DAY}`;
    if (kept !== undefined && previous === undefined) {
      const resumable = await Deno.stat(building).then(() => true, () => false);
      if (!resumable) {
        // A build of another size, or none: start again.
        await Deno.remove(dir, { recursive: true }).catch(() => {});
        await Deno.mkdir(dir, { recursive: true });
        await Deno.writeTextFile(building, "");
      }
    }
    // Flushing every commit would rewrite most of the store's pages each time
    // (15 GB written for 6 days): the fixture is rebuilt, not recovered.
    const environment = openLmdb(dir, { durable: false });
    try {
      const projections = new LmdbProjectionStore(environment);
      const start = QUERY_STORE_START;
      const customers = fleet().customers;
      const templates = signatureTemplates();
      let records: number, buildRate: number;
      if (previous === undefined) {
        const built = performance.now();
        const result = await build(projections, start);
        const seconds = (performance.now() - built) / 1000;
        records = result.records;
        buildRate = result.projected / seconds;
        await environment.root.flushed;
        if (kept !== undefined) {
          await Deno.writeTextFile(marker, JSON.stringify({ records, rate: buildRate }));
          await Deno.remove(building).catch(() => {});
        }
      } else ({ records, rate: buildRate } = previous);
      const bytes = await directorySize(dir);
      const attribution = new Attribution(projections);
      const impact = new ImpactService(projections, attribution);
      const trends = new TrendService(projections, attribution);
      const issues = new IssueService(projections, attribution, impact, trends);
      // What the service does in the background when a new hour of data begins.
      const warmed = performance.now();
      trends.trends(13);
      const summaries = impact.warm();
      const warmMs = performance.now() - warmed;
      const random = rng(3);
      const anySignature = () => templates[Math.floor(random() * templates.length)]!.id;
      const anyCustomer = () => customers[Math.floor(random() * customers.length)]!.customerId;
      const yearAgo = new Date(start + DAYS * DAY - 365 * DAY).toISOString();
      const weekAgo = new Date(start + (DAYS - 7) * DAY).toISOString();
      const endpoints: [string, () => string][] = [
        ["GET /v1/signatures/:id/impact", () => `/v1/signatures/${anySignature()}/impact`],
        ["GET /v1/customers/:id/impact", () => `/v1/customers/${anyCustomer()}/impact`],
        [
          "GET /v1/signatures/:id/trend (365 daily points)",
          () => `/v1/signatures/${anySignature()}/trend?bucket=day&from=${yearAgo}`,
        ],
        [
          "GET /v1/signatures/:id/trend (per customer, hourly week)",
          () =>
            `/v1/signatures/${anySignature()}/trend?bucket=hour&customer=${anyCustomer()}&from=${weekAgo}`,
        ],
        ["GET /v1/trends", () => "/v1/trends"],
        ["GET /v1/issues", () => "/v1/issues?limit=50"],
        ["GET /v1/priorities", () => "/v1/priorities?limit=20"],
        ["GET /v1/customers", () => "/v1/customers"],
      ];
      const server = serveQueries(projections, attribution, impact, trends, issues);
      const rows: BenchRow[] = [
        {
          bench,
          metric: "records projected",
          value: records,
          unit: "records",
          note: `${DAYS} days`,
        },
        {
          bench,
          metric: "projection build",
          value: Math.round(buildRate),
          unit: "records/s",
        },
        {
          bench,
          metric: "projections on disk per day",
          value: Math.round(bytes / DAYS / 1024 / 1024 * 10) / 10,
          unit: "MiB/day",
          note: `${
            Math.round(bytes / 1024 / 1024)
          } MiB in all; the event log comes on top (see ingest)`,
        },
        {
          bench,
          metric: "background recompute per new hour of data",
          value: Math.round(warmMs),
          unit: "ms",
          note: `trends and impact summaries of ${summaries} signatures, off the request path`,
        },
      ];
      try {
        for (const [name, path] of endpoints) {
          const times: number[] = [];
          for (let i = 0; i < QUERIES; i++) {
            const t0 = performance.now();
            const response = await fetch(`${server.url}${path()}`);
            const body = await response.text();
            times.push(performance.now() - t0);
            if (response.status !== 200) {
              throw new Error(`${name} answered ${response.status}: ${body.slice(0, 300)}`);
            }
          }
          rows.push(
            ...latencyRows(bench, name, times, 100, "over HTTP on loopback, whole reply read"),
          );
        }
      } finally {
        await server.shutdown();
      }
      return rows;
    } finally {
      await environment.close();
      if (kept === undefined) await Deno.remove(dir, { recursive: true });
    }
  },
};

/** The issue-6 routes as the service mounts them, on a real server over the bench's store. */
function serveQueries(
  projections: LmdbProjectionStore,
  attribution: Attribution,
  impact: ImpactService,
  trends: TrendService,
  issues: IssueService,
): { url: string; shutdown: () => Promise<void> } {
  const http = new Hono();
  http.route("/", impactRoutes(impact));
  http.route("/", trendRoutes(trends));
  http.route("/", issueRoutes(issues));
  // Listing the directory reads only projections; the store takes imports.
  const directory = new CustomerService({
    store: new MemoryEventStore(),
    projections,
    attribution,
    clock: { now: () => Date.now() },
    settled: () => Promise.resolve(),
  });
  http.route("/", customerRoutes(directory, { maxBodyBytes: 1 << 20 }));
  const server = Deno.serve({ hostname: "127.0.0.1", port: 0, onListen: () => {} }, http.fetch);
  return { url: `http://127.0.0.1:${server.addr.port}`, shutdown: () => server.shutdown() };
}

export const queryBenches: Bench[] = [latency];
