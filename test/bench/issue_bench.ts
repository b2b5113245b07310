/**
 * `issue-detection`: how long from POSTing the records that make an issue to
 * the issue, with its customers, being answered by GET /v1/issues, on a real
 * server over a real LMDB that holds 8 days of history for 60 customers while
 * a steady background stream keeps arriving.
 */
import { startServer } from "../support/server.ts";
import { atMost, type Bench } from "./bench_types.ts";

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

export const issueBenches: Bench[] = [detection];
