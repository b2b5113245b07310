/**
 * Sync benches on the fake Zendesk (a real HTTP server) and a real Loupe
 * server over LMDB:
 * - `sync-lag`: a Zendesk webhook to the Loupe ticket being visible, and an
 *   agent's link in Loupe to the internal note on the remote: p50/p99.
 * - `sync-kill`: 500 deliveries with 20 kill -9 at random moments: notes
 *   lost and duplicated on the remote.
 * - `sync-429`: every second call refused (429) for a minute: everything
 *   delivered afterwards, in order per ticket.
 */
import { ulid } from "ulid";
import { startServer } from "../support/server.ts";
import { FakeZendesk } from "../ticketing/fake_zendesk.ts";
import { atMost, type Bench, type BenchRow, percentile } from "./bench_types.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { ZendeskAdapter } from "../../adapters/ticketing/zendesk.ts";
import { Outbox } from "../../src/sync/outbox.ts";

const SECRET = "bench-zendesk-secret";

function zendeskEnv(fake: FakeZendesk): Record<string, string> {
  return {
    LOUPE_ZENDESK_URL: fake.url,
    LOUPE_ZENDESK_EMAIL: "agent@example.test",
    LOUPE_ZENDESK_API_TOKEN: "zendesk-token",
    LOUPE_ZENDESK_WEBHOOK_SECRET: SECRET,
  };
}

// deno-lint-ignore no-explicit-any -- bench reads whatever JSON the server answers
async function json(url: string, init?: RequestInit): Promise<any> {
  const response = await fetch(url, init);
  const body = await response.json();
  if (!response.ok) throw new Error(`${url}: ${response.status} ${JSON.stringify(body)}`);
  return body;
}

async function aSignature(url: string): Promise<string> {
  await fetch(`${url}/v1/logs?customer=acme&environment=prod`, {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: JSON.stringify({ level: "error", msg: "PaymentGatewayException: upstream timeout" }),
  }).then((r) => r.body?.cancel());
  return (await json(`${url}/v1/signatures?limit=1`)).items[0].id;
}

async function lag(): Promise<BenchRow[]> {
  const fake = new FakeZendesk({ exportLagMs: 0 });
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-sync-bench-" });
  const server = await startServer(dataDir, zendeskEnv(fake));
  try {
    const signatureId = await aSignature(server.url);
    const jo = fake.addUser("jo@acme.example");
    const inbound: number[] = [];
    const outbound: number[] = [];
    for (let i = 0; i < 60; i++) {
      const ticket = fake.createTicket({
        subject: `Payments fail ${i}`,
        body: "x",
        requesterId: jo,
      });
      fake.addComment(ticket.id, `more detail ${i}`, true, jo);
      const started = performance.now();
      const [answer] = await fake.notify(
        `${server.url}/v1/integrations/zendesk/webhook`,
        ticket.id,
        SECRET,
      );
      const { ticket_id } = await answer!.json();
      for (;;) {
        const view = await json(`${server.url}/v1/tickets/${ticket_id}/comments`);
        if (view.items.some((c: { body: string }) => c.body === `more detail ${i}`)) break;
      }
      inbound.push(performance.now() - started);
      const linking = performance.now();
      await json(`${server.url}/v1/tickets/${ticket_id}/links`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ signature_ids: [signatureId] }),
      });
      while (fake.notesWith(ticket.id, "[loupe:").length === 0) {
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      outbound.push(performance.now() - linking);
    }
    const row = (metric: string, values: number[], p: number): BenchRow => {
      const value = Math.round(percentile(values, p * 100));
      return {
        bench: "sync-lag",
        metric,
        value,
        unit: "ms",
        ...(p === 0.99 ? atMost(value, 2000) : {}),
        note: `${values.length} trials, fake Zendesk on 127.0.0.1`,
      };
    };
    return [
      row("webhook to ticket visible p50", inbound, 0.5),
      row("webhook to ticket visible p99", inbound, 0.99),
      row("link to remote note p50", outbound, 0.5),
      row("link to remote note p99", outbound, 0.99),
    ];
  } finally {
    await server.stop();
    await fake.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function kill(): Promise<BenchRow[]> {
  const TICKETS = 500;
  const KILLS = 20;
  const fake = new FakeZendesk({ exportLagMs: 0 });
  fake.chaos.delayMs = 5;
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-sync-kill-" });
  let server = await startServer(dataDir, zendeskEnv(fake));
  try {
    const signatureId = await aSignature(server.url);
    const jo = fake.addUser("jo@acme.example");
    const remoteIds: number[] = [];
    for (let i = 0; i < TICKETS; i++) {
      remoteIds.push(fake.createTicket({ subject: `Pay ${i}`, body: "x", requesterId: jo }).id);
    }
    let kills = 0;
    let next = 0;
    let killAt = Math.floor(Math.random() * 25) + 1;
    // Each ticket: a webhook (Loupe reads it), then an agent links it: one note to deliver.
    while (next < TICKETS || kills < KILLS) {
      try {
        if (next < TICKETS) {
          const remoteId = remoteIds[next]!;
          const [answer] = await fake.notify(
            `${server.url}/v1/integrations/zendesk/webhook`,
            remoteId,
            SECRET,
          );
          const { ticket_id } = await answer!.json();
          await json(`${server.url}/v1/tickets/${ticket_id}/links`, {
            method: "POST",
            headers: { "content-type": "application/json" },
            body: JSON.stringify({ signature_ids: [signatureId] }),
          });
          next++;
        }
      } catch {
        // The server was killed under this request: it is sent again to the next one.
      }
      if (--killAt <= 0 && kills < KILLS) {
        await new Promise((resolve) => setTimeout(resolve, Math.random() * 40));
        await server.kill();
        kills++;
        server = await startServer(dataDir, zendeskEnv(fake));
        killAt = Math.floor(Math.random() * 25) + 1;
      }
    }
    // A note is lost only if it never arrives: after restarts the sync first
    // catches up with every Zendesk ticket, and links made meanwhile get their
    // notes queued behind that, so an empty outbox alone does not mean done.
    const started = performance.now();
    for (;;) {
      const pending = await json(`${server.url}/v1/integrations/deliveries?status=pending`);
      const missing = remoteIds.some((id) => fake.notesWith(id, "[loupe:").length === 0);
      if (pending.total === 0 && !missing) break;
      if (performance.now() - started > 600_000) break;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
    const drainSeconds = (performance.now() - started) / 1000;
    let lost = 0;
    let duplicated = 0;
    for (const id of remoteIds) {
      const notes = fake.notesWith(id, "[loupe:").length;
      if (notes === 0) lost++;
      if (notes > 1) duplicated += notes - 1;
    }
    const note = `${TICKETS} notes, ${kills} kill -9, fake Zendesk answering in >= 5 ms`;
    return [
      {
        bench: "sync-kill",
        metric: "notes lost",
        value: lost,
        unit: "notes",
        ...atMost(lost, 0),
        note,
      },
      {
        bench: "sync-kill",
        metric: "notes duplicated",
        value: duplicated,
        unit: "notes",
        ...atMost(duplicated, 0),
        note,
      },
      {
        bench: "sync-kill",
        metric: "last note arrived after the burst",
        value: Math.round(drainSeconds),
        unit: "s",
        note: "catch-up of every Zendesk ticket runs first after each restart",
      },
    ];
  } finally {
    await server.stop().catch(() => {});
    await fake.close();
    await Deno.remove(dataDir, { recursive: true });
  }
}

async function storm(): Promise<BenchRow[]> {
  const TICKETS = 20;
  const NOTES_PER_TICKET = 10;
  const STORM_MS = 60_000;
  const fake = new FakeZendesk({ exportLagMs: 0 });
  const jo = fake.addUser("jo@acme.example");
  const ids = Array.from(
    { length: TICKETS },
    (_, i) => fake.createTicket({ subject: `t${i}`, body: "x", requesterId: jo }).id,
  );
  const store = new MemoryEventStore();
  fake.chaos.storm = { every: 2, retryAfterSeconds: 2, until: Date.now() + STORM_MS };
  const outbox = await Outbox.open({
    store,
    clock: { now: () => Date.now() },
    newId: ulid,
    random: Math.random,
    systems: [
      new ZendeskAdapter({ url: fake.url, email: "agent@example.test", apiToken: "zendesk-token" }),
    ],
  });
  const started = performance.now();
  try {
    for (let n = 0; n < NOTES_PER_TICKET; n++) {
      for (const id of ids) {
        await outbox.enqueue({
          system: "zendesk",
          orderKey: `zendesk:${id}`,
          origin: "loupe",
          dedupeKey: `${id}-${n}`,
          action: {
            kind: "note",
            target: String(id),
            body: `note ${n}`,
            marker: `storm-${id}-${n}`,
            tags: [],
          },
        });
      }
    }
    await outbox.idle();
    const drained = performance.now() - started;
    let missing = 0;
    let outOfOrder = 0;
    for (const id of ids) {
      const seen = fake.notesWith(id, "[loupe:storm-").map((c) =>
        Number(/note (\d+)/.exec(c.body)![1])
      );
      missing += NOTES_PER_TICKET - new Set(seen).size;
      if (seen.some((n, i) => n !== i)) outOfOrder++;
    }
    const note = `${
      TICKETS * NOTES_PER_TICKET
    } notes over ${TICKETS} tickets, every 2nd call 429 (Retry-After 2 s) for ${STORM_MS / 1000} s`;
    return [
      {
        bench: "sync-429",
        metric: "notes not delivered",
        value: missing,
        unit: "notes",
        ...atMost(missing, 0),
        note,
      },
      {
        bench: "sync-429",
        metric: "tickets out of order",
        value: outOfOrder,
        unit: "tickets",
        ...atMost(outOfOrder, 0),
        note,
      },
      {
        bench: "sync-429",
        metric: "all delivered after",
        value: Math.round(drained / 1000),
        unit: "s",
        note,
      },
      {
        bench: "sync-429",
        metric: "failed (dead letter)",
        value: outbox.list("failed").length,
        unit: "deliveries",
        ...atMost(outbox.list("failed").length, 0),
        note,
      },
    ];
  } finally {
    outbox.stop();
    await fake.close();
  }
}

export const syncBenches: readonly Bench[] = [
  {
    name: "sync-lag",
    description: "Zendesk webhook -> ticket visible, Loupe link -> remote note (p99 < 2 s)",
    run: lag,
  },
  {
    name: "sync-kill",
    description: "500 deliveries, 20 kill -9: 0 lost, 0 duplicated on the remote",
    run: kill,
  },
  {
    name: "sync-429",
    description: "a minute of every second call refused: all delivered, in order per ticket",
    run: storm,
  },
];
