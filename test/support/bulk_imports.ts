/**
 * Bulk imports of every kind (customers, tickets, articles) for the tests and
 * benches that watch `/healthz` while one runs against a real server.
 */

/** One bulk import: where it goes and what it sends. */
export interface BulkImport {
  readonly kind: "customers" | "tickets" | "articles";
  readonly path: string;
  readonly contentType: string;
  readonly body: string;
}

export function customerImport(count: number): BulkImport {
  const rows = ["customer_id,name,tier,contract_value,region,deployment_model,environments"];
  for (let i = 0; i < count; i++) {
    rows.push(`c${i},Customer ${i},gold,${i * 10},eu,single-tenant,c${i}/prod;c${i}/staging`);
  }
  return {
    kind: "customers",
    path: "/v1/customers/import",
    contentType: "text/csv",
    body: rows.join("\n"),
  };
}

/** Tickets in the simulator's `tickets.json` shape, each with a short conversation. */
export function ticketImport(count: number): BulkImport {
  const base = Date.UTC(2026, 0, 5);
  const tickets = Array.from({ length: count }, (_, i) => {
    const opened = base + i * 60_000;
    const iso = (offsetMinutes: number) => new Date(opened + offsetMinutes * 60_000).toISOString();
    return {
      id: `T-${i}`,
      customer: `c${i % 500}`,
      environment: "prod",
      subject: `Checkout fails with card declined (${i})`,
      description: `Since this morning order ${i} fails at payment with a 502.`,
      severity: ["critical", "high", "medium", "low"][i % 4],
      reporter: `user${i % 97}@example.com`,
      opened_at: iso(0),
      status: i % 3 === 0 ? "open" : "solved",
      communications: [
        { at: iso(5), author: "agent@loupe.test", visibility: "public", body: "Looking into it." },
        { at: iso(9), author: `user${i % 97}@example.com`, visibility: "public", body: "Thanks" },
      ],
      resolution: i % 3 === 0 ? null : {
        root_cause: "A stale certificate on the payment gateway",
        solution: "Rotated the certificate",
        prevention: null,
        resolver: "agent@loupe.test",
        resolved_at: iso(60),
      },
    };
  });
  return {
    kind: "tickets",
    path: "/v1/tickets/import",
    contentType: "application/json",
    body: JSON.stringify({ tickets }),
  };
}

export function articleImport(count: number): BulkImport {
  const articles = Array.from({ length: count }, (_, i) => ({
    id: `kb-${i}`,
    title: `Payment gateway answers 502 after release ${i % 40}`,
    symptom: `Checkout fails with "card declined" and a 502 from the gateway (${i}).`,
    cause: "The gateway's certificate expired.",
    steps: ["Check the gateway certificate", "Rotate it", "Restart the checkout service"],
    services: ["checkout"],
    tags: [`release-${i % 40}`],
  }));
  return {
    kind: "articles",
    path: "/v1/kb/articles/import",
    contentType: "application/json",
    body: JSON.stringify({ articles }),
  };
}

/** What `/healthz` did while some work ran: every probe's latency, and the failures. */
export interface HealthWhile<T> {
  readonly result: T;
  readonly latenciesMs: readonly number[];
  readonly failures: number;
}

/**
 * Probes `/healthz` every ~25 ms while `work` runs, from a worker thread so
 * that only the server's delays are counted, never this thread's.
 */
export async function probingHealth<T>(
  url: string,
  work: () => Promise<T>,
): Promise<HealthWhile<T>> {
  const worker = new Worker(new URL("./health_probe_worker.ts", import.meta.url), {
    type: "module",
  });
  const finished = new Promise<{ latenciesMs: number[]; failures: number }>((resolve, reject) => {
    worker.onmessage = ({ data }) => resolve(data);
    worker.onerror = (event) => {
      event.preventDefault();
      reject(new Error(`The /healthz probe failed: ${event.message}`));
    };
  });
  worker.postMessage({ url });
  try {
    const result = await work();
    worker.postMessage("stop");
    return { result, ...(await finished) };
  } finally {
    worker.terminate();
  }
}

/** Sends one bulk import; resolves with its status and parsed reply. */
export async function sendImport(
  url: string,
  bulk: BulkImport,
): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${url}${bulk.path}`, {
    method: "POST",
    headers: { "content-type": bulk.contentType },
    body: bulk.body,
  });
  return { status: response.status, body: await response.json() };
}

/** The `q` quantile (0..1) of some numbers, nearest rank. */
export function quantile(values: readonly number[], q: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil(sorted.length * q) - 1)]!;
}
