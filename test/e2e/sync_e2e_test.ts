/**
 * The whole path on real servers: a customer's ticket in Zendesk -> Loupe
 * links it -> internal note in Zendesk -> Jira issue -> Jira done -> fix
 * noted -> the error comes back on the fixed version -> Jira reopened and
 * the ticket noted. Loupe runs as `deno task serve` does, configured only
 * by the environment variables the issue names.
 */
import assert from "node:assert/strict";
import { fakeTicketingPeers, send, ticketingPeersEnv, until } from "../support/e2e.ts";
import { startServer } from "../support/server.ts";
import { FakeZendesk } from "../ticketing/fake_zendesk.ts";
import { jiraSignature } from "../ticketing/fake_jira.ts";

const ZENDESK_SECRET = "zendesk-webhook-secret";
const JIRA_SECRET = "jira-webhook-secret";

function errorLines(version: string, from: number, count: number): string {
  const lines = [];
  for (let i = 0; i < count; i++) {
    lines.push(JSON.stringify({
      time: new Date(from + i * 60_000).toISOString(),
      level: "error",
      msg: `PaymentGatewayException: checkout payment failed after ${3000 + i} ms`,
      version,
    }));
  }
  return lines.join("\n") + "\n";
}

Deno.test("sync end to end: Zendesk ticket to Jira fix to regression, with no echo", async () => {
  const { zendesk, jira, chat } = fakeTicketingPeers("chat-secret");
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-sync-e2e-" });
  const server = await startServer(dataDir, {
    ...ticketingPeersEnv({ chat, zendesk, jira }, {
      chat: "chat-secret",
      zendeskWebhook: ZENDESK_SECRET,
    }),
    LOUPE_JIRA_WEBHOOK_SECRET: JIRA_SECRET,
  });
  try {
    const now = Date.now();
    const customers = await fetch(`${server.url}/v1/customers/import`, {
      method: "POST",
      headers: { "content-type": "text/csv" },
      body: "customer_id,name,tier,contract_value,environments,primary_email\n" +
        "acme,Acme Corp,enterprise,100000,acme/prod,ops@acme.example\n",
    });
    assert.equal(customers.status, 200, await customers.text());
    // A day and more of quiet history first: only then is a first error "new".
    const quiet = [];
    for (let hour = 48; hour > 3; hour--) {
      quiet.push(JSON.stringify({
        time: new Date(now - hour * 3_600_000).toISOString(),
        level: "info",
        msg: `checkout served ${hour} orders`,
        version: "2.3.0",
      }));
    }
    await fetch(`${server.url}/v1/logs?customer=acme&environment=prod&service=checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: quiet.join("\n"),
    }).then((r) => r.body?.cancel());
    const ingest = await fetch(
      `${server.url}/v1/logs?customer=acme&environment=prod&service=checkout`,
      {
        method: "POST",
        headers: { "content-type": "application/x-ndjson" },
        body: errorLines("2.3.0", now - 3 * 3_600_000, 30),
      },
    );
    assert.equal(ingest.status, 200, await ingest.text());
    const issues = await send(`${server.url}/v1/issues`);
    const issue = issues.body.items[0];
    assert.ok(issue, `an issue is detected: ${JSON.stringify(issues.body)}`);

    // A customer writes in; Zendesk's webhook arrives twice.
    const org = zendesk.addOrganization("Acme Corp", ["acme.example"]);
    const jo = zendesk.addUser("jo@acme.example", org);
    const remote = zendesk.createTicket({
      subject: "Checkout payment failed",
      body: "Our customers cannot pay: the checkout payment failed since this morning",
      requesterId: jo,
      tags: ["env_prod"],
      priority: "high",
      at: now - 3_600_000,
    });
    const hook = `${server.url}/v1/integrations/zendesk/webhook`;
    const answers = await zendesk.notify(hook, remote.id, ZENDESK_SECRET, { copies: 2 });
    assert.deepEqual(answers.map((a) => a.status), [200, 200]);
    const bodies = await Promise.all(answers.map((a) => a.json()));
    const ticketId = bodies[0].ticket_id;
    assert.equal(bodies[1].changes, 0, "the duplicate webhook changes nothing");

    const ticket = await send(`${server.url}/v1/tickets/${ticketId}`);
    assert.equal(ticket.body.customer, "acme");
    assert.equal(ticket.body.environment, "prod");
    assert.equal(ticket.body.sync.remote_id, String(remote.id));
    assert.equal(ticket.body.sync.customer_matched_by, "organization");
    assert.equal(Date.parse(ticket.body.opened_at), Date.parse(remote.created_at));

    // The top candidate is confident: Loupe links the ticket on its own, and says so.
    const links = ticket.body.history.filter((h: { type: string }) =>
      h.type === "TicketSignatureLinked"
    );
    assert.deepEqual(links.map((h: { by: string }) => h.by), ["loupe-auto"]);
    assert.equal(links[0].data.signature_id, issue.signature_id);
    const note = await until("the internal note", () => {
      const notes = zendesk.notesWith(remote.id, "Loupe linked this ticket");
      return notes.length > 0 ? notes : undefined;
    });
    assert.equal(note.length, 1);
    assert.equal(note[0]!.public, false);
    assert.ok(zendesk.tickets.get(remote.id)!.tags.some((t) => t.startsWith("loupe_issue_")));
    assert.equal(zendesk.comments.get(remote.id)!.filter((c) => c.public).length, 1);

    // Zendesk tells Loupe about Loupe's own note: nothing is imported, nothing sent back.
    const echo = await zendesk.notify(hook, remote.id, ZENDESK_SECRET);
    assert.equal((await echo[0]!.json()).changes, 0);

    // Engineering: a Jira issue from the Loupe issue.
    const created = await send(`${server.url}/v1/issues/${issue.id}/jira`, { method: "POST" });
    assert.equal(created.status, 202);
    const jiraIssue = await until("the Jira issue", () => [...jira.issues.values()][0]);
    await until("the remote link", () => jiraIssue.remoteLinks.size === 1 ? true : undefined);
    assert.match(jiraIssue.fields.description, /Customers hit: 1/);
    await until("the Jira key recorded", async () => {
      const timeline = await send(`${server.url}/v1/issues/${issue.id}/timeline`);
      return timeline.body.steps.some((s: { step: string }) => s.step === "jira_issue_created")
        ? true
        : undefined;
    });

    // Jira: done in 2.4.0.
    const payload = jira.move(jiraIssue.key, "Done", ["2.4.0"]);
    const fixed = await send(`${server.url}/v1/integrations/jira/webhook`, {
      method: "POST",
      headers: { "x-hub-signature": await jiraSignature(JIRA_SECRET, payload) },
      body: payload,
    });
    assert.deepEqual(fixed.body, { issue_id: issue.id, applied: "fixed" });
    await until("the fix note", () => zendesk.notesWith(remote.id, "fixed in version 2.4.0")[0]);
    assert.match(
      zendesk.notesWith(remote.id, "fixed in version 2.4.0")[0]!.body,
      /does not run it yet/,
    );

    // acme upgrades: its records now come from 2.4.0.
    await fetch(`${server.url}/v1/logs?customer=acme&environment=prod&service=checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: JSON.stringify({
        time: new Date(now - 120_000).toISOString(),
        level: "info",
        msg: "checkout served 12 orders",
        version: "2.4.0",
      }),
    }).then((r) => r.body?.cancel());
    const rolled = await send(`${server.url}/v1/issues/${issue.id}/timeline`);
    const rollout = rolled.body.steps.find((s: { step: string }) => s.step === "rolled_out");
    assert.equal(rollout?.detail.customer, "acme", JSON.stringify(rolled.body.steps));

    // The error again on 2.4.0: a regression.
    await fetch(`${server.url}/v1/logs?customer=acme&environment=prod&service=checkout`, {
      method: "POST",
      headers: { "content-type": "application/x-ndjson" },
      body: errorLines("2.4.0", now - 60_000, 2),
    }).then((r) => r.body?.cancel());
    await until(
      "Jira reopened",
      () => jiraIssue.fields.status.name === "Reopened" ? true : undefined,
    );
    await until(
      "the regression comment",
      () => jiraIssue.comments.find((c) => c.body.includes("regression")),
    );
    await until("the regression note", () => zendesk.notesWith(remote.id, "regression")[0]);
    // Jira tells Loupe of the reopening Loupe made: nothing to do, nothing sent back.
    const transitionsBefore = jira.chaos.requests;
    const reopenedHook = JSON.stringify({
      ...JSON.parse(payload),
      issue: { key: jiraIssue.key, fields: jiraIssue.fields },
    });
    const echoed = await send(`${server.url}/v1/integrations/jira/webhook`, {
      method: "POST",
      headers: { "x-hub-signature": await jiraSignature(JIRA_SECRET, reopenedHook) },
      body: reopenedHook,
    });
    assert.deepEqual(echoed.body, { issue_id: issue.id, applied: "none" });
    await new Promise((resolve) => setTimeout(resolve, 300));
    assert.equal(jira.chaos.requests, transitionsBefore, "no call back to Jira");

    const timeline = await send(`${server.url}/v1/issues/${issue.id}/timeline`);
    const steps = timeline.body.steps.map((s: { step: string }) => s.step);
    for (
      const step of [
        "detected",
        "first_ticket",
        "ticket_linked",
        "jira_issue_created",
        "fixed",
        "regression",
      ]
    ) {
      assert.ok(steps.includes(step), `${step} in ${steps}`);
    }
    const linked = timeline.body.steps.find((s: { step: string }) => s.step === "ticket_linked");
    assert.equal(linked.source, "zendesk");

    const told = [...chat.received.values()].map((m) => String(m.body));
    for (
      const what of [
        /linked to Loupe issue/,
        /Jira LOUPE-1 filed/,
        /fixed in 2\.4\.0/,
        /regression/,
      ]
    ) {
      await until(
        `the chat hook hears ${what}`,
        () => [...chat.received.values()].some((m) => what.test(String(m.body))) ? true : undefined,
      );
    }
    assert.ok(told.length >= 1);

    const failed = await send(`${server.url}/v1/integrations/deliveries?status=failed`);
    assert.equal(failed.body.total, 0);
    const all = JSON.stringify(await send(`${server.url}/v1/integrations/deliveries`));
    assert.doesNotMatch(all, /zendesk-token|jira-token/);
  } finally {
    await server.stop();
    await zendesk.close();
    await jira.close();
    await chat.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});

Deno.test("zendesk webhook: a bad signature and a replayed timestamp are refused", async () => {
  const zendesk = new FakeZendesk({ exportLagMs: 0 });
  const dataDir = await Deno.makeTempDir({ prefix: "loupe-sync-e2e-" });
  const server = await startServer(dataDir, {
    LOUPE_ZENDESK_URL: zendesk.url,
    LOUPE_ZENDESK_EMAIL: "agent@example.test",
    LOUPE_ZENDESK_API_TOKEN: "zendesk-token",
    LOUPE_ZENDESK_WEBHOOK_SECRET: ZENDESK_SECRET,
  });
  try {
    const jo = zendesk.addUser("jo@nowhere.example");
    const remote = zendesk.createTicket({ subject: "Help", body: "It broke", requesterId: jo });
    const hook = `${server.url}/v1/integrations/zendesk/webhook`;
    const [forged] = await zendesk.notify(hook, remote.id, ZENDESK_SECRET, { signWith: "wrong" });
    assert.equal(forged!.status, 401);
    assert.equal((await forged!.json()).error.code, "unauthorized");
    const old = new Date(Date.now() - 6 * 60_000).toISOString();
    const [replayed] = await zendesk.notify(hook, remote.id, ZENDESK_SECRET, { timestamp: old });
    assert.equal(replayed!.status, 401);
    assert.match((await replayed!.json()).error.message, /replay/);
    const [good] = await zendesk.notify(hook, remote.id, ZENDESK_SECRET);
    const body = await good!.json();
    assert.equal(good!.status, 200);
    const ticket = await send(`${server.url}/v1/tickets/${body.ticket_id}`);
    assert.equal(ticket.body.customer, "unknown");
    assert.equal(ticket.body.sync.customer_unknown, true);
    assert.equal(ticket.body.sync.customer_clue, "nowhere.example");
  } finally {
    await server.stop();
    await zendesk.close();
    await Deno.remove(dataDir, { recursive: true });
  }
});
