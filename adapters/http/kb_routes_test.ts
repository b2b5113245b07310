import assert from "node:assert/strict";
import { ticketHarness } from "../../src/tickets/harness_test.ts";

const json = (body: unknown, headers: Record<string, string> = {}) => ({
  headers: { "content-type": "application/json", ...headers },
  body: JSON.stringify(body),
});

const FIXTURE = await Deno.readTextFile(
  new URL("../../fixtures/scenario/articles.json", import.meta.url),
);

function kbHarness(maxBodyBytes = 1 << 20) {
  return ticketHarness(undefined, undefined, { maxBodyBytes });
}

async function errorOf(response: Response) {
  const body = await response.json();
  assert.ok(body.error, JSON.stringify(body));
  assert.match(body.error.message, /^(Cannot|Invalid|Request)/);
  return body.error as { code: string; message: string; details?: Record<string, unknown> };
}

Deno.test("import: the simulator's articles.json loads; importing it twice changes nothing", async () => {
  const { http, store } = await kbHarness();
  const first = await http.request("/v1/kb/articles/import", { method: "POST", body: FIXTURE });
  assert.equal(first.status, 200);
  const report = await first.json();
  assert.equal(report.created, 13);
  const head = store.headPosition();
  const second = await (await http.request("/v1/kb/articles/import", {
    method: "POST",
    body: FIXTURE,
  })).json();
  assert.deepEqual([second.created, second.updated, second.unchanged], [0, 0, 13]);
  assert.equal(store.headPosition(), head);

  const article = await http.request("/v1/kb/articles/KB-1001");
  assert.equal(article.status, 200);
  const body = await article.json();
  assert.equal(body.status, "published");
  assert.equal(body.steps.length, 3);
  assert.equal(body.revisions.length, 1);
  assert.ok(body.tags.includes("incident:inc-01"));
});

Deno.test("import: JSON lines, Markdown with front matter; a bad line says where", async () => {
  const { http } = await kbHarness();
  const lines = [
    { id: "a1", title: "Login loops back to the sign-in page", steps: ["Clear cookies"] },
    { id: "a2", title: "Exports are cut off", tags: ["reports"], status: "draft" },
  ].map((a) => JSON.stringify(a)).join("\n");
  const ok = await http.request("/v1/kb/articles/import", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: lines,
  });
  assert.equal((await ok.json()).created, 2);
  const md = [
    "---",
    "id: md-1",
    "tags: [printing]",
    "fixed_in: 5.7.1",
    "---",
    "# Printing crashes",
    "## Symptom",
    "The app closes when printing",
    "## Steps",
    "1. Update the printer driver",
    "2. Restart",
  ].join("\n");
  const imported = await http.request("/v1/kb/articles/import", {
    method: "POST",
    headers: { "content-type": "text/markdown" },
    body: md,
  });
  assert.equal(imported.status, 200, await imported.clone().text());
  const article = await (await http.request("/v1/kb/articles/md-1")).json();
  assert.equal(article.title, "Printing crashes");
  assert.deepEqual(article.steps, ["Update the printer driver", "Restart"]);
  assert.equal(article.fixed_in, "5.7.1");

  const bad = await http.request("/v1/kb/articles/import", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: '{"id":"x","title":"ok"}\n{"id":"y"}\n',
  });
  assert.equal(bad.status, 400);
  assert.match((await errorOf(bad)).message, /line 2: title/);
});

Deno.test("articles: draft, edit with If-Match (412 when stale), publish, retire; 404 and 409", async () => {
  const { http } = await kbHarness();
  const created = await http.request("/v1/kb/articles", {
    method: "POST",
    ...json({ title: "Webhooks stop", symptom: "no webhooks arrive" }),
  });
  assert.equal(created.status, 201);
  assert.equal(created.headers.get("etag"), '"1"');
  const id = (await created.json()).article_id;

  const edited = await http.request(`/v1/kb/articles/${id}`, {
    method: "PUT",
    ...json({ title: "Webhooks stop after upgrade", symptom: "no webhooks" }, {
      "if-match": '"1"',
    }),
  });
  assert.equal(edited.status, 200);
  assert.equal(edited.headers.get("etag"), '"2"');
  const stale = await http.request(`/v1/kb/articles/${id}`, {
    method: "PUT",
    ...json({ title: "Another" }, { "if-match": '"1"' }),
  });
  assert.equal(stale.status, 412);
  assert.equal((await errorOf(stale)).code, "precondition_failed");

  const detail = await (await http.request(`/v1/kb/articles/${id}`)).json();
  assert.deepEqual(detail.revisions.map((r: { title: string }) => r.title), [
    "Webhooks stop",
    "Webhooks stop after upgrade",
  ]);
  assert.equal(detail.status, "draft");

  assert.equal(
    (await http.request(`/v1/kb/articles/${id}/publish`, { method: "POST" })).status,
    200,
  );
  assert.equal(
    (await http.request(`/v1/kb/articles/${id}/retire`, { method: "POST" })).status,
    200,
  );
  const again = await http.request(`/v1/kb/articles/${id}/publish`, { method: "POST" });
  assert.equal(again.status, 409);
  assert.equal((await errorOf(again)).code, "conflict");

  const missing = await http.request("/v1/kb/articles/nope");
  assert.equal(missing.status, 404);
  assert.equal((await errorOf(missing)).code, "not_found");
});

Deno.test("import: a body over the limit is 413", async () => {
  const { http } = await kbHarness(1_000);
  const response = await http.request("/v1/kb/articles/import", {
    method: "POST",
    body: FIXTURE,
  });
  assert.equal(response.status, 413);
  assert.equal((await errorOf(response)).code, "payload_too_large");
});

Deno.test("search: weighted, stemmed, typo-tolerant, highlighted, filtered and paged", async () => {
  const { http } = await kbHarness();
  await http.request("/v1/kb/articles/import", { method: "POST", body: FIXTURE });
  const page = await (await http.request("/v1/kb/search?q=webhook+signing+secrets")).json();
  assert.equal(page.items[0].article_id, "KB-1001");
  assert.match(page.items[0].highlights.title, /<mark>Webhooks<\/mark>/);

  const typo = await (await http.request("/v1/kb/search?q=webhoks+arrivng")).json();
  assert.equal(typo.items[0].article_id, "KB-1001");
  assert.ok(Object.keys(typo.items[0].corrections).length > 0);

  const paged = await (await http.request("/v1/kb/search?q=upgrade&limit=2&offset=1")).json();
  assert.ok(paged.total > 2);
  assert.equal(paged.items.length, 2);
  const all = await (await http.request("/v1/kb/search?q=upgrade&limit=3")).json();
  assert.equal(paged.items[0].article_id, all.items[1].article_id);

  const tagged = await (await http.request("/v1/kb/search?q=upgrade&tag=incident:inc-01")).json();
  assert.deepEqual(tagged.items.map((i: { article_id: string }) => i.article_id), ["KB-1001"]);

  const bad = await http.request("/v1/kb/search?q=x&limit=0");
  assert.equal(bad.status, 400);
  assert.equal((await errorOf(bad)).code, "validation_failed");
});

Deno.test("suggest: free text gets articles with scores and reasons that name real data", async () => {
  const { http } = await kbHarness();
  await http.request("/v1/kb/articles/import", { method: "POST", body: FIXTURE });
  const response = await http.request("/v1/kb/suggest", {
    method: "POST",
    ...json({ text: "Checkout fails for carts with an expired promotion" }),
  });
  const body = await response.json();
  assert.equal(body.items[0].article_id, "KB-1002");
  assert.ok(body.items[0].score > 0);
  assert.equal(body.items[0].reasons[0].kind, "text");
  assert.ok(body.items[0].reasons[0].terms.length > 0);
  const empty = await http.request("/v1/kb/suggest", { method: "POST", ...json({ text: "" }) });
  assert.equal(empty.status, 400);
});

Deno.test("search: version filter drops articles whose fix the customer already runs", async () => {
  const { http } = await kbHarness();
  await http.request("/v1/kb/articles/import", {
    method: "POST",
    headers: { "content-type": "application/x-ndjson" },
    body: [
      { id: "old", title: "Export cut off", fixed_in: "5.7.1" },
      { id: "any", title: "Export slow" },
    ].map((a) => JSON.stringify(a)).join("\n"),
  });
  const ids = async (query: string) =>
    (await (await http.request(`/v1/kb/search?q=export${query}`)).json()).items.map((
      i: { article_id: string },
    ) => i.article_id).sort();
  assert.deepEqual(await ids("&version=5.6.0"), ["any", "old"]);
  assert.deepEqual(await ids("&version=5.8.0"), ["any"]);
});
