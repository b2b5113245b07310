import assert from "node:assert/strict";
import { composeOnMemory } from "../../test/support/full_app.ts";

const DAY = 86_400_000;
const NOW = Date.UTC(2026, 11, 4, 12);

async function given(now = NOW) {
  const { app, store } = await composeOnMemory(now);
  const call = async (method: string, path: string, body?: unknown, type = "application/json") => {
    const response = await app.http.request(path, {
      method,
      ...(body === undefined ? {} : {
        headers: { "content-type": type },
        body: typeof body === "string" ? body : JSON.stringify(body),
      }),
    });
    return { status: response.status, text: await response.text() };
  };
  const push = (customer: string, lines: { at: number; msg: string }[]) =>
    call(
      "POST",
      `/v1/logs?customer=${customer}&environment=prod&service=api`,
      lines.map((l) =>
        JSON.stringify({ time: new Date(l.at).toISOString(), level: "error", msg: l.msg })
      ).join("\n"),
      "application/x-ndjson",
    );
  return { app, store, call, push };
}

/** Every reply a user can read about the log, tickets and customers. */
async function everyReply(call: (m: string, p: string) => Promise<{ text: string }>) {
  const texts: string[] = [];
  const get = async (path: string) => {
    const { text } = await call("GET", path);
    texts.push(text);
    return text;
  };
  const signatures = JSON.parse(await get("/v1/signatures?limit=1000"));
  for (const { id } of signatures.items) {
    await get(`/v1/signatures/${id}`);
    await get(`/v1/signatures/${id}/impact`);
    await get(`/v1/signatures/${id}/tickets`);
  }
  const tickets = JSON.parse(await get("/v1/tickets"));
  for (const { id } of tickets.items) await get(`/v1/tickets/${id}`);
  for (
    const path of [
      "/v1/customers",
      "/v1/customers/globex",
      "/v1/customers/globex/impact?min_severity=TRACE",
      "/v1/quarantine",
      "/v1/issues",
      "/v1/priorities?min_severity=TRACE",
      "/v1/trends?severity=TRACE",
      "/v1/metrics",
    ]
  ) await get(path);
  return texts.join("\n");
}

Deno.test("given two customers, when one is forgotten, then no reply names it or holds its values, and the other is untouched", async () => {
  const { app, store, call, push } = await given();
  await call("POST", "/v1/customers/import", [
    { customer_id: "globex", name: "Globex Zanzibar Holdings", environments: ["globex/prod"] },
    { customer_id: "acme", name: "Acme Quokka Works", environments: ["acme/prod"] },
  ]);
  await push("globex", [
    { at: NOW - DAY, msg: "user flamingo rejected the transfer request from the north gate" },
    { at: NOW - DAY, msg: "user flamingo rejected the transfer request from the north gate" },
    { at: NOW - DAY, msg: "{not json, quarantined: flamingo" },
  ]);
  await push("acme", [{ at: NOW - DAY, msg: "cache quokka miss on shard" }]);
  const ticket = await call("POST", "/v1/tickets", {
    customer: "globex",
    environment: "prod",
    subject: "flamingo outage",
    description: "the flamingo vault is down",
    severity: "high",
    reporter: "ops",
  });
  assert.equal(ticket.status, 201, ticket.text);
  const ticketId = JSON.parse(ticket.text).id;
  await call("POST", `/v1/tickets/${ticketId}/comments`, {
    author: "agent",
    body: "flamingo again",
  });
  const before = await everyReply(call);
  assert.match(before, /flamingo/);
  assert.match(before, /Zanzibar/);

  const forgotten = await call("DELETE", "/v1/customers/globex/data");
  assert.equal(forgotten.status, 200, forgotten.text);
  assert.ok(JSON.parse(forgotten.text).keys_deleted > 0);

  const after = await everyReply(call);
  assert.doesNotMatch(after, /flamingo|Zanzibar/);
  assert.match(after, /quokka/);
  assert.match(after, /Acme Quokka Works/);
  assert.equal((await call("GET", `/v1/tickets/${ticketId}`)).status, 404);
  const health = JSON.parse((await call("GET", "/healthz")).text);
  assert.ok(health.skipped_events.total > 0, JSON.stringify(health.skipped_events));
  assert.match(JSON.stringify(health.skipped_events.by_reason), /shredded/);

  // The miner starts again without what it learned from them: a like line
  // later is learned afresh, and no event written after names their words.
  const head = store.headPosition();
  await push(
    "acme",
    ["pelican", "heron", "ibis", "stork"].map((bird) => ({
      at: NOW,
      msg: `user ${bird} rejected the transfer request from the north gate`,
    })),
  );
  const later = JSON.stringify((await store.readAll(head, 100)).map((e) => e.data));
  assert.match(later, /SignatureDiscovered|rejected the transfer/);
  assert.doesNotMatch(later, /flamingo/);
  // Recorded, with the id and nothing else of theirs.
  const erasures = await store.readStream("erasure");
  assert.deepEqual(erasures.map((e) => e.type), ["CustomerForgotten"]);
  assert.deepEqual(Object.keys(erasures[0]!.data as object).sort(), [
    "at",
    "by",
    "customerId",
    "keysDeleted",
  ]);
  // Forgetting again is harmless.
  const again = await call("DELETE", "/v1/customers/globex/data");
  assert.equal(JSON.parse(again.text).keys_deleted, 0);
  app.stop();
});

Deno.test("given a customer kept 30 days, when retention runs, then only their older data is gone", async () => {
  const { app, call, push } = await given();
  await push("acme", [{ at: NOW - 40 * DAY, msg: "old pelican failure" }]);
  await push("acme", [{ at: NOW - 2 * DAY, msg: "recent walrus failure" }]);
  await push("globex", [{ at: NOW - 40 * DAY, msg: "old heron failure" }]);
  const set = await call("PUT", "/v1/customers/acme/retention", { days: 30 });
  assert.equal(set.status, 200, set.text);
  assert.deepEqual(JSON.parse(set.text), { customer: "acme", days: 30, source: "customer" });
  assert.deepEqual(JSON.parse((await call("GET", "/v1/customers/globex/retention")).text), {
    customer: "globex",
    days: null,
    source: "default",
  });

  const run = JSON.parse((await call("POST", "/v1/retention/run")).text);
  assert.equal(run.rebuilt, true);
  assert.deepEqual(run.dropped.map((d: { customer: string }) => d.customer), ["acme"]);
  const replies = await everyReply(call);
  assert.doesNotMatch(replies, /pelican/);
  assert.match(replies, /walrus/);
  assert.match(replies, /heron/);
  // Nothing more to drop: no rebuild.
  assert.equal(JSON.parse((await call("POST", "/v1/retention/run")).text).rebuilt, false);
  app.stop();
});

Deno.test("a bad retention is refused with the one error shape", async () => {
  const { app, call } = await given();
  for (const body of [{ days: 0 }, { days: 1.5 }, { days: "30" }, {}, { days: 30, extra: 1 }]) {
    const reply = await call("PUT", "/v1/customers/acme/retention", body);
    assert.equal(reply.status, 400, JSON.stringify(body));
    assert.equal(JSON.parse(reply.text).error.code, "validation_failed");
  }
  app.stop();
});

Deno.test("metrics of two customers pushed together: forgetting one leaves the other's", async () => {
  const { app, store, call } = await given();
  await app.tickets.recordMetrics([
    { environment: "globex/prod", customer: "globex", at: NOW - DAY, metrics: { error_rate: 0.5 } },
    { environment: "acme/prod", customer: "acme", at: NOW - DAY, metrics: { error_rate: 0.25 } },
  ]);
  const forgotten = await call("DELETE", "/v1/customers/globex/data");
  assert.equal(forgotten.status, 200, forgotten.text);
  const metrics = await store.readStream("metrics");
  assert.deepEqual(metrics.map((e) => e.unreadable === undefined), [false, true]);
  const window = `from=${new Date(NOW - 2 * DAY).toISOString()}&to=${new Date(NOW).toISOString()}`;
  const snapshots = async (customer: string) =>
    JSON.parse(
      (await call(
        "GET",
        `/v1/metrics?environment=${customer}%2Fprod&customer=${customer}&${window}`,
      ))
        .text,
    ).snapshots.length;
  assert.equal(await snapshots("globex"), 0);
  assert.equal(await snapshots("acme"), 1);
  app.stop();
});

Deno.test("feedback on a forgotten customer's ticket no longer teaches the article their words", async () => {
  const { app, store, call } = await given();
  await call("POST", "/v1/customers/import", [
    { customer_id: "globex", name: "Globex", environments: ["globex/prod"] },
    { customer_id: "acme", name: "Acme", environments: ["acme/prod"] },
  ]);
  const articles = await call(
    "POST",
    "/v1/kb/articles/import",
    JSON.stringify({
      id: "KB-VAULT",
      title: "Vault unreachable after restart",
      status: "published",
    }),
    "application/x-ndjson",
  );
  assert.equal(articles.status, 200, articles.text);
  const opened = await call("POST", "/v1/tickets", {
    customer: "globex",
    environment: "prod",
    subject: "flamingo console frozen",
    description: "the flamingo console froze again",
    severity: "high",
    reporter: "ops",
  });
  const ticketId = JSON.parse(opened.text).id;
  const helpful = await call("POST", `/v1/tickets/${ticketId}/articles/KB-VAULT/feedback`, {
    kind: "helpful",
  });
  assert.equal(helpful.status, 201, helpful.text);
  const found = async () => JSON.parse((await call("GET", "/v1/kb/search?q=flamingo")).text).items;
  assert.deepEqual((await found()).map((a: { article_id: string }) => a.article_id), ["KB-VAULT"]);

  const forgotten = await call("DELETE", "/v1/customers/globex/data");
  assert.equal(forgotten.status, 200, forgotten.text);
  assert.deepEqual(await found(), []);
  const readable = JSON.stringify((await store.readAll(0, 10_000)).map((e) => e.data));
  assert.doesNotMatch(readable, /flamingo/);
  app.stop();
});

Deno.test("given an environment handed to another customer after its logs arrived, when the new owner is forgotten, then its earlier records go with it and the former owner keeps its own", async () => {
  const { app, call, push } = await given();
  const importing = async (customers: unknown[]) =>
    assert.equal((await call("POST", "/v1/customers/import", customers)).status, 200);
  await importing([
    { customer_id: "acme", name: "Acme", environments: ["acme/prod", "legacy/prod"] },
  ]);
  await push("legacy", [{ at: NOW - DAY, msg: "ledger pelican refused the transfer" }]);
  await push("acme", [{ at: NOW - DAY, msg: "cache walrus missed the shard" }]);
  // The environment is globex's now.
  await importing([
    { customer_id: "acme", name: "Acme", environments: ["acme/prod"] },
    { customer_id: "globex", name: "Globex", environments: ["legacy/prod"] },
  ]);
  assert.equal(JSON.parse((await call("GET", "/v1/customers/globex")).text).records, 1);

  // Forgetting the former owner leaves what is no longer its own.
  assert.equal((await call("DELETE", "/v1/customers/acme/data")).status, 200);
  let replies = await everyReply(call);
  assert.match(replies, /pelican/);
  assert.doesNotMatch(replies, /walrus/);

  assert.equal((await call("DELETE", "/v1/customers/globex/data")).status, 200);
  replies = await everyReply(call);
  assert.doesNotMatch(replies, /pelican/);
  app.stop();
});

Deno.test("given a customer removed from the directory, when it is forgotten, then the records its last entry gave it go too", async () => {
  const { app, call, push } = await given();
  await call("POST", "/v1/customers/import", [
    { customer_id: "globex", name: "Globex", environments: ["globex/prod"] },
    { customer_id: "acme", name: "Acme", environments: ["acme/prod"] },
  ]);
  await push("globex", [{ at: NOW - DAY, msg: "vault flamingo refused the key" }]);
  await push("acme", [{ at: NOW - DAY, msg: "cache quokka missed the shard" }]);
  assert.equal((await call("DELETE", "/v1/customers/globex")).status < 300, true);
  assert.equal((await call("DELETE", "/v1/customers/globex/data")).status, 200);
  const replies = await everyReply(call);
  assert.doesNotMatch(replies, /flamingo/);
  assert.match(replies, /quokka/);
  app.stop();
});

Deno.test("given a source whose customer the directory does not list, when that customer is forgotten, then its records go, as their source names it", async () => {
  const { app, call, push } = await given();
  await call("POST", "/v1/customers/import", [
    { customer_id: "acme", name: "Acme", environments: ["acme/prod"] },
  ]);
  await push("initech", [{ at: NOW - DAY, msg: "stapler okapi jammed the tray" }]);
  await push("acme", [{ at: NOW - DAY, msg: "cache quokka missed the shard" }]);
  assert.equal((await call("DELETE", "/v1/customers/initech/data")).status, 200);
  const replies = await everyReply(call);
  assert.doesNotMatch(replies, /okapi/);
  assert.match(replies, /quokka/);
  app.stop();
});
