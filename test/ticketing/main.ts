/**
 * `deno task fake-ticketing [--port N]`: a fake Zendesk, Jira and webhook
 * receiver on 127.0.0.1 (ports N, N+1, N+2; default 18801), to try the
 * integration without accounts. Prints the environment to start Loupe with.
 */
import { parseArgs } from "node:util";
import { FakeZendesk } from "./fake_zendesk.ts";
import { FakeJira } from "./fake_jira.ts";
import { FakeWebhookReceiver } from "./fake_webhook.ts";

if (import.meta.main) {
  const { values } = parseArgs({
    args: Deno.args,
    options: { port: { type: "string", default: "18801" } },
  });
  const port = Number(values.port);
  if (!Number.isInteger(port) || port < 1 || port > 65533) {
    console.error("Usage: deno task fake-ticketing [--port N]");
    Deno.exit(2);
  }
  const zendesk = new FakeZendesk({ port });
  const jira = new FakeJira({ port: port + 1 });
  const receiver = new FakeWebhookReceiver("fake-webhook-secret", port + 2);
  const org = zendesk.addOrganization("Acme Corp", ["acme.example"]);
  const jo = zendesk.addUser("jo@acme.example", org);
  const ticket = zendesk.createTicket({
    subject: "Checkout payment failed",
    body: "Our customers cannot pay since this morning",
    requesterId: jo,
    tags: ["env_prod"],
    at: Date.now() - 2 * 60 * 60_000,
  });
  console.log(
    `Fake Zendesk on ${zendesk.url} (ticket ${ticket.id}), Jira on ${jira.url}, webhook receiver on ${receiver.url}

Start Loupe with:
  LOUPE_ZENDESK_URL=${zendesk.url} LOUPE_ZENDESK_EMAIL=agent@example.test \\
  LOUPE_ZENDESK_API_TOKEN=zendesk-token LOUPE_ZENDESK_WEBHOOK_SECRET=fake-zendesk-secret \\
  LOUPE_JIRA_URL=${jira.url} LOUPE_JIRA_EMAIL=engineer@example.test LOUPE_JIRA_API_TOKEN=jira-token \\
  LOUPE_JIRA_PROJECT=LOUPE LOUPE_JIRA_WEBHOOK_SECRET=fake-jira-secret \\
  LOUPE_WEBHOOK_URL=${receiver.url} LOUPE_WEBHOOK_SECRET=fake-webhook-secret deno task serve

The catch-up imports ticket ${ticket.id} within a minute of its last change (Zendesk's export lag).
Ctrl-C stops.`,
  );
  const stop = async () => {
    await Promise.all([zendesk.close(), jira.close(), receiver.close()]);
    Deno.exit(0);
  };
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
}
