import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { fleetLogs, send } from "../support/e2e.ts";
import { startServer } from "../support/server.ts";

Deno.test("tickets over real HTTP: create, diagnose, link, resolve; replay keeps them", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-tickets-e2e-" });
  let server = await startServer(dataDir);
  try {
    for (const customer of ["acme", "globex", "initech"]) {
      const response = await fetch(
        `${server.url}/v1/logs?customer=${customer}&environment=prod&service=checkout`,
        {
          method: "POST",
          headers: { "content-type": "application/x-ndjson" },
          body: fleetLogs(customer, customer === "acme"),
        },
      );
      assert.equal(response.status, 200);
      await response.body?.cancel();
    }

    let ticketId = "";
    let base = "";
    await t.step("a ticket is opened with 201, Location and ETag", async () => {
      const created = await send(`${server.url}/v1/tickets`, {
        method: "POST",
        json: {
          customer: "acme",
          environment: "prod",
          subject: "Checkout broken",
          description: "Payment fails for our customers since about 10am",
          severity: "high",
          reporter: "ann@acme.test",
          opened_at: "2026-03-01T11:00:00Z",
        },
      });
      assert.equal(created.status, 201, JSON.stringify(created.body));
      assert.equal(created.headers.get("etag"), '"1"');
      ticketId = created.body.id;
      base = `${server.url}/v1/tickets/${ticketId}`;
      assert.equal(created.headers.get("location"), `/v1/tickets/${ticketId}`);
    });

    let paymentId = "";
    await t.step("the payment signature is the first candidate, with reasons", async () => {
      const { status, body } = await send(`${base}/candidates`);
      assert.equal(status, 200);
      const [first] = body.candidates;
      assert.match(first.template, /^PaymentGatewayException/);
      assert.ok(first.reasons.some((r: string) => r.startsWith("words: ")), first.reasons);
      paymentId = first.signature_id;
    });

    await t.step("the ticket's logs: ERROR only, newest first, paged", async () => {
      const page = await send(`${base}/logs?level=ERROR&limit=10`);
      assert.equal(page.status, 200);
      assert.equal(page.body.items.length, 10);
      assert.match(page.body.items[0].message, /after 3658 ms/);
      const next = await send(
        `${base}/logs?level=ERROR&limit=30&cursor=${encodeURIComponent(page.body.next_cursor)}`,
      );
      assert.equal(next.body.items.length, 20);
      assert.equal(next.body.next_cursor, null);
    });

    await t.step("links both ways; a stale If-Match gets 412", async () => {
      const linked = await send(`${base}/links`, {
        method: "POST",
        headers: { "if-match": '"1"' },
        json: { signature_id: paymentId },
      });
      assert.equal(linked.status, 200);
      assert.equal(linked.headers.get("etag"), '"2"');
      const stale = await send(base, {
        method: "PATCH",
        headers: { "if-match": '"1"' },
        json: { status: "open" },
      });
      assert.equal(stale.status, 412);
      assert.equal(stale.body.error.code, "precondition_failed");
      const reverse = await send(`${server.url}/v1/signatures/${paymentId}/tickets`);
      assert.deepEqual(reverse.body.linked.map((x: { id: string }) => x.id), [ticketId]);
      assert.equal(reverse.body.probable[0].ticket.id, ticketId);
    });

    await t.step("metrics snapshots and findings in the ticket's window", async () => {
      const recorded = await send(`${server.url}/v1/metrics`, {
        method: "POST",
        json: [
          {
            environment: "prod",
            customer: "acme",
            at: "2026-03-01T10:30:00Z",
            error_rate: 0.12,
            response_ms: { postgres: 15, redis: 140 },
            memory_pct: 70,
            connection_timeouts: 3,
          },
        ],
      });
      assert.equal(recorded.status, 200);
      const view = await send(`${base}/metrics`);
      assert.deepEqual(
        view.body.findings.map((f: { rule_id: string }) => f.rule_id),
        ["error-rate-high", "cache-slow", "connection-timeouts"],
      );
      const rules = await send(`${server.url}/v1/rules`);
      assert.equal(rules.body.source, "default");
    });

    await t.step("an illegal transition is refused; a resolution solves the ticket", async () => {
      const illegal = await send(base, { method: "PATCH", json: { status: "closed" } });
      assert.equal(illegal.status, 409);
      const resolved = await send(`${base}/resolution`, {
        method: "POST",
        json: {
          root_cause: "Payment gateway certificate expired",
          solution: "Renewed the certificate",
          resolver: "bob",
        },
      });
      assert.equal(resolved.status, 200);
      assert.equal(resolved.body.status, "solved");
    });

    let before: unknown;
    await t.step("replay rebuilds the same ticket views", async () => {
      before = (await send(`${server.url}/v1/tickets`)).body;
      await server.stop();
      const replay = await runEntry("replay", ["--data", dataDir]);
      assert.equal(replay.code, 0, replay.stderr);
      server = await startServer(dataDir);
      assert.deepEqual((await send(`${server.url}/v1/tickets`)).body, before);
      const reverse = await send(`${server.url}/v1/signatures/${paymentId}/tickets`);
      assert.deepEqual(reverse.body.linked.map((x: { id: string }) => x.id), [ticketId]);
    });
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
