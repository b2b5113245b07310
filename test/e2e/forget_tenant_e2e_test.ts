/**
 * Forgetting a tenant of a shared cluster, end to end. Two customers share
 * one cluster (told apart by each record's `tenant_id`); one of them also
 * writes in through Zendesk, is hit by an issue filed in Jira (so the
 * outbox, the impact report and the webhook speak of it), has a scoped
 * token that reads its data (audited) and a retention setting. Their
 * records arrive mixed in the same pushes. Once it is forgotten, no event
 * the store can still open (but the erasure record) and no row of any view
 * holds its id, tenant id, name or words, no byte of the data directory
 * holds its words, and everything of the other tenant is still there.
 */
import assert from "node:assert/strict";
import { openEventStore } from "../../adapters/lmdb/encryption.ts";
import { compactLmdbIfPending, openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { PROJECTIONS } from "../../src/app/loupe.ts";
import { fakeTicketingPeers, ticketingPeersEnv, until as waitUntil } from "../support/e2e.ts";
import { startServer } from "../support/server.ts";

const ADMIN = "admin-key-for-the-tenant-test";
const ZENDESK_SECRET = "zendesk-webhook-secret";
const CLUSTER = "mt-eu";

/** Every value of the forgotten tenant contains one of these (compared without case). */
const GLOBEX_MARKS = ["globex", "zanzibar"];
const GLOBEX = {
  id: "globex",
  tenant: "globex-tenant",
  name: "Globex Zanzibar Holdings",
  contact: "Prudence Globexworth",
  message: "vault globexflamingo refused",
  attribute: "globexattrquince",
  subject: "globexsubjectpangolin checkout payment failed",
  description: "globexdescriptionwombat: checkout payment failed since this morning",
  token: "globex portal",
};
/** The tenant kept beside it. */
const ACME = { id: "acme", tenant: "acme-tenant", message: "cache acmequokka warmed" };

const until = <T>(what: string, probe: () => Promise<T | undefined> | T | undefined) =>
  waitUntil(what, probe, { timeoutMs: 40_000, everyMs: 200 });

function marked(text: string): string[] {
  const lower = text.toLowerCase();
  return GLOBEX_MARKS.filter((mark) => lower.includes(mark));
}

async function* filesUnder(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(dir)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* filesUnder(path);
    else if (entry.isFile) yield path;
  }
}

const line = (at: number, tenant: string, level: string, msg: string, extra = {}) =>
  JSON.stringify({ time: new Date(at).toISOString(), level, msg, tenant_id: tenant, ...extra });

Deno.test("a tenant of a shared cluster forgotten: no event, view or byte keeps anything of it, the other tenant keeps everything", async () => {
  const { zendesk, jira, chat } = fakeTicketingPeers("chat-secret");
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-forget-tenant-e2e-" });
  const server = await startServer(dataDir, {
    LOUPE_API_KEY: ADMIN,
    LOUPE_SYNC_INTERVAL_SECONDS: "10",
    ...ticketingPeersEnv({ chat, zendesk, jira }, {
      chat: "chat-secret",
      zendeskWebhook: ZENDESK_SECRET,
    }),
  });
  let stopped = false;
  try {
    const call = async (path: string, init: RequestInit = {}, token = ADMIN) => {
      const response = await fetch(`${server.url}${path}`, {
        ...init,
        headers: { authorization: `Bearer ${token}`, ...(init.headers ?? {}) },
      });
      const text = await response.text();
      return { status: response.status, text };
    };
    const json = (path: string, method: string, body: unknown) =>
      call(path, {
        method,
        headers: { "content-type": "application/json" },
        body: JSON.stringify(body),
      });
    const push = async (lines: string[]) => {
      const reply = await call(`/v1/logs?customer=${CLUSTER}&environment=prod&service=checkout`, {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: lines.join("\n") + "\n",
      });
      assert.equal(reply.status, 200, reply.text);
    };

    const directory = await call("/v1/customers/import", {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body:
        "customer_id,name,tier,contract_value,region,deployment_model,environments,tenant_id,primary_contact,primary_email\n" +
        `${GLOBEX.id},${GLOBEX.name},enterprise,200000,eu-west,multi-tenant,${CLUSTER}/prod,${GLOBEX.tenant},${GLOBEX.contact},ops@globex.example\n` +
        `${ACME.id},Acme Kestrel Works,standard,5000,eu-west,multi-tenant,${CLUSTER}/prod,${ACME.tenant},,\n`,
    });
    assert.equal(directory.status, 200, directory.text);

    // Two days of quiet history from both tenants, in the same pushes.
    const now = Date.now();
    const quiet: string[] = [];
    for (let hour = 48; hour > 4; hour--) {
      const at = now - hour * 3_600_000;
      quiet.push(line(at, ACME.tenant, "info", `${ACME.message} in ${hour} ms`));
      quiet.push(
        line(at, GLOBEX.tenant, "info", `${GLOBEX.message} ${hour} times`, {
          note: GLOBEX.attribute,
        }),
      );
    }
    await push(quiet);
    // The other tenant is hit first, and engineering hears of it in Jira.
    const error = (at: number, tenant: string, ms: number) =>
      line(at, tenant, "error", `PaymentGatewayException: checkout payment failed after ${ms} ms`);
    await push(
      Array.from({ length: 20 }, (_, i) => error(now - 4 * 3_600_000 + i, ACME.tenant, i)),
    );
    const issues = JSON.parse((await call("/v1/issues")).text);
    const issue = issues.items.find((i: { template: string }) =>
      i.template.includes("PaymentGatewayException")
    );
    assert.ok(issue, (await call("/v1/issues")).text);
    assert.equal((await call(`/v1/issues/${issue.id}/jira`, { method: "POST" })).status, 202);
    const jiraIssue = await until("the Jira issue", () => [...jira.issues.values()][0]);
    await until("the Jira key recorded", async () => {
      const timeline = JSON.parse((await call(`/v1/issues/${issue.id}/timeline`)).text);
      return timeline.steps.some((s: { step: string }) => s.step === "jira_issue_created")
        ? true
        : undefined;
    });

    // Then the forgotten tenant, a top-tier customer, is hit too, in pushes
    // that mix both tenants' records, and writes in through Zendesk.
    const mixed: string[] = [];
    for (let i = 0; i < 30; i++) {
      mixed.push(error(now - 3_600_000 + i, i % 2 === 0 ? GLOBEX.tenant : ACME.tenant, 100 + i));
    }
    await push(mixed);
    const org = zendesk.addOrganization(GLOBEX.name, ["globex.example"]);
    const requester = zendesk.addUser("jo@globex.example", org);
    const remote = zendesk.createTicket({
      subject: GLOBEX.subject,
      body: GLOBEX.description,
      requesterId: requester,
      tags: ["env_prod"],
      priority: "high",
      at: now - 1_800_000,
    });
    const synced = await zendesk.notify(
      `${server.url}/v1/integrations/zendesk/webhook`,
      remote.id,
      ZENDESK_SECRET,
    );
    const { ticket_id: ticketId } = await synced[0]!.json();
    const ticket = JSON.parse((await call(`/v1/tickets/${ticketId}`)).text);
    assert.equal(ticket.customer, GLOBEX.id);
    const linked = await json(`/v1/tickets/${ticketId}/links`, "POST", {
      signature_ids: [issue.signature_id],
    });
    assert.ok(linked.status < 300, linked.text);
    await until("the link note in Zendesk", () => {
      const notes = zendesk.notesWith(remote.id, "Loupe linked this ticket");
      return notes.length > 0 ? notes : undefined;
    });
    await until(
      "the impact report in Jira",
      () =>
        jiraIssue.comments.find((c) => c.body.includes(`New top-tier customer hit: ${GLOBEX.id}`)),
    );

    // Its own token reads its data (audited); its retention is set.
    const created = await json("/v1/tokens", "POST", {
      name: GLOBEX.token,
      role: `customer:${GLOBEX.id}`,
    });
    assert.equal(created.status, 201, created.text);
    const globexToken = JSON.parse(created.text).secret as string;
    assert.equal((await call(`/v1/customers/${GLOBEX.id}/impact`, {}, globexToken)).status, 200);
    assert.equal(
      (await json(`/v1/customers/${GLOBEX.id}/retention`, "PUT", { days: 365 })).status,
      200,
    );
    await until("the audit", async () => {
      const audit = await call("/v1/audit");
      return marked(audit.text).length > 0 ? true : undefined;
    });

    // The test can fail: before, the views name it.
    const customerView = await call(`/v1/customers/${GLOBEX.id}`);
    assert.match(customerView.text, /Zanzibar/);
    const signatures = await call("/v1/signatures?limit=1000");
    assert.match(signatures.text, /globexflamingo|PaymentGateway/);

    const forgotten = await call(`/v1/customers/${GLOBEX.id}/data`, { method: "DELETE" });
    assert.equal(forgotten.status, 200, forgotten.text);

    // Its token no longer opens anything, and no reply names it.
    assert.equal((await call(`/v1/customers/${GLOBEX.id}/impact`, {}, globexToken)).status, 401);
    const replies: string[] = [];
    for (
      const path of [
        "/v1/tokens",
        "/v1/audit",
        "/v1/customers",
        `/v1/customers/${ACME.id}/impact?min_severity=TRACE`,
        "/v1/signatures?limit=1000",
        "/v1/issues",
        `/v1/issues/${issue.id}/timeline`,
        "/v1/integrations/deliveries",
        "/v1/tickets",
        "/v1/quarantine",
      ]
    ) replies.push(`${path}: ${(await call(path)).text}`);
    assert.deepEqual(replies.filter((reply) => marked(reply).length > 0), []);
    assert.match(replies.join("\n"), /acmequokka/);

    await server.stop();
    stopped = true;

    // Every event still readable, and every row of every view.
    await compactLmdbIfPending(dataDir);
    const environment = openLmdb(dataDir);
    const { store } = openEventStore(environment, { encryption: true });
    try {
      const events = await store.readAll(0, 1_000_000);
      const kept = events.filter((e) => e.unreadable === undefined);
      assert.ok(kept.length < events.length, "some events were shredded");
      const erasures = kept.filter((e) => e.type === "CustomerForgotten");
      assert.equal(erasures.length, 1);
      const inEvents = kept.filter((e) => e.type !== "CustomerForgotten").flatMap((e) =>
        marked(JSON.stringify(e.data)).map((mark) => `${e.type}@${e.position}: ${mark}`)
      );
      assert.deepEqual(inEvents, []);
      const views = new LmdbProjectionStore(environment);
      const inViews: string[] = [];
      let acmeRows = 0;
      for (const table of PROJECTIONS.flatMap((p) => p.tables)) {
        for (const row of views.range(table)) {
          const text = JSON.stringify(row);
          inViews.push(...marked(text).map((mark) => `${table}: ${mark}`));
          if (text.includes("acmequokka")) acmeRows++;
        }
      }
      assert.deepEqual(inViews, []);
      assert.ok(acmeRows > 0, "the other tenant's records are still in the views");
      const acmeEvents = kept.filter((e) => JSON.stringify(e.data).includes("acmequokka"));
      assert.ok(acmeEvents.length > 0);
    } finally {
      await store.close();
    }
    // No byte of the data directory holds its words (its id stays on the
    // envelopes of its unreadable events, and in the erasure record).
    const words = [GLOBEX.message, GLOBEX.attribute, GLOBEX.name, GLOBEX.contact, "pangolin"];
    const inBytes: string[] = [];
    for await (const file of filesUnder(dataDir)) {
      const text = new TextDecoder("latin1").decode(await Deno.readFile(file));
      inBytes.push(...words.filter((w) => text.includes(w)).map((w) => `${file}: ${w}`));
    }
    assert.deepEqual(inBytes, []);
  } finally {
    if (!stopped) await server.stop();
    await zendesk.close();
    await jira.close();
    await chat.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
