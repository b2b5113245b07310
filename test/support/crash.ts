/**
 * Rounds of kill -9 while ingest, ticket comments and customer imports are
 * under way, then a restart: every acknowledged write must be there exactly
 * once, and every unacknowledged one either whole or absent. Retries of the
 * unacknowledged ingests with their idempotency keys must not duplicate.
 * Shared by the e2e crash test (a few rounds) and `deno task bench crash` (20).
 */
import { type RunningServer, startServer } from "./server.ts";

const BATCH = 100;
const MAX_BATCHES_PER_ROUND = 300;

export interface CrashReport {
  readonly rounds: number;
  readonly acknowledged: { ingest: number; comments: number; imports: number };
  readonly lost: string[];
  readonly duplicated: string[];
  readonly halfWritten: string[];
}

function batchBody(round: number, batch: number): string {
  const lines: string[] = [];
  for (let i = 0; i < BATCH; i++) {
    lines.push(JSON.stringify({
      ts: 1_772_359_200_000 + i * 1000,
      level: i % 3 === 0 ? "error" : "info",
      msg: `round ${round} order ${batch * 1000 + i} ${i % 3 === 0 ? "declined" : "shipped"}`,
    }));
  }
  return lines.join("\n");
}

async function send(url: string, init: RequestInit & { path: string }): Promise<Response> {
  const { path, ...rest } = init;
  return await fetch(`${url}${path}`, rest);
}

/** `rounds` rounds against one store; each kills the server after `killAfterMs` (varied). */
export async function runCrashRounds(rounds: number, seed = 7): Promise<CrashReport> {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-crash-rounds-" });
  let server: RunningServer = await startServer(dataDir);
  const ackedBatches = new Set<string>();
  const attemptedBatches: { key: string; customer: string; body: string }[] = [];
  const ackedComments = new Set<string>();
  const attemptedComments = new Set<string>();
  const ackedImports = new Map<string, string[]>();
  const attemptedImports = new Map<string, string[]>();
  let random = seed;
  const next = () => (random = (random * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 31;
  try {
    const opened = await (await send(server.url, {
      path: "/v1/tickets",
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({
        customer: "acme",
        environment: "prod",
        subject: "Crash target",
        description: "Comments land here",
        severity: "high",
        reporter: "dana",
      }),
    })).json();
    const ticketId = opened.id as string;
    // Batches are counted per customer: each batch's customer is in the directory.
    const batchCustomers = Array.from(
      { length: rounds * MAX_BATCHES_PER_ROUND },
      (_, i) => `r${Math.floor(i / MAX_BATCHES_PER_ROUND)}b${i % MAX_BATCHES_PER_ROUND}`,
    );
    const directory = await send(server.url, {
      path: "/v1/customers/import",
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: ["customer_id,name,environments", ...batchCustomers.map((c) => `${c},${c},${c}/prod`)]
        .join("\n"),
    });
    if (directory.status !== 200) throw new Error(await directory.text());
    await directory.body?.cancel();
    for (let round = 0; round < rounds; round++) {
      const url = server.url;
      let alive = true;
      let counter = 0;
      const ingester = async () => {
        while (alive) {
          const n = counter++;
          if (n >= MAX_BATCHES_PER_ROUND) return;
          const customer = `r${round}b${n}`;
          const key = `crash-${round}-${n}`;
          const body = batchBody(round, n);
          attemptedBatches.push({ key, customer, body });
          try {
            const response = await send(url, {
              path: `/v1/logs?customer=${customer}&environment=prod`,
              method: "POST",
              headers: { "content-type": "application/x-ndjson", "idempotency-key": key },
              body,
            });
            if (response.status === 200) {
              await response.body?.cancel();
              ackedBatches.add(customer);
            } else return;
          } catch {
            return;
          }
        }
      };
      const commenter = async () => {
        while (alive) {
          const text = `round ${round} comment ${counter++}`;
          attemptedComments.add(text);
          try {
            const response = await send(url, {
              path: `/v1/tickets/${ticketId}/comments`,
              method: "POST",
              headers: { "content-type": "application/json" },
              body: JSON.stringify({ author: "bot", body: text, visibility: "internal" }),
            });
            if (response.status === 201) {
              await response.body?.cancel();
              ackedComments.add(text);
            } else return;
          } catch {
            return;
          }
        }
      };
      const importer = async () => {
        while (alive) {
          const name = `import-${round}-${counter++}`;
          const ids = Array.from({ length: 1200 }, (_, i) => `${name}-c${i}`);
          attemptedImports.set(name, ids);
          const csv = [
            "customer_id,name,environments",
            ...ids.map((id) => `${id},${id},${id}/prod`),
          ]
            .join("\n");
          try {
            const response = await send(url, {
              path: "/v1/customers/import",
              method: "POST",
              headers: { "content-type": "text/csv", "idempotency-key": name },
              body: csv,
            });
            if (response.status === 200) {
              await response.body?.cancel();
              ackedImports.set(name, ids);
            } else return;
          } catch {
            return;
          }
        }
      };
      const writers = [ingester(), ingester(), commenter(), commenter(), importer()];
      await new Promise((resolve) => setTimeout(resolve, 1_000 + Math.floor(next() * 1_500)));
      await server.kill();
      alive = false;
      await Promise.all(writers);
      server = await startServer(dataDir);
    }
    // Retried with their keys, unacknowledged batches land once at most.
    for (
      const attempt of attemptedBatches.filter((a) => !ackedBatches.has(a.customer)).slice(0, 20)
    ) {
      const response = await send(server.url, {
        path: `/v1/logs?customer=${attempt.customer}&environment=prod`,
        method: "POST",
        headers: { "content-type": "application/x-ndjson", "idempotency-key": attempt.key },
        body: attempt.body,
      });
      await response.body?.cancel();
      if (response.status === 200) ackedBatches.add(attempt.customer);
    }
    const lost: string[] = [];
    const duplicated: string[] = [];
    const halfWritten: string[] = [];
    const customerCounts = new Map<string, number>();
    for (let offset = 0;; offset += 1000) {
      const page = await (await fetch(
        `${server.url}/v1/signatures?limit=1000&offset=${offset}`,
      )).json();
      if (page.items.length === 0) break;
      for (const signature of page.items as { id: string }[]) {
        const detail = await (await fetch(`${server.url}/v1/signatures/${signature.id}`)).json();
        for (const row of detail.by_customer as { customer: string; count: number }[]) {
          customerCounts.set(row.customer, (customerCounts.get(row.customer) ?? 0) + row.count);
        }
      }
    }
    for (const { customer } of attemptedBatches) {
      const stored = customerCounts.get(customer) ?? 0;
      if (ackedBatches.has(customer) && stored < BATCH) lost.push(`batch ${customer}: ${stored}`);
      if (stored > BATCH) duplicated.push(`batch ${customer}: ${stored}`);
      if (stored !== 0 && stored !== BATCH && stored <= BATCH) {
        halfWritten.push(`batch ${customer}: ${stored}`);
      }
    }
    const comments = (await (await fetch(`${server.url}/v1/tickets/${ticketId}/comments`)).json())
      .items as { body: string }[];
    const commentCounts = new Map<string, number>();
    for (const c of comments) commentCounts.set(c.body, (commentCounts.get(c.body) ?? 0) + 1);
    for (const text of ackedComments) {
      if (!commentCounts.has(text)) lost.push(`comment ${text}`);
    }
    for (const [text, count] of commentCounts) {
      if (count > 1) duplicated.push(`comment ${text} x${count}`);
    }
    const customers = new Set<string>();
    for (let offset = 0;; offset += 1000) {
      const page = await (await fetch(`${server.url}/v1/customers?limit=1000&offset=${offset}`))
        .json();
      for (const c of page.items as { customer_id: string }[]) customers.add(c.customer_id);
      if (page.items.length < 1000) break;
    }
    for (const [name, ids] of ackedImports) {
      const missing = ids.filter((id) => !customers.has(id)).length;
      if (missing > 0) lost.push(`import ${name}: ${missing} customers missing`);
    }
    return {
      rounds,
      acknowledged: {
        ingest: ackedBatches.size,
        comments: ackedComments.size,
        imports: ackedImports.size,
      },
      lost,
      duplicated,
      halfWritten,
    };
  } finally {
    await server.stop().catch(() => {});
    await Deno.remove(dataDir, { recursive: true });
  }
}
