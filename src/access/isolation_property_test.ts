/**
 * Tenant isolation through the whole HTTP application: random customers,
 * each pushing through its own `ingest:` token records that claim other
 * customers, then random `customer:` tokens calling random read endpoints.
 */
import assert from "node:assert/strict";
import fc from "fast-check";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { contextualField, type LogBatchIngestedData } from "../../domain/events.ts";
import { compose } from "../app/compose.ts";

const NOW = Date.UTC(2026, 11, 4, 12);

async function givenLoupe() {
  const store = new MemoryEventStore({ clock: { now: () => NOW } });
  let id = 0;
  const composed = await compose({
    store,
    projectionStore: new MemoryProjectionStore(),
    clock: { now: () => NOW },
    newId: () => `id${String(++id).padStart(8, "0")}`,
    http: { maxBodyBytes: 1 << 20, maxLineBytes: 65536 },
    ticketing: ticketingConfig({}),
    version: "test",
  });
  const admin = await composed.tokens.create({ name: "root", role: { kind: "admin" } });
  const call = async (
    secret: string,
    method: string,
    path: string,
    body?: unknown,
    type?: string,
  ) => {
    const response = await composed.http.request(path, {
      method,
      headers: {
        authorization: `Bearer ${secret}`,
        ...(body === undefined ? {} : { "content-type": type ?? "application/json" }),
      },
      ...(body === undefined
        ? {}
        : { body: typeof body === "string" ? body : JSON.stringify(body) }),
    });
    const text = await response.text();
    return { status: response.status, text };
  };
  return { store, composed, admin: admin.secret, call };
}

/** Ids that never occur inside one another or in any other text Loupe writes. */
const customerIds = fc.uniqueArray(fc.stringMatching(/^[a-z]{6}$/), { minLength: 2, maxLength: 4 })
  .map((ids) => ids.map((s) => `cu${s}`));

const READS = [
  "/v1/signatures",
  "/v1/signatures/:sig",
  "/v1/signatures/:sig/trend",
  "/v1/signatures/:sig/impact",
  "/v1/signatures/:sig/tickets",
  "/v1/signatures/:sig/issue",
  "/v1/tickets",
  "/v1/tickets/:ticket",
  "/v1/tickets/:ticket/comments",
  "/v1/tickets/:ticket/logs",
  "/v1/tickets/:ticket/candidates",
  "/v1/customers",
  "/v1/customers/:customer",
  "/v1/customers/:customer/impact",
  "/v1/issues",
  "/v1/trends",
  "/v1/priorities",
  "/v1/quarantine",
  "/v1/metrics?environment=prod",
  "/v1/kb/articles",
  "/v1/audit",
  "/v1/tokens",
];

Deno.test({
  name: "a customer: token never receives another customer's records, tickets, names or impact; " +
    "an ingest: token never writes to another origin",
  fn: async () => {
    await fc.assert(
      fc.asyncProperty(
        customerIds,
        fc.array(fc.tuple(fc.nat(), fc.nat(), fc.boolean(), fc.boolean()), {
          minLength: 2,
          maxLength: 8,
        }),
        fc.array(fc.tuple(fc.nat(), fc.constantFrom(...READS), fc.nat(), fc.nat()), {
          minLength: 5,
          maxLength: 25,
        }),
        async (customers, pushes, reads) => {
          const { store, composed, admin, call } = await givenLoupe();
          try {
            const directory = customers.map((c) => ({
              customer_id: c,
              name: `${c} Holdings`,
              environments: [`${c}/prod`],
            }));
            assert.equal(
              (await call(admin, "POST", "/v1/customers/import", directory)).status,
              200,
            );
            const ingest = new Map<string, string>();
            const reader = new Map<string, string>();
            for (const c of customers) {
              const role = { kind: "ingest", customer: c, environment: "prod" } as const;
              ingest.set(c, (await composed.tokens.create({ name: `${c}-shipper`, role })).secret);
              const own = { kind: "customer", customer: c } as const;
              reader.set(
                c,
                (await composed.tokens.create({ name: `${c}-portal`, role: own })).secret,
              );
            }
            const tickets: string[] = [];
            for (const c of customers) {
              const opened = await call(admin, "POST", "/v1/tickets", {
                customer: c,
                environment: "prod",
                subject: `checkout fails for ${c}`,
                description: `${c} says payments fail`,
                severity: "high",
                reporter: `${c}-ops`,
              });
              assert.equal(opened.status, 201, opened.text);
              tickets.push(JSON.parse(opened.text).id);
            }
            // Every push names (in the query, or in each record) a customer it may not be.
            for (const [who, claimed, inQuery, otlp] of pushes) {
              const pusher = customers[who % customers.length]!;
              const claim = customers[claimed % customers.length]!;
              const lines = [0, 1, 2].map((i) => ({
                msg: `payment declined for ${pusher} order ${i}`,
                level: "error",
                ts: new Date(NOW - 3_600_000 + i).toISOString(),
                customer: claim,
                environment: "staging",
              }));
              const query = inQuery ? `?customer=${claim}` : "";
              const body = otlp
                ? {
                  resourceLogs: [{
                    resource: {
                      attributes: [
                        { key: "customer.id", value: { stringValue: claim } },
                        { key: "deployment.environment", value: { stringValue: "staging" } },
                      ],
                    },
                    scopeLogs: [{
                      logRecords: lines.map((l) => ({
                        timeUnixNano: String(Date.parse(l.ts) * 1e6),
                        severityText: "ERROR",
                        body: { stringValue: l.msg },
                      })),
                    }],
                  }],
                }
                : lines.map((l) => JSON.stringify(l)).join("\n");
              const reply = await call(
                ingest.get(pusher)!,
                "POST",
                `/v1/logs${query}`,
                body,
                otlp ? "application/json" : "application/x-ndjson",
              );
              const refused = inQuery && claim !== pusher;
              assert.equal(reply.status, refused ? 403 : 200, reply.text);
            }
            await composed.loupe.settled();

            // Ingest: every stored record is of the origin of the token that pushed it.
            for (const event of await store.readAll(0, 100_000)) {
              if (event.type !== "LogBatchIngested") continue;
              const batch = event.data as LogBatchIngestedData;
              const owner = batch.context.customer!;
              assert.ok(customers.includes(owner));
              for (const record of batch.records) {
                assert.equal(contextualField(record, batch.context, "customer"), owner);
                assert.equal(contextualField(record, batch.context, "environment"), "prod");
                assert.ok(record.signatureId.length > 0);
              }
              for (const record of batch.records) {
                assert.ok(!("message" in record) || (record.message as string).includes(owner));
              }
            }

            const signatures = JSON.parse((await call(admin, "GET", "/v1/signatures")).text)
              .items.map((s: { id: string }) => s.id);
            for (const [who, route, pick, other] of reads) {
              const me = customers[who % customers.length]!;
              const path = route
                .replace(":sig", signatures[pick % Math.max(1, signatures.length)] ?? "none")
                .replace(":ticket", tickets[pick % tickets.length]!)
                .replace(":customer", customers[other % customers.length]!);
              const reply = await call(reader.get(me)!, "GET", path);
              assert.ok([200, 403, 404].includes(reply.status), `${path}: ${reply.status}`);
              if (reply.status !== 200) continue;
              for (const someoneElse of customers.filter((c) => c !== me)) {
                assert.ok(
                  !reply.text.includes(someoneElse),
                  `${me} read ${someoneElse} in ${path}: ${reply.text.slice(0, 400)}`,
                );
              }
            }
          } finally {
            await composed.stop();
          }
        },
      ),
      { numRuns: 30 },
    );
  },
});
