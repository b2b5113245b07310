/**
 * Who may see and do what in the console, through the composed app with no
 * server: sign-in and its cookie, development mode, CSRF on every form, and
 * a customer-scoped token confined to its customer.
 */
import assert from "node:assert/strict";
import type { Hono } from "hono";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { ticketingConfig } from "../../adapters/ticketing/config.ts";
import { compose, type ComposedLoupe } from "../../src/app/compose.ts";

const NOW = Date.parse("2026-10-06T12:00:00Z");

async function composed(
  options: { apiKey?: string } = {},
): Promise<ComposedLoupe> {
  const clock = { now: () => NOW };
  let id = 0;
  const app = await compose({
    store: new MemoryEventStore({ clock }),
    projectionStore: new MemoryProjectionStore(),
    clock,
    newId: () => `id${String(++id).padStart(8, "0")}`,
    http: {
      maxBodyBytes: 1 << 20,
      maxLineBytes: 65536,
      ...(options.apiKey === undefined ? {} : { apiKey: options.apiKey }),
    },
    ticketing: ticketingConfig({}),
    version: "test",
  });
  for (const customer of ["acme", "globex"]) {
    await app.tickets.openTicket({
      customer,
      environment: "prod",
      subject: `${customer} checkout fails`,
      description: "Every checkout fails with a 500",
      severity: "high",
      reporter: `ops@${customer}.example`,
    });
  }
  await app.loupe.settled();
  return app;
}

function cookieOf(response: Response): string {
  const session = response.headers.getSetCookie().find((c) => c.startsWith("loupe_session="));
  return (session ?? "").split(";")[0]!;
}

/** Posts the sign-in form as a browser does: with the token and cookie its page gave. */
async function signIn(http: Hono, fields: Record<string, string>): Promise<Response> {
  const page = await http.request("/console/signin");
  const csrf = /name="csrf" value="([^"]+)"/.exec(await page.text())?.[1];
  assert.ok(csrf, "no CSRF token on the sign-in page");
  const cookie = page.headers.getSetCookie().find((c) => c.startsWith("loupe_signin="));
  assert.ok(cookie, "no sign-in cookie");
  return await http.request("/console/signin", form({ ...fields, csrf }, cookie.split(";")[0]!));
}

async function csrfOf(http: Hono, cookie: string, path: string): Promise<string> {
  const html = await (await http.request(path, { headers: { cookie } })).text();
  const match = /name="csrf" value="([^"]+)"/.exec(html);
  assert.ok(match, `no CSRF token on ${path}`);
  return match[1]!;
}

function form(fields: Record<string, string>, cookie?: string): RequestInit {
  return {
    method: "POST",
    headers: {
      "content-type": "application/x-www-form-urlencoded",
      ...(cookie === undefined ? {} : { cookie }),
    },
    body: new URLSearchParams(fields).toString(),
  };
}

Deno.test("without LOUPE_API_KEY the console is open as an anonymous admin, with an HttpOnly SameSite=Strict session", async () => {
  const app = await composed();
  try {
    const root = await app.http.request("/");
    assert.equal(root.status, 303);
    assert.equal(root.headers.get("location"), "/console/tickets");
    const list = await app.http.request("/console/tickets");
    assert.equal(list.status, 200);
    const cookie = list.headers.get("set-cookie") ?? "";
    assert.match(cookie, /^loupe_session=[\w-]{40,};/);
    assert.match(cookie, /HttpOnly/);
    assert.match(cookie, /SameSite=Strict/);
    const html = await list.text();
    assert.match(html, /acme checkout fails/);
    assert.match(html, /globex checkout fails/);
    assert.equal((await app.http.request("/console/signin")).status, 303);
    // The JSON API is untouched: its 404 is still JSON, and the console's is a page.
    assert.match((await app.http.request("/v1/nothing")).headers.get("content-type")!, /json/);
    const missing = await app.http.request("/console/nothing", {
      headers: { cookie: cookieOf(list) },
    });
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /no such page/);
  } finally {
    app.stop();
  }
});

Deno.test("with an API key the console asks for it, refuses a wrong one and keeps a session for the right one", async () => {
  const app = await composed({ apiKey: "s3cret-key" });
  try {
    const first = await app.http.request("/console/tickets?severity=high");
    assert.equal(first.status, 303);
    assert.equal(
      first.headers.get("location"),
      `/console/signin?next=${encodeURIComponent("/console/tickets?severity=high")}`,
    );
    // A sign-in posted by another site (no form token, no sign-in cookie) is refused.
    const forged = await app.http.request("/console/signin", form({ token: "s3cret-key" }));
    assert.equal(forged.status, 403);
    assert.equal(cookieOf(forged), "", "no session from a forged sign-in");
    assert.match(await forged.text(), /did not come from this console/);
    const wrong = await signIn(app.http, { token: "guess", next: "/console/tickets" });
    assert.equal(wrong.status, 401);
    assert.match(await wrong.text(), /This token is not valid/);
    const empty = await signIn(app.http, { token: "" });
    assert.equal(empty.status, 400);
    assert.match(await empty.text(), /Enter your access token/);
    const right = await signIn(app.http, {
      token: "s3cret-key",
      next: "/console/tickets?severity=high",
    });
    assert.equal(right.status, 303);
    assert.equal(right.headers.get("location"), "/console/tickets?severity=high");
    const cookie = cookieOf(right);
    const list = await app.http.request("/console/tickets", { headers: { cookie } });
    assert.equal(list.status, 200);
    assert.match(await list.text(), /Sign out/);
    // Somewhere else after sign-in is refused: only console paths.
    const offsite = await signIn(app.http, { token: "s3cret-key", next: "//evil.example/" });
    assert.equal(offsite.headers.get("location"), "/console/tickets");
    // Signing out ends the session.
    const csrf = await csrfOf(app.http, cookie, "/console/tickets");
    assert.equal((await app.http.request("/console/signout", form({ csrf }, cookie))).status, 303);
    assert.equal(
      (await app.http.request("/console/tickets", { headers: { cookie } })).status,
      303,
    );
  } finally {
    app.stop();
  }
});

Deno.test("a form without the session's CSRF token changes nothing", async () => {
  const app = await composed();
  try {
    const list = await app.http.request("/console/tickets");
    const cookie = cookieOf(list);
    const ticketId = /href="\/console\/tickets\/([^"]+)"/.exec(await list.text())![1]!;
    const fields = { root_cause: "A bad cache", solution: "Flushed it" };
    for (const csrf of [undefined, "forged"]) {
      const response = await app.http.request(
        `/console/tickets/${ticketId}/resolve`,
        form(csrf === undefined ? fields : { ...fields, csrf }, cookie),
      );
      assert.equal(response.status, 403);
      assert.match(await response.text(), /CSRF token mismatch/);
    }
    assert.equal((await app.tickets.ticket(ticketId)).ticket.resolutions.length, 0);
    const csrf = await csrfOf(app.http, cookie, `/console/tickets/${ticketId}`);
    const done = await app.http.request(
      `/console/tickets/${ticketId}/resolve`,
      form({ ...fields, csrf }, cookie),
    );
    assert.equal(done.status, 303);
    assert.equal(
      (await app.tickets.ticket(ticketId)).ticket.resolutions[0]?.rootCause,
      "A bad cache",
    );
  } finally {
    app.stop();
  }
});

Deno.test("a customer-scoped token sees only its customer's tickets and pages", async () => {
  const app = await composed();
  const acmeToken = (await app.tokens.create({
    name: "Acme ops",
    role: { kind: "customer", customer: "acme" },
  })).secret;
  const ingestToken = (await app.tokens.create({
    name: "shipper",
    role: { kind: "ingest", customer: "acme", environment: "prod" },
  })).secret;
  try {
    const ingest = await signIn(app.http, { token: ingestToken });
    assert.equal(ingest.status, 401);
    assert.match(await ingest.text(), /only push logs/);
    const cookie = cookieOf(
      await signIn(app.http, { token: acmeToken }),
    );
    const get = (path: string) => app.http.request(path, { headers: { cookie } });
    const list = await (await get("/console/tickets")).text();
    assert.match(list, /acme checkout fails/);
    assert.doesNotMatch(list, /globex/);
    assert.equal((await get("/console/tickets?customer=globex")).status, 403);
    const globexId = (await app.tickets.listTickets({ customer: "globex", limit: 1, offset: 0 }))
      .items[0]!.ticketId;
    const foreign = await get(`/console/tickets/${globexId}`);
    assert.equal(foreign.status, 404);
    assert.doesNotMatch(await foreign.text(), /globex checkout/);
    assert.equal((await get("/console/customers/globex")).status, 404);
    // Reading is all it may do: no resolution form, and posting one is refused.
    const acmeId = (await app.tickets.listTickets({ customer: "acme", limit: 1, offset: 0 }))
      .items[0]!.ticketId;
    const page = await (await get(`/console/tickets/${acmeId}`)).text();
    assert.doesNotMatch(page, /Record resolution/);
    const csrf = /name="csrf" value="([^"]+)"/.exec(page)![1]!;
    const post = await app.http.request(
      `/console/tickets/${acmeId}/resolve`,
      form({ csrf, root_cause: "x", solution: "y" }, cookie),
    );
    assert.equal(post.status, 403);
    assert.equal((await get("/console/kb/drafts")).status, 403);
    // What the token read is in the audit trail, as reads through the API are.
    await app.audit.flush();
    const trail = await app.audit.query({ customer: "acme", limit: 100 });
    assert.ok(
      trail.items.some((e) =>
        e.name === "Acme ops" && e.endpoint === "GET /console/tickets/:id" &&
        e.path === `/console/tickets/${acmeId}`
      ),
      JSON.stringify(trail.items),
    );
    assert.ok(trail.items.every((e) => e.customer === "acme"));
    assert.equal((await app.audit.query({ customer: "globex", limit: 100 })).items.length, 0);
  } finally {
    app.stop();
  }
});
