/**
 * Access through the real service: the first admin token from the `tokens`
 * CLI, the others from the admin endpoint; 401 and 403 in the one error
 * shape; an ingest token's origin winning over what the records claim; a
 * customer token kept to its customer; revocation at once; the audit trail.
 */
import assert from "node:assert/strict";
import { SeverityNumber } from "@opentelemetry/api";
import { BatchLogRecordProcessor, LoggerProvider } from "@opentelemetry/sdk-logs";
import { resourceFromAttributes } from "@opentelemetry/resources";
import { OTLPLogExporter as ProtobufExporter } from "@opentelemetry/exporter-logs-otlp-proto";
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { contextualField, type LogBatchIngestedData } from "../../domain/events.ts";
import { decodedData } from "../../ports/event_store.ts";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

Deno.test({
  name: "tokens end to end: CLI, roles, 401/403, origin pinned, scoping, revocation, audit",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-access-" });
    const created = await runEntry("tokens", [
      "create",
      "--role",
      "admin",
      "--name",
      "root",
      "--json",
      "--data",
      dataDir,
    ]);
    assert.equal(created.code, 0, created.stderr);
    const root = JSON.parse(created.stdout) as { id: string; secret: string; role: string };
    assert.equal(root.role, "admin");
    let server = await startServer(dataDir);
    try {
      const call = async (
        secret: string | null,
        method: string,
        path: string,
        body?: unknown,
        headers: Record<string, string> = {},
      ) => {
        const response = await fetch(`${server.url}${path}`, {
          method,
          headers: {
            ...(secret === null ? {} : { authorization: `Bearer ${secret}` }),
            ...(body === undefined ? {} : {
              "content-type": typeof body === "string"
                ? "application/x-ndjson"
                : "application/json",
            }),
            ...headers,
          },
          ...(body === undefined
            ? {}
            : { body: typeof body === "string" ? body : JSON.stringify(body) }),
        });
        const text = await response.text();
        return { status: response.status, body: text === "" ? null : JSON.parse(text) };
      };
      const expectError = async (
        reply: Promise<{ status: number; body: { error: { code: string; message: unknown } } }>,
        status: number,
        code: string,
      ) => {
        const { status: got, body } = await reply;
        assert.equal(got, status, JSON.stringify(body));
        assert.equal(body.error.code, code);
        assert.equal(typeof body.error.message, "string");
      };

      // No token, an unknown one, a malformed header: 401. Health stays open.
      await expectError(call(null, "GET", "/v1/signatures"), 401, "unauthorized");
      await expectError(call("loupe_not-a-token", "GET", "/v1/signatures"), 401, "unauthorized");
      assert.equal((await call(null, "GET", "/healthz")).status, 200);

      const grant = async (name: string, role: string) => {
        const reply = await call(root.secret, "POST", "/v1/tokens", { name, role });
        assert.equal(reply.status, 201, JSON.stringify(reply.body));
        assert.equal(reply.body.role, role);
        return reply.body as { id: string; secret: string };
      };
      await expectError(
        call(root.secret, "POST", "/v1/tokens", { name: "x", role: "root" }),
        400,
        "validation_failed",
      );
      const alice = await grant("alice", "agent");
      const portal = await grant("acme-portal", "customer:acme");
      const acmeShipper = await grant("acme-shipper", "ingest:acme/prod");
      const globexShipper = await grant("globex-shipper", "ingest:globex/prod");
      const listed = await call(root.secret, "GET", "/v1/tokens");
      assert.deepEqual(listed.body.items.map((t: { name: string }) => t.name), [
        "root",
        "alice",
        "acme-portal",
        "acme-shipper",
        "globex-shipper",
      ]);
      assert.ok(!JSON.stringify(listed.body).includes(alice.secret), "secrets are never listed");

      // The ingest token decides the origin: a record claiming globex is acme's.
      const line = (message: string, extra: object = {}) =>
        JSON.stringify({ message, level: "error", ts: "2026-12-04T10:00:00Z", ...extra });
      const pushed = await call(
        acmeShipper.secret,
        "POST",
        "/v1/logs",
        [
          line("Disk full on volume 3 for acme"),
          line("Disk full on volume 4 for acme", { customer: "globex", environment: "staging" }),
        ].join("\n"),
      );
      assert.equal(pushed.status, 200, JSON.stringify(pushed.body));
      assert.equal(pushed.body.accepted, 2);
      await expectError(
        call(acmeShipper.secret, "POST", "/v1/logs?customer=globex", line("x")),
        403,
        "forbidden",
      );
      await expectError(
        call(acmeShipper.secret, "POST", "/v1/logs?environment=staging", line("x")),
        403,
        "forbidden",
      );
      await expectError(call(acmeShipper.secret, "GET", "/v1/signatures"), 403, "forbidden");
      assert.equal(
        (await call(
          globexShipper.secret,
          "POST",
          "/v1/logs",
          [
            line("Disk full on volume 9 for globex"),
            line("Cache miss storm at globex"),
          ].join("\n"),
        )).status,
        200,
      );

      const everything = await call(alice.secret, "GET", "/v1/signatures?limit=100");
      const disk = everything.body.items.find((s: { template: string }) =>
        s.template.startsWith("Disk full")
      );
      const detail = await call(alice.secret, "GET", `/v1/signatures/${disk.id}`);
      assert.deepEqual(
        detail.body.by_customer.map((
          c: { customer: string; count: number },
        ) => [c.customer, c.count]),
        [["acme", 2], ["globex", 1]],
        "the record that claimed globex was stored as acme's",
      );

      // A customer token sees its own customer only, other customers as counts.
      const mine = await call(portal.secret, "GET", "/v1/signatures?limit=100");
      assert.equal(mine.status, 200);
      assert.ok(mine.body.items.every((s: { template: string }) => !s.template.includes("globex")));
      const seen = await call(portal.secret, "GET", `/v1/signatures/${disk.id}`);
      assert.equal(seen.status, 200);
      assert.deepEqual(seen.body.by_customer.map((c: { customer: string }) => c.customer), [
        "acme",
      ]);
      assert.equal(seen.body.customers, 2, "the other customer is a count");
      assert.ok(seen.body.examples.every((e: { customer: string }) => e.customer === "acme"));
      assert.ok(!JSON.stringify(seen.body).includes("globex"));
      const cache = everything.body.items.find((s: { template: string }) =>
        s.template.startsWith("Cache")
      );
      await expectError(call(portal.secret, "GET", `/v1/signatures/${cache.id}`), 403, "forbidden");
      await expectError(
        call(portal.secret, "GET", "/v1/signatures?customer=globex"),
        403,
        "forbidden",
      );
      await expectError(call(portal.secret, "GET", "/v1/quarantine"), 403, "forbidden");
      await expectError(call(portal.secret, "GET", "/v1/tokens"), 403, "forbidden");
      await expectError(call(portal.secret, "GET", "/v1/audit"), 403, "forbidden");
      await expectError(call(alice.secret, "GET", "/v1/audit"), 403, "forbidden");
      await expectError(
        call(alice.secret, "POST", "/v1/tokens", { name: "x", role: "admin" }),
        403,
        "forbidden",
      );

      // Writes are by the token's holder, whatever X-Actor says.
      const ticket = (customer: string) => ({
        customer,
        environment: "prod",
        subject: `Disk full at ${customer}`,
        description: "volumes fill up",
        severity: "high",
        reporter: "ops",
      });
      await expectError(
        call(portal.secret, "POST", "/v1/tickets", ticket("acme")),
        403,
        "forbidden",
      );
      const acmeTicket = await call(alice.secret, "POST", "/v1/tickets", ticket("acme"), {
        "x-actor": "mallory",
      });
      assert.equal(acmeTicket.status, 201);
      const globexTicket = await call(alice.secret, "POST", "/v1/tickets", ticket("globex"));
      const history = await call(alice.secret, "GET", `/v1/tickets/${acmeTicket.body.id}`);
      assert.equal(history.body.history[0].by, "alice");
      for (
        const [visibility, body] of [["internal", "suspect their cron"], ["public", "we are on it"]]
      ) {
        const commented = await call(
          alice.secret,
          "POST",
          `/v1/tickets/${acmeTicket.body.id}/comments`,
          {
            body,
            visibility,
            author: "alice",
          },
        );
        assert.equal(commented.status, 201, JSON.stringify(commented.body));
      }
      const asCustomer = await call(portal.secret, "GET", `/v1/tickets/${acmeTicket.body.id}`);
      assert.equal(asCustomer.status, 200);
      assert.ok(JSON.stringify(asCustomer.body).includes("we are on it"));
      assert.ok(
        !JSON.stringify(asCustomer.body).includes("suspect their cron"),
        "no internal notes",
      );
      const notes = await call(portal.secret, "GET", `/v1/tickets/${acmeTicket.body.id}/comments`);
      assert.deepEqual(notes.body.items.map((n: { body: string }) => n.body), ["we are on it"]);
      const asAgent = await call(alice.secret, "GET", `/v1/tickets/${acmeTicket.body.id}/comments`);
      assert.equal(asAgent.body.items.length, 2);
      await expectError(
        call(portal.secret, "GET", `/v1/tickets/${globexTicket.body.id}`),
        403,
        "forbidden",
      );
      await expectError(
        call(portal.secret, "GET", `/v1/tickets/${globexTicket.body.id}/comments`),
        403,
        "forbidden",
      );
      const tickets = await call(portal.secret, "GET", "/v1/tickets");
      assert.deepEqual(tickets.body.items.map((t: { id: string }) => t.id), [acmeTicket.body.id]);

      // Every read of acme's data by a token is in the audit, for admins.
      const audit = await call(root.secret, "GET", "/v1/audit?customer=acme&limit=1000");
      assert.equal(audit.status, 200);
      const endpoints = new Set(audit.body.items.map((e: { endpoint: string }) => e.endpoint));
      for (
        const endpoint of [
          "GET /v1/signatures",
          "GET /v1/signatures/:id",
          "GET /v1/tickets",
          "GET /v1/tickets/:id",
        ]
      ) {
        assert.ok(endpoints.has(endpoint), `${endpoint} not audited: ${[...endpoints]}`);
      }
      assert.ok(audit.body.items.every((e: { customer: string }) => e.customer === "acme"));
      assert.ok(
        audit.body.items.some((e: { token: string; name: string }) =>
          e.token === portal.id && e.name === "acme-portal"
        ),
      );
      const byAlice = await call(root.secret, "GET", `/v1/audit?token=${alice.id}&limit=1000`);
      assert.ok(byAlice.body.items.length > 0);
      assert.ok(byAlice.body.items.every((e: { name: string }) => e.name === "alice"));
      assert.ok(
        byAlice.body.items.some((e: { customer: string; endpoint: string }) =>
          e.customer === "acme" && e.endpoint === "GET /v1/tickets/:id"
        ),
        "an agent's read of one acme ticket is audited too",
      );

      // Customers read the knowledge base as published: no drafts, no ticket links.
      const article = (title: string) => ({
        title,
        symptom: "volumes fill up overnight",
        cause: "log rotation is off",
        steps: ["turn log rotation on"],
        source_tickets: [globexTicket.body.id],
      });
      const published = await call(alice.secret, "POST", "/v1/kb/articles", article("Disk full"));
      assert.equal(published.status, 201, JSON.stringify(published.body));
      const publishedId = published.body.article_id;
      await call(alice.secret, "POST", `/v1/kb/articles/${publishedId}/publish`);
      const draft = await call(alice.secret, "POST", "/v1/kb/articles", article("Disk draft"));
      const found = await call(portal.secret, "GET", "/v1/kb/search?q=disk");
      assert.equal(found.status, 200, JSON.stringify(found.body));
      assert.deepEqual(found.body.items.map((i: { article_id: string }) => i.article_id), [
        publishedId,
      ]);
      await expectError(
        call(portal.secret, "GET", "/v1/kb/search?q=disk&status=draft"),
        403,
        "forbidden",
      );
      const read = await call(portal.secret, "GET", `/v1/kb/articles/${publishedId}`);
      assert.equal(read.status, 200);
      assert.equal(read.body.title, "Disk full");
      assert.ok(!JSON.stringify(read.body).includes(globexTicket.body.id), "no ticket links");
      await expectError(
        call(portal.secret, "GET", `/v1/kb/articles/${draft.body.article_id}`),
        404,
        "not_found",
      );
      const asAgentArticle = await call(alice.secret, "GET", `/v1/kb/articles/${publishedId}`);
      assert.deepEqual(asAgentArticle.body.source_tickets, [globexTicket.body.id]);

      // Revoked: refused from the very next request.
      const revoked = await call(root.secret, "DELETE", `/v1/tokens/${portal.id}`);
      assert.equal(revoked.status, 200);
      assert.notEqual(revoked.body.revoked_at, null);
      await expectError(call(portal.secret, "GET", "/v1/tickets"), 401, "unauthorized");
      await expectError(call(root.secret, "DELETE", "/v1/tokens/nope"), 404, "not_found");

      // Tokens and the audit survive a restart.
      await server.stop();
      server = await startServer(dataDir);
      await expectError(call(portal.secret, "GET", "/v1/tickets"), 401, "unauthorized");
      assert.equal((await call(alice.secret, "GET", "/v1/tickets")).status, 200);
      const after = await call(root.secret, "GET", "/v1/audit?customer=acme&limit=1000");
      assert.ok(after.body.items.length >= audit.body.items.length);
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "with no token and no API key the service stays open (development mode); LOUPE_API_KEY is an admin token",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-access-dev-" });
    let server = await startServer(dataDir);
    try {
      assert.equal((await (await fetch(`${server.url}/v1/signatures`)).json()).total, 0);
      await server.stop();
      server = await startServer(dataDir, { LOUPE_API_KEY: "shared-admin-key" });
      const created = await fetch(`${server.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: "Bearer shared-admin-key", "content-type": "application/json" },
        body: JSON.stringify({ name: "agent-1", role: "agent" }),
      });
      assert.equal(created.status, 201);
      const { secret } = await created.json();
      await server.stop();
      // The key is gone, but a token exists: auth stays required.
      server = await startServer(dataDir);
      assert.equal(
        await fetch(`${server.url}/v1/signatures`).then(async (
          r,
        ) => (await r.body?.cancel(), r.status)),
        401,
      );
      const ok = await fetch(`${server.url}/v1/signatures`, {
        headers: { authorization: `Bearer ${secret}` },
      });
      assert.equal(ok.status, 200);
      await ok.body?.cancel();
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name:
    "in development mode the first token made over HTTP must be an admin's, or nobody could manage tokens",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-access-first-" });
    const server = await startServer(dataDir);
    const create = (role: string) =>
      fetch(`${server.url}/v1/tokens`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ name: "first", role }),
      });
    try {
      const refused = await create("customer:acme");
      assert.equal(refused.status, 409);
      const { error } = await refused.json();
      assert.equal(error.code, "conflict");
      assert.match(error.message, /^Create an admin token first/);
      const stillOpen = await fetch(`${server.url}/v1/signatures`);
      assert.equal(stillOpen.status, 200, "the refused token did not close the service");
      await stillOpen.body?.cancel();
      const admin = await create("admin");
      assert.equal(admin.status, 201);
      const { secret } = await admin.json();
      const closed = await fetch(`${server.url}/v1/signatures`);
      assert.equal(closed.status, 401);
      await closed.body?.cancel();
      const customer = await fetch(`${server.url}/v1/tokens`, {
        method: "POST",
        headers: { authorization: `Bearer ${secret}`, "content-type": "application/json" },
        body: JSON.stringify({ name: "acme portal", role: "customer:acme" }),
      });
      assert.equal(customer.status, 201, "with an admin token, any role");
      await customer.body?.cancel();
    } finally {
      await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});

Deno.test({
  name: "an ingest token's origin wins over the OTLP resource of the SDK's protobuf exporter",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const dataDir = await Deno.makeTempDir({ prefix: "loupe-access-otlp-" });
    const server = await startServer(dataDir, { LOUPE_API_KEY: "shared-admin-key" });
    const admin = { authorization: "Bearer shared-admin-key" };
    let stopped = false;
    try {
      const created = await fetch(`${server.url}/v1/tokens`, {
        method: "POST",
        headers: { ...admin, "content-type": "application/json" },
        body: JSON.stringify({ name: "acme-collector", role: "ingest:acme/prod" }),
      });
      const { secret } = await created.json();
      const provider = new LoggerProvider({
        resource: resourceFromAttributes({
          "service.name": "checkout",
          "deployment.environment.name": "staging",
          "customer.id": "globex",
        }),
        processors: [
          new BatchLogRecordProcessor({
            exporter: new ProtobufExporter({
              url: `${server.url}/v1/logs`,
              headers: { authorization: `Bearer ${secret}` },
            }),
          }),
        ],
      });
      const logger = provider.getLogger("payments");
      for (let i = 0; i < 3; i++) {
        logger.emit({
          timestamp: Date.UTC(2026, 11, 4, 9, 0, i),
          severityNumber: SeverityNumber.ERROR,
          body: `Card authorization failed for order ${i}`,
        });
      }
      await provider.forceFlush();
      await provider.shutdown();
      await server.stop();
      stopped = true;
      const environment = openLmdb(dataDir);
      const store = new LmdbEventStore(environment, { clock: { now: () => Date.now() } });
      const batches = (await store.readAll(0, 1000))
        .filter((e) => e.type === "LogBatchIngested")
        .map((e) => decodedData(e.data) as LogBatchIngestedData);
      await environment.close();
      assert.deepEqual(batches.map((b) => b.format), ["otlp-protobuf"]);
      const records = batches.flatMap((b) => b.records.map((r) => ({ r, context: b.context })));
      assert.equal(records.length, 3);
      for (const { r, context } of records) {
        assert.equal(contextualField(r, context, "customer"), "acme");
        assert.equal(contextualField(r, context, "environment"), "prod");
        assert.equal(contextualField(r, context, "service"), "checkout");
      }
    } finally {
      if (!stopped) await server.stop();
      await Deno.remove(dataDir, { recursive: true });
    }
  },
});
