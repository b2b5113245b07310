import assert from "node:assert/strict";
import { runEntry } from "../support/cli.ts";
import { startServer } from "../support/server.ts";

const ndjson = (records: unknown[]) => records.map((r) => JSON.stringify(r)).join("\n") + "\n";

Deno.test("the service ingests, mines and answers over real HTTP, and replay rebuilds the same answers", async (t) => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-e2e-" });
  let server = await startServer(dataDir, {}, ["--max-body-bytes", "65536"]);
  try {
    await t.step(
      "NDJSON with a malformed line: good lines kept, bad one quarantined with its line number",
      async () => {
        const body = ndjson([
          {
            time: "2026-03-01T10:00:00Z",
            level: "error",
            msg: "Payment gateway timeout after 3000 ms for order 1001",
          },
          {
            time: "2026-03-01T10:05:00Z",
            level: "error",
            msg: "Payment gateway timeout after 2500 ms for order 1002",
          },
          {
            time: "2026-03-01T10:06:00Z",
            level: "info",
            msg: "User alice@example.com logged in from 10.0.0.1",
          },
        ]) + "{not json\n" + ndjson([
          {
            time: "2026-03-01T11:00:00Z",
            level: "info",
            msg: "User bob@example.com logged in from 10.0.0.2",
          },
        ]);
        const response = await fetch(
          `${server.url}/v1/logs?customer=acme&environment=prod&service=checkout`,
          {
            method: "POST",
            headers: { "content-type": "application/x-ndjson" },
            body,
          },
        );
        assert.equal(response.status, 200);
        const reply = await response.json();
        assert.equal(reply.accepted, 4);
        assert.equal(reply.quarantined, 1);
        assert.equal(reply.quarantined_lines[0].line, 4);
        assert.match(reply.quarantined_lines[0].reason, /JSON/);
      },
    );

    await t.step("a second customer's raw text lines with a Java stack trace", async () => {
      const text = [
        "2026-03-01 12:00:00,001 ERROR [http-1] com.acme.Pay - Payment gateway timeout after 4100 ms for order 77",
        "2026-03-01 12:00:02,001 ERROR [http-2] com.acme.Db - Query failed",
        "java.sql.SQLException: connection reset",
        "\tat com.acme.Db.run(Db.java:42)",
        "\tat com.acme.Pay.charge(Pay.java:10)",
        "2026-03-01 12:00:03,001 INFO [main] com.acme.App - started in 812 ms",
      ].join("\n");
      const response = await fetch(`${server.url}/v1/logs?customer=globex&environment=prod`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: text,
      });
      assert.equal(response.status, 200);
      const reply = await response.json();
      assert.equal(reply.accepted, 3, "the stack trace lines join the record they belong to");
      assert.equal(reply.quarantined, 0);
    });

    let paymentId = "";
    await t.step(
      "signatures list templates with counts, customers and severity, sorted by count",
      async () => {
        const response = await fetch(`${server.url}/v1/signatures`);
        assert.equal(response.status, 200);
        const page = await response.json();
        const payment = page.items.find((s: { template: string }) =>
          s.template.includes("Payment gateway timeout")
        );
        assert.ok(payment, JSON.stringify(page.items));
        assert.equal(payment.count, 3);
        assert.equal(payment.customers, 2);
        assert.equal(payment.severity, "ERROR");
        assert.equal(payment.first_seen, "2026-03-01T10:00:00.000Z");
        const login = page.items.find((s: { template: string }) =>
          s.template.includes("logged in")
        );
        assert.equal(login.count, 2);
        const counts = page.items.map((s: { count: number }) => s.count);
        assert.deepEqual(counts, [...counts].sort((a, b) => b - a));
        paymentId = payment.id;
      },
    );

    await t.step("filters by customer, severity and time range; paginates", async () => {
      const acme = await (await fetch(`${server.url}/v1/signatures?customer=acme`)).json();
      assert.ok(acme.items.every((s: { customers: number }) => s.customers === 1));
      assert.equal(acme.items.find((s: { id: string }) => s.id === paymentId).count, 2);
      const errors = await (await fetch(`${server.url}/v1/signatures?severity=ERROR`)).json();
      assert.ok(
        errors.items.every((s: { severity: string }) =>
          s.severity === "ERROR" || s.severity === "FATAL"
        ),
      );
      const late = await (await fetch(
        `${server.url}/v1/signatures?from=2026-03-01T11:00:00Z&to=2026-03-02T00:00:00Z`,
      ))
        .json();
      assert.equal(late.items.find((s: { id: string }) => s.id === paymentId).count, 1);
      const page = await (await fetch(`${server.url}/v1/signatures?limit=1&offset=1`)).json();
      assert.equal(page.items.length, 1);
      assert.ok(page.total >= 3);
    });

    await t.step("a signature shows recent examples and per-customer counts", async () => {
      const detail = await (await fetch(`${server.url}/v1/signatures/${paymentId}`)).json();
      assert.equal(detail.examples.length, 3);
      assert.match(detail.examples[0].message, /order 77/, "newest first");
      assert.deepEqual(
        detail.by_customer.map((c: { customer: string; count: number }) => [c.customer, c.count]),
        [["acme", 2], ["globex", 1]],
      );
    });

    await t.step("errors come in one shape with a code and a message", async () => {
      const missing = await fetch(`${server.url}/v1/signatures/sig_nope`);
      assert.equal(missing.status, 404);
      assert.equal((await missing.json()).error.code, "not_found");
      const badQuery = await fetch(`${server.url}/v1/signatures?severity=LOUD`);
      assert.equal(badQuery.status, 400);
      assert.match((await badQuery.json()).error.message, /severity/);
      const tooBig = await fetch(`${server.url}/v1/logs`, {
        method: "POST",
        headers: { "content-type": "text/plain" },
        body: "x".repeat(70_000),
      });
      assert.equal(tooBig.status, 413);
      assert.equal((await tooBig.json()).error.code, "payload_too_large");
      const badJson = await fetch(`${server.url}/v1/logs`, {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: '[{"msg": "a"},\n{"msg": }]',
      });
      assert.equal(badJson.status, 400);
      const badJsonBody = await badJson.json();
      assert.equal(badJsonBody.error.code, "invalid_json");
      assert.equal(badJsonBody.error.details.line, 2);
      const media = await fetch(`${server.url}/v1/logs`, {
        method: "POST",
        headers: { "content-type": "image/png" },
        body: "x",
      });
      assert.equal(media.status, 415);
    });

    await t.step(
      "invalid UTF-8 and binary lines are quarantined, the lines around them kept",
      async () => {
        const encoder = new TextEncoder();
        const body = new Uint8Array([
          ...encoder.encode("2026-03-02 09:00:00,000 WARN [w] Cache - slow lookup 120 ms\n"),
          ...encoder.encode("2026-03-02 09:00:01,000 WARN [w] Cache - bad \xff"),
          0xff,
          0xfe,
          10,
          ...encoder.encode("2026-03-02 09:00:02,000 WARN [w] Cache - slow lookup 180 ms\n"),
        ]);
        const reply = await (await fetch(`${server.url}/v1/logs?customer=initech`, {
          method: "POST",
          headers: { "content-type": "text/plain" },
          body,
        })).json();
        assert.equal(reply.accepted, 2);
        assert.equal(reply.quarantined, 1);
        assert.equal(reply.quarantined_lines[0].line, 2);
        assert.match(reply.quarantined_lines[0].reason, /UTF-8/);
        const quarantine = await (await fetch(`${server.url}/v1/quarantine`)).json();
        assert.equal(quarantine.total, 2);
      },
    );

    await t.step("a retried request with the same Idempotency-Key is stored once", async () => {
      const send = () =>
        fetch(`${server.url}/v1/logs?customer=hooli`, {
          method: "POST",
          headers: { "content-type": "application/x-ndjson", "idempotency-key": "batch-42" },
          body: ndjson([{ msg: "Nightly export finished in 42 s", level: "info" }]),
        }).then((r) => r.json());
      const first = await send();
      const second = await send();
      assert.equal(first.duplicate, false);
      assert.equal(second.duplicate, true);
      const hooli = await (await fetch(`${server.url}/v1/signatures?customer=hooli`)).json();
      assert.equal(hooli.items[0].count, 1);
    });

    let before: unknown;
    await t.step("health and Prometheus metrics", async () => {
      const health = await (await fetch(`${server.url}/healthz`)).json();
      assert.equal(health.status, "ok");
      assert.equal(health.projection_lag, 0);
      const metrics = await (await fetch(`${server.url}/metrics`)).text();
      assert.match(metrics, /^loupe_records_ingested_total 10$/m);
      assert.match(metrics, /^loupe_lines_quarantined_total 2$/m);
      assert.match(metrics, /^loupe_store_size_bytes [1-9]\d*$/m);
      assert.match(metrics, /^loupe_projection_lag_events 0$/m);
      before = await (await fetch(`${server.url}/v1/signatures?limit=1000`)).json();
    });

    await t.step("replay from position 0 gives the same answers as the live path", async () => {
      await server.stop();
      const replay = await runEntry("replay", ["--data", dataDir]);
      assert.equal(replay.code, 0, replay.stderr);
      const summary = JSON.parse(replay.stdout);
      assert.equal(summary.records_total, 10);
      server = await startServer(dataDir);
      const after = await (await fetch(`${server.url}/v1/signatures?limit=1000`)).json();
      assert.deepEqual(after, before);
    });
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("with an API key set, /v1 needs it: 401 without it or with a wrong one", async () => {
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-auth-" });
  const server = await startServer(dataDir, { LOUPE_API_KEY: "s3cret-key" });
  try {
    const none = await fetch(`${server.url}/v1/signatures`);
    assert.equal(none.status, 401);
    assert.equal((await none.json()).error.code, "unauthorized");
    const wrong = await fetch(`${server.url}/v1/signatures`, {
      headers: { authorization: "Bearer nope" },
    });
    assert.equal(wrong.status, 401);
    assert.equal((await wrong.json()).error.code, "unauthorized");
    const right = await fetch(`${server.url}/v1/signatures`, {
      headers: { authorization: "Bearer s3cret-key" },
    });
    assert.equal(right.status, 200);
    await right.body?.cancel();
    const health = await fetch(`${server.url}/healthz`);
    assert.equal(health.status, 200, "health stays open for load balancers");
    await health.body?.cancel();
  } finally {
    await server.stop();
    await Deno.remove(dataDir, { recursive: true });
  }
});
