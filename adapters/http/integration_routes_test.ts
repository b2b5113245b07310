import assert from "node:assert/strict";
import { Hono } from "hono";
import type { IntegrationApi, JiraStatusChange } from "../../ports/integrations.ts";
import { errorResponse } from "./errors.ts";
import { integrationRoutes } from "./integration_routes.ts";
import { jiraSignature } from "../../test/ticketing/fake_jira.ts";
import { zendeskSignature } from "../../test/ticketing/fake_zendesk.ts";

const NOW = Date.parse("2026-12-04T12:00:00Z");

function app() {
  const seen: { zendesk: string[]; jira: JiraStatusChange[] } = { zendesk: [], jira: [] };
  const api: IntegrationApi = {
    configured: () => ({ zendesk: true, jira: true, webhook: false }),
    zendeskTicketChanged: (id) => {
      seen.zendesk.push(id);
      return Promise.resolve({ ticketId: `zendesk-${id}`, changes: 1 });
    },
    jiraIssueChanged: (change) => {
      seen.jira.push(change);
      return Promise.resolve({ issueId: "i1", applied: "fixed" });
    },
    createJiraIssue: () => Promise.reject(new Error("unused")),
    deliveries: () => [],
    retryDelivery: () => Promise.reject(new Error("unused")),
    timeline: () => Promise.resolve([]),
    ticketSync: () => Promise.resolve(null),
  };
  const http = new Hono();
  http.onError((error, c) => errorResponse(c, error));
  http.route(
    "/",
    integrationRoutes(api, {
      clock: { now: () => NOW },
      maxBodyBytes: 1 << 20,
      zendeskWebhookSecret: "zs",
      jiraWebhookSecret: "js",
    }),
  );
  return { http, seen };
}

async function zendeskPost(
  http: Hono,
  body: string,
  options: { secret?: string; at?: number } = {},
) {
  const timestamp = new Date(options.at ?? NOW).toISOString();
  return await http.request("/v1/integrations/zendesk/webhook", {
    method: "POST",
    headers: {
      "x-zendesk-webhook-signature": await zendeskSignature(
        options.secret ?? "zs",
        timestamp,
        body,
      ),
      "x-zendesk-webhook-signature-timestamp": timestamp,
    },
    body,
  });
}

Deno.test("zendesk webhook: only the ticket id is taken, from any of the shapes Zendesk sends", async () => {
  const { http, seen } = app();
  for (
    const body of [
      { subject: "zen:ticket:41", detail: { id: "999" } },
      { ticket_id: "42" },
      { ticket: { id: 43 } },
    ]
  ) {
    assert.equal((await zendeskPost(http, JSON.stringify(body))).status, 200);
  }
  assert.deepEqual(seen.zendesk, ["41", "42", "43"]);
});

Deno.test("zendesk webhook: wrong secret, old or future timestamp, and no id are refused in the error shape", async () => {
  const { http, seen } = app();
  const body = JSON.stringify({ ticket_id: "1" });
  const wrong = await zendeskPost(http, body, { secret: "other" });
  assert.equal(wrong.status, 401);
  assert.equal((await wrong.json()).error.code, "unauthorized");
  assert.equal((await zendeskPost(http, body, { at: NOW - 301_000 })).status, 401);
  assert.equal((await zendeskPost(http, body, { at: NOW + 301_000 })).status, 401);
  assert.equal((await zendeskPost(http, body, { at: NOW - 299_000 })).status, 200);
  const unsigned = await http.request("/v1/integrations/zendesk/webhook", { method: "POST", body });
  assert.equal(unsigned.status, 401);
  const noId = await zendeskPost(http, JSON.stringify({ hello: "world" }));
  assert.equal(noId.status, 400);
  const notJson = await zendeskPost(http, "{not json");
  assert.equal(notJson.status, 400);
  assert.equal((await notJson.json()).error.code, "invalid_json");
  assert.deepEqual(seen.zendesk, ["1"]);
});

const jiraBody = (category: string) =>
  JSON.stringify({
    timestamp: NOW,
    webhookEvent: "jira:issue_updated",
    issue: {
      key: "LOUPE-1",
      fields: {
        status: { name: "Done", statusCategory: { key: category } },
        fixVersions: [{ name: "2.4.0" }],
      },
    },
    changelog: { items: [{ field: "status", fromString: "In Progress", toString: "Done" }] },
  });

Deno.test("jira webhook: HMAC or shared secret; a status change is passed on with its fix versions", async () => {
  const { http, seen } = app();
  const body = jiraBody("done");
  const signed = await http.request("/v1/integrations/jira/webhook", {
    method: "POST",
    headers: { "x-hub-signature": await jiraSignature("js", body) },
    body,
  });
  assert.equal(signed.status, 200);
  const shared = await http.request("/v1/integrations/jira/webhook?secret=js", {
    method: "POST",
    body,
  });
  assert.equal(shared.status, 200);
  assert.deepEqual(seen.jira[0], {
    key: "LOUPE-1",
    toStatus: "Done",
    toCategory: "done",
    fixVersions: ["2.4.0"],
    at: NOW,
  });
  const forged = await http.request("/v1/integrations/jira/webhook", {
    method: "POST",
    headers: { "x-hub-signature": await jiraSignature("nope", body) },
    body,
  });
  assert.equal(forged.status, 401);
  const wrongShared = await http.request("/v1/integrations/jira/webhook?secret=jx", {
    method: "POST",
    body,
  });
  assert.equal(wrongShared.status, 401);
  assert.equal(seen.jira.length, 2);
});

Deno.test("jira webhook: no status in the changelog is ignored; a bad payload is a 400", async () => {
  const { http, seen } = app();
  const noStatus = JSON.stringify({
    ...JSON.parse(jiraBody("done")),
    changelog: { items: [{ field: "summary" }] },
  });
  const ignored = await http.request("/v1/integrations/jira/webhook?secret=js", {
    method: "POST",
    body: noStatus,
  });
  assert.deepEqual(await ignored.json(), { issue_id: null, applied: "ignored" });
  const bad = await http.request("/v1/integrations/jira/webhook?secret=js", {
    method: "POST",
    body: JSON.stringify({ webhookEvent: "jira:issue_updated", issue: {} }),
  });
  assert.equal(bad.status, 400);
  assert.equal((await bad.json()).error.code, "validation_failed");
  assert.equal(seen.jira.length, 0);
});
