/**
 * `issue-detection`: how long from POSTing the records that make an issue to
 * the issue, with its customers, being answered by GET /v1/issues, on a real
 * server over a real LMDB that holds 8 days of history for 60 customers while
 * a steady background stream keeps arriving.
 */
import type { LogBatchIngestedData } from "../../domain/events.ts";
import { ImpactService } from "../../src/impact/service.ts";
import { IssueService } from "../../src/issues/service.ts";
import { TrendService } from "../../src/trends/service.ts";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";
import { atLeast, atMost, type Bench, type BenchRow } from "./bench_types.ts";
import { openStoredLoupe, replaySimulation } from "./sim_data.ts";
import { correlationBenches } from "./correlation_bench.ts";

const HOUR = 3_600_000;
const CUSTOMERS = 60;
const HISTORY_HOURS = 8 * 24;
const LINES_PER_CUSTOMER_HOUR = 40;
const TRIALS = 10;

/** Faults that look like nothing else, so each is a signature of its own. */
const FAULTS = [
  "Ledger sync aborted because the billing upstream rejected the batch",
  "Tax engine unreachable while computing invoice totals",
  "Currency conversion service answered with an empty rate table",
  "CRM webhook signature mismatch on inbound contact update",
  "Bank statement import stopped at a malformed header row",
  "ERP connector lost its session and could not log back in",
  "Payment service provider refused the settlement file",
  "Identity verification provider timed out during onboarding",
  "Warehouse management system returned stale stock levels for the whole catalogue",
  "Single sign-on metadata refresh failed with an expired certificate",
];

const BACKGROUND = [
  (n: number) => ({ level: "info", msg: `Order ord_${n} placed with ${n % 7} items` }),
  (n: number) => ({ level: "info", msg: `User u${n}@shop.test logged in from 10.0.${n % 250}.1` }),
  (n: number) => ({
    level: "warn",
    msg: `Cache miss for key cart:${n.toString(16)} after ${n % 90} ms`,
  }),
  (n: number) => ({
    level: "error",
    msg: `Payment declined by issuer with code ${n % 5} for order ord_${n}`,
  }),
];

function history(customer: number, fromHour: number, hours: number, start: number): string {
  const lines: string[] = [];
  for (let h = fromHour; h < fromHour + hours; h++) {
    for (let i = 0; i < LINES_PER_CUSTOMER_HOUR; i++) {
      const n = customer * 100_000 + h * 100 + i;
      lines.push(JSON.stringify({
        time: new Date(start + h * HOUR + i * 60_000).toISOString(),
        ...BACKGROUND[i % BACKGROUND.length]!(n),
      }));
    }
  }
  return lines.join("\n");
}

const detection: Bench = {
  name: "issue-detection",
  description:
    "POST of the triggering records until GET /v1/issues shows the issue with its customers",
  async run() {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-bench-issues-" });
    const server = await startServer(dataDir);
    const start = Date.UTC(2026, 9, 1);
    const post = async (customer: number, body: string) => {
      const response = await fetch(
        `${server.url}/v1/logs?customer=c${customer}&environment=prod&service=shop`,
        { method: "POST", headers: { "content-type": "application/x-ndjson" }, body },
      );
      if (response.status !== 200) {
        throw new Error(`HTTP ${response.status}: ${await response.text()}`);
      }
      await response.body?.cancel();
    };
    try {
      for (let c = 0; c < CUSTOMERS; c++) await post(c, history(c, 0, HISTORY_HOURS, start));
      const latencies: number[] = [];
      let found = 0;
      for (let trial = 0; trial < TRIALS; trial++) {
        const hour = HISTORY_HOURS + trial;
        // The steady stream goes on while the fault starts for three customers.
        for (let c = 0; c < CUSTOMERS; c += 6) await post(c, history(c, hour, 1, start));
        const hit = [0, 1, 2].map((i) => (trial * 3 + i) % CUSTOMERS);
        const fault = FAULTS[trial % FAULTS.length]!;
        const started = performance.now();
        await Promise.all(hit.map((c) =>
          post(
            c,
            Array.from({ length: 20 }, (_, i) =>
              JSON.stringify({
                time: new Date(start + hour * HOUR + i * 30_000).toISOString(),
                level: "error",
                msg: fault,
              })).join("\n"),
          )
        ));
        for (;;) {
          const response = await fetch(`${server.url}/v1/issues?limit=20`);
          const body = await response.json();
          const issue = body.items.find((i: { template: string }) => i.template === fault);
          if (issue !== undefined && issue.customers_affected === hit.length) {
            latencies.push(performance.now() - started);
            found++;
            break;
          }
          if (performance.now() - started > 30_000) break;
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      // A trial that never showed its issue counts as failed, not as fast.
      const worst = found < TRIALS ? Infinity : Math.max(...latencies);
      const sorted = [...latencies].sort((a, b) => a - b);
      return [
        { bench: "issue-detection", metric: "issues detected", value: found, unit: `of ${TRIALS}` },
        {
          bench: "issue-detection",
          metric: "records to issue with customers, p50",
          value: Math.round(sorted[Math.floor(sorted.length / 2)] ?? NaN),
          unit: "ms",
        },
        {
          bench: "issue-detection",
          metric: "records to issue with customers, worst",
          value: worst === Infinity ? Infinity : Math.round(worst),
          unit: "ms",
          ...atMost(Math.round(worst), 5_000),
          note: `${CUSTOMERS} customers, ${HISTORY_HOURS / 24} days of history, steady stream`,
        },
      ];
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
};

/**
 * `issue-grouping`, strict: on simulator truth for seeds never tuned on, for
 * every incident, the distinct issues that hold its root lines (a root line:
 * a record whose first line the truth's root template generates), the share
 * of its root lines in the issue holding most of them, the signatures they
 * were mined into, and affected-customer precision and recall computed on
 * that one issue. `LOUPE_BENCH_ISSUE_SEEDS` (default "101 202 303") and
 * `LOUPE_BENCH_ISSUE_SIM_ARGS` (default 60 customers x 14 days x 100k
 * events/day) size it; `LOUPE_BENCH_ISSUE_SIM_DIRS` reuses outputs.
 */
const grouping: Bench = {
  name: "issue-grouping",
  description: "per incident: issues holding its root lines, their share, customers on that issue",
  async run() {
    const bench = "issue-grouping";
    const seeds = (Deno.env.get("LOUPE_BENCH_ISSUE_SEEDS") ?? "101 202 303").split(/\s+/)
      .filter((x) => x);
    const size = (Deno.env.get("LOUPE_BENCH_ISSUE_SIM_ARGS") ??
      "--customers 60 --days 14 --events-per-day 100000").split(/\s+/).filter((x) => x);
    const given = Deno.env.get("LOUPE_BENCH_ISSUE_SIM_DIRS")?.split(/\s+/).filter((x) => x);
    const rows: BenchRow[] = [];
    const all: IncidentResult[] = [];
    const correlations = new Map<string, number[]>();
    const runs = given ?? seeds;
    for (const run of runs) {
      let dir = run;
      if (given === undefined) {
        dir = await Deno.makeTempDir({ prefix: `loupe-bench-issues-sim-${run}-` });
        const simulated = await runEntry("simulate", [...size, "--seed", run, "--out", dir]);
        if (simulated.code !== 0) throw new Error(`simulate failed: ${simulated.stderr}`);
      }
      const data = await Deno.makeTempDir({ prefix: "loupe-bench-issues-data-" });
      try {
        await replaySimulation(dir, data);
        const results = await measureGrouping(dir, data);
        all.push(...results);
        const correlation = await correlationOn(dir, data);
        for (const [metric, value] of Object.entries(correlation)) {
          correlations.set(metric, [...(correlations.get(metric) ?? []), value]);
        }
        rows.push({
          bench,
          metric: `seed ${run}: correlation top-1 / top-3 on issues (strict)`,
          value: correlation.top1,
          unit: `/ ${correlation.top3}`,
          note: `${correlation.tickets} tickets with a known root`,
        });
        for (const r of results) {
          if (r.issues !== 1 || r.share < 0.99 || r.precision < 0.99 || r.recall < 0.99) {
            console.error(
              `  ${run} ${r.id}: ${r.rootLines} root lines in ${r.issues} issues (${r.signatures} signatures), share ${
                r.share.toFixed(3)
              }, customers P ${r.precision.toFixed(3)} R ${r.recall.toFixed(3)}`,
            );
          }
        }
        rows.push({
          bench,
          metric: `seed ${run}: incidents in exactly one issue`,
          value: results.filter((r) => r.issues === 1).length,
          unit: `of ${results.length}`,
        });
      } finally {
        await Deno.remove(data, { recursive: true });
        if (given === undefined) await Deno.remove(dir, { recursive: true });
      }
    }
    const n = Math.max(1, all.length);
    const round = (x: number) => Math.round(x * 1000) / 1000;
    const exactlyOne = round(all.filter((r) => r.issues === 1).length / n);
    const meanIssues = round(all.reduce((s, r) => s + r.issues, 0) / n);
    const worstShare = round(Math.min(1, ...all.map((r) => r.share)));
    const tp = all.reduce((s, r) => s + r.truePositives, 0);
    const predicted = all.reduce((s, r) => s + r.predicted, 0);
    const actual = all.reduce((s, r) => s + r.actual, 0);
    const precision = round(predicted === 0 ? 1 : tp / predicted);
    const recall = round(actual === 0 ? 1 : tp / actual);
    const note = `${runs.length} runs (${runs.join(", ")}), ${size.join(" ")}`;
    rows.push(
      { bench, metric: "incidents with root lines", value: all.length, unit: "incidents", note },
      {
        bench,
        metric: "incidents whose root lines are in exactly one issue",
        value: exactlyOne,
        unit: "",
        ...atLeast(exactlyOne, 0.95),
      },
      {
        bench,
        metric: "issues holding an incident's root lines, mean",
        value: meanIssues,
        unit: "",
        ...atMost(meanIssues, 1.05),
      },
      {
        bench,
        metric: "share of root lines in that issue, worst incident",
        value: worstShare,
        unit: "",
        ...atLeast(worstShare, 0.99),
      },
      {
        bench,
        metric: "signatures per incident, mean",
        value: round(all.reduce((s, r) => s + r.signatures, 0) / n),
        unit: "",
        note: `max ${Math.max(0, ...all.map((r) => r.signatures))}: what the miner gave`,
      },
      {
        bench,
        metric: "affected customers on that issue: precision",
        value: precision,
        unit: "",
        ...atLeast(precision, 0.99),
      },
      {
        bench,
        metric: "affected customers on that issue: recall",
        value: recall,
        unit: "",
        ...atLeast(recall, 0.99),
      },
    );
    const tickets = correlations.get("tickets") ?? [];
    const pooled = (metric: string) => {
      const total = tickets.reduce((a, b) => a + b, 0);
      const hits = (correlations.get(metric) ?? []).reduce((a, v, i) => a + v * tickets[i]!, 0);
      return round(total === 0 ? 0 : hits / total);
    };
    rows.push(
      {
        bench,
        metric: "correlation top-1 on issues (strict), all runs",
        value: pooled("top1"),
        unit: "",
        ...atLeast(pooled("top1"), 0.8),
        note: `${tickets.reduce((a, b) => a + b, 0)} tickets`,
      },
      {
        bench,
        metric: "correlation top-3 on issues (strict), all runs",
        value: pooled("top3"),
        unit: "",
        ...atLeast(pooled("top3"), 0.95),
      },
    );
    return rows;
  },
};

/** The correlation-quality bench on a store that already holds the simulator output. */
async function correlationOn(
  simDir: string,
  data: string,
): Promise<{ tickets: number; top1: number; top3: number }> {
  const before = {
    dir: Deno.env.get("LOUPE_BENCH_SIM_DIR"),
    data: Deno.env.get("LOUPE_BENCH_SIM_DATA"),
  };
  Deno.env.set("LOUPE_BENCH_SIM_DIR", simDir);
  Deno.env.set("LOUPE_BENCH_SIM_DATA", data);
  try {
    const quality = correlationBenches.find((b) => b.name === "correlation-quality")!;
    const rows = await quality.run();
    const value = (metric: string) => rows.find((r) => r.metric === metric)?.value ?? NaN;
    return {
      tickets: value("tickets with a known root"),
      top1: value("top-1 on issues (strict)"),
      top3: value("top-3 on issues (strict)"),
    };
  } finally {
    for (
      const [name, value] of [["LOUPE_BENCH_SIM_DIR", before.dir], [
        "LOUPE_BENCH_SIM_DATA",
        before.data,
      ]]
    ) {
      if (value === undefined) Deno.env.delete(name!);
      else Deno.env.set(name!, value);
    }
  }
}

interface IncidentResult {
  readonly id: string;
  readonly rootLines: number;
  readonly issues: number;
  readonly share: number;
  readonly signatures: number;
  readonly truePositives: number;
  readonly predicted: number;
  readonly actual: number;
  readonly precision: number;
  readonly recall: number;
}

interface TruthIncident {
  readonly id: string;
  readonly root_signature: string;
  readonly affected_customers: readonly { readonly customer: string }[];
}

async function measureGrouping(simDir: string, data: string): Promise<IncidentResult[]> {
  const truth = JSON.parse(await Deno.readTextFile(`${simDir}/truth.json`)) as {
    incidents: TruthIncident[];
  };
  const patterns = truth.incidents.map((incident) => {
    const parts = incident.root_signature.replace(/\s+/g, " ").trim().split("<*>");
    return {
      incident,
      literal: parts.reduce((a, b) => (b.length > a.length ? b : a), ""),
      regex: new RegExp(
        `^${parts.map((p) => p.replace(/[.*+?^${}()|[\]\\]/g, "\\$&")).join("\\S+")}$`,
      ),
      bySignature: new Map<string, number>(),
    };
  });
  const { store, projections, loupe, close } = await openStoredLoupe(data);
  try {
    for (let after = 0;;) {
      const events = await store.readAll(after, 200);
      if (events.length === 0) break;
      after = events[events.length - 1]!.position;
      for (const event of events) {
        if (event.type !== "LogBatchIngested") continue;
        for (const record of (event.data as LogBatchIngestedData).records) {
          const newline = record.message.indexOf("\n");
          const first = (newline === -1 ? record.message : record.message.slice(0, newline))
            .replace(/\s+/g, " ").trim();
          for (const p of patterns) {
            if (!first.includes(p.literal) || !p.regex.test(first)) continue;
            p.bySignature.set(record.signatureId, (p.bySignature.get(record.signatureId) ?? 0) + 1);
          }
        }
      }
    }
    const impact = new ImpactService(projections, loupe.attribution);
    const trends = new TrendService(projections, loupe.attribution);
    const issues = new IssueService(projections, loupe.attribution, impact, trends);
    const { issueOf } = issues.index();
    const results: IncidentResult[] = [];
    for (const p of patterns) {
      const rootLines = [...p.bySignature.values()].reduce((a, b) => a + b, 0);
      if (rootLines === 0) continue;
      const byIssue = new Map<string, number>();
      for (const [signatureId, n] of p.bySignature) {
        const issueId = issueOf.get(signatureId) ?? signatureId;
        byIssue.set(issueId, (byIssue.get(issueId) ?? 0) + n);
      }
      const [top, held] = [...byIssue].sort((a, b) => b[1] - a[1])[0]!;
      const found = new Set(issues.issue(top).affected.map((a) => a.customer));
      const expected = new Set(p.incident.affected_customers.map((a) => a.customer));
      const tp = [...found].filter((c) => expected.has(c)).length;
      results.push({
        id: p.incident.id,
        rootLines,
        issues: byIssue.size,
        share: held / rootLines,
        signatures: p.bySignature.size,
        truePositives: tp,
        predicted: found.size,
        actual: expected.size,
        precision: found.size === 0 ? 1 : tp / found.size,
        recall: expected.size === 0 ? 1 : tp / expected.size,
      });
    }
    await loupe.settled();
    return results;
  } finally {
    await close();
  }
}

export const issueBenches: Bench[] = [detection, grouping];
