/**
 * Issue 25, each failure the attacker's barrage found, replayed against a
 * real server on a fresh store: the answer is a clear 4xx in the one error
 * shape, the process stays up, and every read endpoint still answers 200.
 */
import assert from "node:assert/strict";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { INGEST_STREAM } from "../../domain/events.ts";
import { ticketStream } from "../../domain/tickets/mod.ts";
import { isErrorShape, readAll, readPaths } from "../support/endpoints.ts";
import { type RunningServer, startServer } from "../support/server.ts";

const TICKET = {
  customer: "acme",
  environment: "prod",
  subject: "Checkout fails",
  description: "Cards are declined since this morning",
  severity: "high",
  reporter: "dana",
};

async function call(
  server: RunningServer,
  method: string,
  path: string,
  body?: BodyInit,
  headers: Record<string, string> = {},
) {
  const response = await fetch(`${server.url}${path}`, { method, body, headers });
  const text = await response.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: response.status, json, text, headers: response.headers };
}

function assertRefused(reply: { status: number; json: unknown; text: string }, status: number) {
  assert.equal(reply.status, status, reply.text.slice(0, 300));
  assert.ok(isErrorShape(reply.json), `not the error shape: ${reply.text.slice(0, 300)}`);
}

async function assertEveryReadAnswers(server: RunningServer, ids: Parameters<typeof readPaths>[0]) {
  const failed = (await readAll(server.url, readPaths(ids))).filter((r) => r.status !== 200);
  assert.deepEqual(failed, []);
}

Deno.test("hostile requests get a clear 4xx, never a 5xx, a crash or a poisoned store", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-hostile-" });
  let server = await startServer(dataDir);
  try {
    const ingest = (body: string, query = "?customer=acme&environment=prod", headers = {}) =>
      call(server, "POST", `/v1/logs${query}`, body, {
        "content-type": "application/x-ndjson",
        ...headers,
      });
    const customers = await call(
      server,
      "POST",
      "/v1/customers/import",
      "customer_id,name,tier,contract_value,environments\nacme,Acme,gold,1000,acme/prod\n",
      { "content-type": "text/csv" },
    );
    assert.equal(customers.status, 200, customers.text);
    const good = await ingest(
      '{"ts":1772359200000,"level":"error","msg":"card declined for order 1"}\n' +
        '{"ts":1772359201000,"level":"error","msg":"card declined for order 2"}',
    );
    assert.equal(good.status, 200, good.text);
    const opened = await call(server, "POST", "/v1/tickets", JSON.stringify(TICKET), {
      "content-type": "application/json",
    });
    assert.equal(opened.status, 201, opened.text);
    const ticketId = (opened.json as { id: string }).id;
    const signatures = await call(server, "GET", "/v1/signatures");
    const signatureId = (signatures.json as { items: { id: string }[] }).items[0]!.id;
    const ids = { ticketId, signatureId, customerId: "acme", environment: "prod" };

    await t.step(
      "an Idempotency-Key of 2 KB or 5 KB is refused, not a 500 or a crash",
      async () => {
        for (const length of [2_000, 5_000]) {
          assertRefused(
            await ingest('{"msg":"x"}', undefined, { "idempotency-key": "k".repeat(length) }),
            400,
          );
        }
        assert.equal((await call(server, "GET", "/healthz")).status, 200);
      },
    );

    await t.step("a time of 1e308 is quarantined with the reason; reads keep working", async () => {
      const reply = await ingest('{"msg":"p","timestamp":1e308}');
      assert.equal(reply.status, 200, reply.text);
      const body = reply.json as { accepted: number; quarantined_lines: { reason: string }[] };
      assert.equal(body.accepted, 0);
      assert.match(body.quarantined_lines[0]!.reason, /outside 1970-01-01 \.\. 100 years from now/);
      await assertEveryReadAnswers(server, ids);
    });

    await t.step(
      "a ticket opened at 9e15 or with a window before -8.64e15 is refused and not stored",
      async () => {
        const tickets = (await call(server, "GET", "/v1/tickets")).json as { total: number };
        for (
          const extra of [{ opened_at: 9e15 }, { window: { from: -9e15, to: 0 } }, {
            window: { from: 0, to: 1e300 },
          }]
        ) {
          assertRefused(
            await call(server, "POST", "/v1/tickets", JSON.stringify({ ...TICKET, ...extra }), {
              "content-type": "application/json",
            }),
            400,
          );
        }
        const after = (await call(server, "GET", "/v1/tickets")).json as { total: number };
        assert.equal(after.total, tickets.total);
      },
    );

    await t.step("deep nesting is a 400 on every JSON route", async () => {
      const deep = "[".repeat(100_000);
      const routes: [string, string][] = [
        ["POST", "/v1/tickets"],
        ["PATCH", `/v1/tickets/${ticketId}`],
        ["POST", `/v1/tickets/${ticketId}/comments`],
        ["POST", `/v1/tickets/${ticketId}/links`],
        ["POST", `/v1/tickets/${ticketId}/resolution`],
        ["PUT", "/v1/rules"],
        ["POST", "/v1/metrics"],
        ["POST", "/v1/customers/import"],
        ["POST", "/v1/logs"],
      ];
      for (const [method, path] of routes) {
        assertRefused(
          await call(server, method, path, deep, { "content-type": "application/json" }),
          400,
        );
      }
    });

    await t.step(
      "a body over the JSON limit is refused before it is read whole (413)",
      async () => {
        const comment = JSON.stringify({ author: "a", body: "x".repeat(2 * 1024 * 1024) });
        assertRefused(
          await call(server, "POST", `/v1/tickets/${ticketId}/comments`, comment, {
            "content-type": "application/json",
          }),
          413,
        );
      },
    );

    await t.step("a wrong content type on a JSON route is 415", async () => {
      for (
        const [method, path] of [
          ["POST", "/v1/tickets"],
          [
            "POST",
            `/v1/tickets/${ticketId}/comments`,
          ],
          ["PUT", "/v1/rules"],
          ["PATCH", `/v1/tickets/${ticketId}`],
        ]
      ) {
        assertRefused(
          await call(server, method!, path!, JSON.stringify(TICKET), {
            "content-type": "text/plain",
          }),
          415,
        );
      }
    });

    await t.step("an Idempotency-Key is bound to its body and scoped to the origin", async () => {
      const key = { "idempotency-key": "retry-1" };
      const first = await ingest('{"ts":1772359200000,"msg":"first body"}', undefined, key);
      assert.equal(first.status, 200, first.text);
      const retry = await ingest('{"ts":1772359200000,"msg":"first body"}', undefined, key);
      assert.equal((retry.json as { duplicate: boolean }).duplicate, true);
      assertRefused(await ingest('{"ts":1772359200000,"msg":"other"}', undefined, key), 409);
      const reused = await ingest('{"ts":1772359200000,"msg":"other"}', undefined, key);
      assert.equal(
        (reused.json as { error: { code: string } }).error.code,
        "idempotency_key_reused",
      );
      const elsewhere = await ingest(
        '{"ts":1772359200000,"msg":"first body"}',
        "?customer=globex&environment=prod",
        key,
      );
      assert.equal(elsewhere.status, 200);
      assert.equal((elsewhere.json as { duplicate: boolean }).duplicate, false);
    });

    await t.step("unlinking the log event id abc is a 400", async () => {
      assertRefused(
        await call(server, "DELETE", `/v1/tickets/${ticketId}/links/log-events/abc`),
        400,
      );
    });

    await t.step("a long URL gets 414 in the error shape", async () => {
      assertRefused(await call(server, "GET", `/v1/signatures?x=${"a".repeat(20_000)}`), 414);
    });

    await t.step("answers carry nosniff and no-store, and no CORS header by default", async () => {
      // An answer, a 404 from a route, and a refusal made before any route ran.
      for (
        const path of [
          "/v1/signatures",
          "/v1/tickets/none",
          `/v1/signatures?x=${"a".repeat(20_000)}`,
        ]
      ) {
        const reply = await call(server, "GET", path, undefined, { origin: "https://evil.test" });
        assert.equal(reply.headers.get("x-content-type-options"), "nosniff");
        assert.equal(reply.headers.get("cache-control"), "no-store");
        assert.equal(reply.headers.get("access-control-allow-origin"), null);
      }
    });

    await t.step(
      "2 million one-character lines are refused at once, and /healthz stays quick",
      async () => {
        const body = "a\n".repeat(2_000_000);
        const pending = ingest(body, "?customer=acme&environment=prod", {
          "content-type": "text/plain",
        });
        const started = performance.now();
        const health = await call(server, "GET", "/healthz");
        assert.equal(health.status, 200);
        const reply = await pending;
        assertRefused(reply, 413);
        assert.ok(performance.now() - started < 30_000);
      },
    );

    await t.step(
      "a store that already holds poison pills still answers, and /healthz counts them",
      async () => {
        await server.stop();
        const environment = openLmdb(dataDir);
        const store = new LmdbEventStore(environment);
        await store.append(INGEST_STREAM, [{
          type: "LogBatchIngested",
          data: {
            batchId: "poison",
            source: "http",
            format: "jsonl",
            context: { customer: "acme", environment: "prod" },
            receivedAt: 1772359200000,
            records: [{
              timestamp: 1e308,
              customer: null,
              environment: null,
              service: null,
              version: null,
              severityNumber: 17,
              message: "p",
              attributes: [],
              line: 1,
              offset: 0,
              signatureId: signatureId,
            }],
            quarantined: [],
          },
        }], { expectedVersion: "any" });
        await store.append(ticketStream("poisoned"), [{
          type: "TicketOpened",
          data: {
            ...TICKET,
            ticketId: "poisoned",
            at: 9e15,
            by: null,
            externalRef: null,
            window: { from: -9e15, to: 9e15 },
            openedAt: 9e15,
          },
        }], { expectedVersion: 0 });
        await environment.close();
        server = await startServer(dataDir);
        await assertEveryReadAnswers(server, ids);
        await assertEveryReadAnswers(server, { ...ids, ticketId: "poisoned" });
        const health = (await call(server, "GET", "/healthz")).json as {
          skipped_events: { total: number; by_reason: { reason: string; count: number }[] };
        };
        assert.equal(health.skipped_events.total, 2);
        assert.deepEqual(health.skipped_events.by_reason.map((r) => r.reason).sort(), [
          "LogBatchIngested: record timestamp outside 1970-01-01 .. 2200-01-01",
          "TicketOpened: at outside 1970-01-01 .. 2200-01-01",
        ]);
      },
    );
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
