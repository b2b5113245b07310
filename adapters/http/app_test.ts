import assert from "node:assert/strict";
import { memoryLoupe } from "../../test/support/app.ts";
import { createHttpApp } from "./app.ts";

async function givenAnApp(apiKey?: string) {
  const { loupe } = await memoryLoupe();
  return createHttpApp({
    app: loupe,
    clock: { now: () => Date.UTC(2026, 2, 2) },
    config: { maxBodyBytes: 4096, maxLineBytes: 256, ...(apiKey === undefined ? {} : { apiKey }) },
  });
}

const post = (body: string, type: string, query = "") => ({
  method: "POST",
  headers: { "content-type": type },
  body,
  path: `/v1/logs${query}`,
});

async function send(app: Awaited<ReturnType<typeof givenAnApp>>, request: ReturnType<typeof post>) {
  const { path, ...init } = request;
  const response = await app.request(path, init);
  return { status: response.status, body: await response.json() };
}

Deno.test("a JSON array body is ingested record by record", async () => {
  const app = await givenAnApp();
  const reply = await send(
    app,
    post(JSON.stringify([{ msg: "a 1" }, { msg: "a 2" }, { level: "x" }]), "application/json"),
  );
  assert.equal(reply.status, 200);
  assert.equal(reply.body.accepted, 2);
  assert.deepEqual(reply.body.quarantined_lines, [{
    line: 3,
    reason: "no message field (looked for msg, message, log, text, body, event, @message)",
  }]);
});

Deno.test("strict mode refuses the whole body at the first bad line and stores nothing", async () => {
  const app = await givenAnApp();
  const reply = await send(
    app,
    post('{"msg":"ok"}\n{bad\n', "application/x-ndjson", "?strict=true"),
  );
  assert.equal(reply.status, 400);
  assert.match(reply.body.error.message, /^Cannot accept line 2: Cannot parse JSON/);
  assert.deepEqual(reply.body.error.details.lines.map((l: { line: number }) => l.line), [2]);
  const list = await (await app.request("/v1/signatures")).json();
  assert.equal(list.total, 0);
});

Deno.test("over-long lines are quarantined with their length; unknown query parameters are refused", async () => {
  const app = await givenAnApp();
  const reply = await send(app, post(`short line\n${"y".repeat(300)}\n`, "text/plain"));
  assert.equal(reply.body.accepted, 1);
  assert.match(
    reply.body.quarantined_lines[0].reason,
    /^line longer than 256 bytes \(300 bytes\)$/,
  );
  const unknown = await send(app, post("x", "text/plain", "?tenant=acme"));
  assert.equal(unknown.status, 400);
  assert.equal(unknown.body.error.code, "validation_failed");
});

Deno.test("bad paging and time parameters say which parameter is wrong", async () => {
  const app = await givenAnApp();
  for (
    const [query, pattern] of [["limit=0", /limit/], ["from=yesterday", /from/], [
      "offset=-1",
      /offset/,
    ]] as const
  ) {
    const response = await app.request(`/v1/signatures?${query}`);
    assert.equal(response.status, 400, query);
    assert.match((await response.json()).error.message, pattern);
  }
  const reversed = await app.request(
    "/v1/signatures?from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z",
  );
  assert.equal(reversed.status, 400);
  assert.match((await reversed.json()).error.message, /from must be before to/);
});

Deno.test("an unknown route answers 404 in the error shape", async () => {
  const app = await givenAnApp();
  const response = await app.request("/v1/nothing");
  assert.equal(response.status, 404);
  assert.deepEqual(await response.json(), {
    error: { code: "not_found", message: "No route for GET /v1/nothing" },
  });
});

Deno.test("CORS is off by default and answers only the origins configured", async () => {
  const { loupe } = await memoryLoupe();
  const closed = createHttpApp({
    app: loupe,
    clock: { now: () => 0 },
    config: { maxBodyBytes: 4096, maxLineBytes: 256 },
  });
  const open = createHttpApp({
    app: loupe,
    clock: { now: () => 0 },
    config: { maxBodyBytes: 4096, maxLineBytes: 256, corsOrigins: ["https://support.example"] },
  });
  const ask = (app: typeof open, origin: string) =>
    app.request("/v1/signatures", { headers: { origin } });
  assert.equal(
    (await ask(closed, "https://support.example")).headers.get("access-control-allow-origin"),
    null,
  );
  assert.equal(
    (await ask(open, "https://support.example")).headers.get("access-control-allow-origin"),
    "https://support.example",
  );
  assert.equal(
    (await ask(open, "https://evil.example")).headers.get("access-control-allow-origin"),
    null,
  );
});
