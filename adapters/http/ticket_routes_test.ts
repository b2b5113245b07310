import assert from "node:assert/strict";
import { HOUR, spread, T0, ticketHarness } from "../../src/tickets/harness_test.ts";

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const NEW_TICKET = {
  customer: "acme",
  environment: "prod",
  subject: "Checkout broken",
  description: "Payment fails for our customers",
  severity: "high",
  reporter: "ann@acme.test",
  external_ref: { system: "zendesk", id: "4711" },
};

async function errorOf(response: Response) {
  const body = await response.json();
  assert.ok(body.error, JSON.stringify(body));
  assert.match(body.error.message, /^(Cannot|Invalid)/);
  assert.doesNotMatch(body.error.message, /\.$/);
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

Deno.test("POST /v1/tickets: 201 with Location and ETag; GET and PATCH with If-Match", async () => {
  const { http } = await ticketHarness();
  const created = await http.request("/v1/tickets", { method: "POST", ...json(NEW_TICKET) });
  assert.equal(created.status, 201);
  const ticket = await created.json();
  assert.equal(created.headers.get("location"), `/v1/tickets/${ticket.id}`);
  assert.equal(created.headers.get("etag"), '"1"');
  assert.equal(ticket.status, "new");
  assert.deepEqual(ticket.external_ref, { system: "zendesk", id: "4711" });
  assert.deepEqual(ticket.links, { signatures: [], log_events: [] });

  const got = await http.request(`/v1/tickets/${ticket.id}`);
  assert.equal(got.headers.get("etag"), '"1"');
  const detail = await got.json();
  assert.equal(detail.history[0].type, "TicketOpened");
  assert.equal(detail.history[0].data.customer, "acme");

  const patched = await http.request(`/v1/tickets/${ticket.id}`, {
    method: "PATCH",
    ...json({ status: "open", assignee: "bob" }, { "if-match": '"1"', "x-actor": "lead" }),
  });
  assert.equal(patched.status, 200);
  assert.equal(patched.headers.get("etag"), '"3"');
  assert.equal((await patched.json()).assignee, "bob");

  const stale = await http.request(`/v1/tickets/${ticket.id}`, {
    method: "PATCH",
    ...json({ severity: "low" }, { "if-match": 'W/"1"' }),
  });
  assert.equal(stale.status, 412);
  const staleError = await errorOf(stale);
  assert.equal(staleError.code, "precondition_failed");
  assert.equal(staleError.details?.current_version, 3);

  const illegal = await http.request(`/v1/tickets/${ticket.id}`, {
    method: "PATCH",
    ...json({ status: "closed" }),
  });
  assert.equal(illegal.status, 409);
  const illegalError = await errorOf(illegal);
  assert.match(illegalError.message, /Cannot change status from open to closed/);
  assert.deepEqual(illegalError.details?.allowed, ["pending", "escalated"]);

  const history = await (await http.request(`/v1/tickets/${ticket.id}`)).json();
  assert.deepEqual(history.history.map((e: { by: string | null }) => e.by), [null, "lead", "lead"]);
});

Deno.test("bodies and queries are validated with a message that says where", async () => {
  const { http } = await ticketHarness();
  const missing = await http.request("/v1/tickets", {
    method: "POST",
    ...json({ ...NEW_TICKET, severity: "urgent" }),
  });
  assert.equal(missing.status, 400);
  assert.match((await errorOf(missing)).message, /severity/);
  const unknown = await http.request("/v1/tickets", {
    method: "POST",
    ...json({ ...NEW_TICKET, colour: "red" }),
  });
  assert.equal(unknown.status, 400);
  const badJson = await http.request("/v1/tickets", {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: '{"customer": }',
  });
  assert.equal(badJson.status, 400);
  assert.equal((await errorOf(badJson)).code, "invalid_json");
  const window = await http.request("/v1/tickets", {
    method: "POST",
    ...json({
      ...NEW_TICKET,
      window: { from: "2026-03-02T00:00:00Z", to: "2026-03-01T00:00:00Z" },
    }),
  });
  assert.equal(window.status, 400);
  assert.match((await errorOf(window)).message, /window: the window must start before it ends/);
  const list = await http.request("/v1/tickets?status=done");
  assert.equal(list.status, 400);
  assert.match((await errorOf(list)).message, /"done" is not one of new, open/);
  const notFound = await http.request("/v1/tickets/nope");
  assert.equal(notFound.status, 404);
  assert.equal((await errorOf(notFound)).code, "not_found");
  const badIfMatch = await http.request("/v1/tickets/nope", {
    method: "PATCH",
    ...json({}, { "if-match": "abc" }),
  });
  assert.equal(badIfMatch.status, 412);
});

Deno.test("list with filters and pages", async () => {
  const { http } = await ticketHarness();
  for (const [customer, severity] of [["acme", "high"], ["acme", "low"], ["globex", "high"]]) {
    await http.request("/v1/tickets", {
      method: "POST",
      ...json({ ...NEW_TICKET, customer, severity }),
    });
  }
  const acme = await (await http.request("/v1/tickets?customer=acme")).json();
  assert.equal(acme.total, 2);
  const high = await (await http.request("/v1/tickets?severity=high,critical&limit=1")).json();
  assert.equal(high.total, 2);
  assert.equal(high.items.length, 1);
  const unassigned = await (await http.request("/v1/tickets?assignee=none&status=new")).json();
  assert.equal(unassigned.total, 3);
});

Deno.test("comments, links, resolution and the diagnosis views over HTTP", async () => {
  const h = await ticketHarness();
  const { http } = h;
  await h.ingest(
    spread(30, T0 + 40 * HOUR, T0 + 41 * HOUR, (i) => ({
      message: `PaymentGatewayException: upstream timeout after ${i} ms`,
      level: "ERROR",
    })),
    { customer: "acme", environment: "prod" },
  );
  await h.ingest(
    spread(30, T0, T0 + 44 * HOUR, (i) => ({ message: `User ${i} logged in`, level: "INFO" })),
    { customer: "acme", environment: "prod" },
  );
  h.at(T0 + 42 * HOUR);
  const ticket = await (await http.request("/v1/tickets", { method: "POST", ...json(NEW_TICKET) }))
    .json();
  const base = `/v1/tickets/${ticket.id}`;

  const commented = await http.request(`${base}/comments`, {
    method: "POST",
    ...json({ author: "bob", body: "Looking into the gateway", visibility: "internal" }),
  });
  assert.equal(commented.status, 201);
  assert.equal((await commented.json()).comment.visibility, "internal");
  const comments = await (await http.request(`${base}/comments`)).json();
  assert.equal(comments.items[0].body, "Looking into the gateway");

  const logs = await (await http.request(`${base}/logs?level=ERROR&limit=5`)).json();
  assert.equal(logs.items.length, 5);
  assert.ok(logs.items.every((l: { severity: string }) => l.severity === "ERROR"));
  assert.ok(logs.next_cursor);
  const next = await (await http.request(
    `${base}/logs?level=ERROR&limit=5&cursor=${encodeURIComponent(logs.next_cursor)}`,
  )).json();
  assert.ok(next.items[0].time <= logs.items[4].time);
  const badLevel = await http.request(`${base}/logs?level=LOUD`);
  assert.equal(badLevel.status, 400);

  const candidates = await (await http.request(`${base}/candidates?limit=3`)).json();
  const top = candidates.candidates[0];
  assert.match(top.template, /^PaymentGatewayException/);
  assert.equal(top.severity, "ERROR");
  assert.ok(top.reasons.length > 0);
  assert.equal(typeof top.features.text, "number");

  const linked = await http.request(`${base}/links`, {
    method: "POST",
    ...json({ signature_id: top.signature_id, log_event_ids: [logs.items[0].id] }),
  });
  assert.equal(linked.status, 200);
  assert.deepEqual((await linked.json()).links, {
    signatures: [top.signature_id],
    log_events: [logs.items[0].id],
  });
  const bySignature = await (await http.request(`/v1/signatures/${top.signature_id}/tickets`))
    .json();
  assert.deepEqual(bySignature.linked.map((t: { id: string }) => t.id), [ticket.id]);
  assert.equal(bySignature.probable[0].ticket.id, ticket.id);
  const unlinked = await http.request(
    `${base}/links/log-events/${encodeURIComponent(logs.items[0].id)}`,
    { method: "DELETE" },
  );
  assert.deepEqual((await unlinked.json()).links.log_events, []);
  const noLink = await http.request(`${base}/links`, { method: "POST", ...json({}) });
  assert.equal(noLink.status, 400);

  const emptyCause = await http.request(`${base}/resolution`, {
    method: "POST",
    ...json({ root_cause: " ", solution: "x", resolver: "bob" }),
  });
  assert.equal(emptyCause.status, 400);
  const resolved = await http.request(`${base}/resolution`, {
    method: "POST",
    ...json({ root_cause: "Gateway certificate expired", solution: "Renewed", resolver: "bob" }),
  });
  assert.equal(resolved.status, 200);
  assert.equal((await resolved.json()).status, "solved");
  const resolution = await (await http.request(`${base}/resolution`)).json();
  assert.equal(resolution.resolution.root_cause, "Gateway certificate expired");
  assert.equal(resolution.history.length, 1);
});

Deno.test("metrics: one object, an array or NDJSON; findings on the ticket's view; rules as data", async () => {
  const h = await ticketHarness();
  const { http } = h;
  const one = await http.request("/v1/metrics", {
    method: "POST",
    ...json({
      environment: "prod",
      customer: "acme",
      at: "2026-03-02T10:00:00Z",
      error_rate: 0.08,
      response_ms: { postgres: 12, redis: 130 },
      memory_pct: 60,
      connection_timeouts: 2,
      gauges: { queue_depth: 7 },
    }),
  });
  assert.equal(one.status, 200);
  assert.equal((await one.json()).accepted, 1);
  const ndjson = [
    { environment: "prod", customer: "acme", at: "2026-03-02T10:01:00Z", memory_pct: 91 },
    { environment: "prod", customer: "acme", at: "2026-03-02T10:02:00Z", memory_pct: 50 },
  ].map((s) => JSON.stringify(s)).join("\n");
  const many = await http.request("/v1/metrics", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: ndjson,
  });
  assert.equal((await many.json()).accepted, 2);
  const bad = await http.request("/v1/metrics", {
    method: "POST",
    ...json([{ environment: "prod", at: "2026-03-02T10:00:00Z", error_rate: "high" }]),
  });
  assert.equal(bad.status, 400);
  assert.match((await errorOf(bad)).message, /snapshot 1: error_rate/);

  const view = await (await http.request(
    "/v1/metrics?environment=prod&customer=acme&from=2026-03-02T00:00:00Z&to=2026-03-03T00:00:00Z",
  )).json();
  assert.equal(view.snapshots.length, 3);
  assert.deepEqual(view.snapshots[0].metrics["response_ms.redis"], 130);
  assert.deepEqual(
    view.findings.map((f: { rule_id: string; severity: string }) => `${f.rule_id}:${f.severity}`),
    [
      "error-rate-high:HIGH",
      "cache-slow:HIGH",
      "connection-timeouts:CRITICAL",
      "memory-high:MEDIUM",
    ],
  );

  h.at(Date.parse("2026-03-02T12:00:00Z"));
  const ticket = await (await http.request("/v1/tickets", { method: "POST", ...json(NEW_TICKET) }))
    .json();
  const ticketView = await (await http.request(`/v1/tickets/${ticket.id}/metrics`)).json();
  assert.equal(ticketView.findings.length, 4);
  assert.equal(ticketView.findings[0].threshold, 0.05);

  const rules = await http.request("/v1/rules");
  assert.equal(rules.headers.get("etag"), '"0"');
  const defaults = await rules.json();
  assert.equal(defaults.source, "default");
  assert.equal(defaults.rules.length, 4);
  const put = await http.request("/v1/rules", {
    method: "PUT",
    ...json({
      rules: [{
        id: "queue",
        metric: "queue_depth",
        comparison: ">=",
        threshold: 5,
        severity: "LOW",
        message: "queue at {value}",
      }],
    }, { "if-match": '"0"' }),
  });
  assert.equal(put.status, 200);
  assert.equal(put.headers.get("etag"), '"1"');
  const stale = await http.request("/v1/rules", {
    method: "PUT",
    ...json({ rules: [] }, { "if-match": '"0"' }),
  });
  assert.equal(stale.status, 412);
  const invalid = await http.request("/v1/rules", {
    method: "PUT",
    ...json({
      rules: [{
        id: "x",
        metric: "a",
        comparison: "~",
        threshold: 1,
        severity: "LOW",
        message: "m",
      }],
    }),
  });
  assert.equal(invalid.status, 400);
  assert.match((await errorOf(invalid)).message, /rules\.0\.comparison/);
  const after = await (await http.request(`/v1/tickets/${ticket.id}/metrics`)).json();
  assert.deepEqual(after.findings.map((f: { message: string }) => f.message), ["queue at 7"]);
});
