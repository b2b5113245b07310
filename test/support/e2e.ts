/**
 * What the end-to-end tests against a running server share: a JSON call, a
 * wait for what the server does in the background, a day of fleet logs, and
 * the environment that points a server at the fake ticketing peers.
 */
import { FakeJira } from "../ticketing/fake_jira.ts";
import { FakeWebhookReceiver } from "../ticketing/fake_webhook.ts";
import { FakeZendesk } from "../ticketing/fake_zendesk.ts";

/** A call whose `json` (when given) is sent as the body; the answer's status, headers and JSON body. */
export async function send(url: string, init: RequestInit & { json?: unknown } = {}) {
  const { json, ...rest } = init;
  const response = await fetch(url, {
    ...rest,
    ...(json === undefined ? {} : {
      body: JSON.stringify(json),
      headers: { "content-type": "application/json", ...(rest.headers ?? {}) },
    }),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/** The first value `probe` gives that is not undefined, asked every `everyMs` until `timeoutMs` runs out. */
export async function until<T>(
  what: string,
  probe: () => Promise<T | undefined> | T | undefined,
  { timeoutMs = 20_000, everyMs = 100 } = {},
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

const START = Date.parse("2026-03-01T00:00:00Z");
const iso = (millis: number) => new Date(millis).toISOString();

/**
 * One customer's JSON lines for 1 March 2026: logins all day, and with
 * `failing` its payments failing from 10:00 to 11:00.
 */
export function fleetLogs(customer: string, failing: boolean): string {
  const lines: unknown[] = [];
  for (let minute = 0; minute < 14 * 60; minute += 20) {
    lines.push({
      time: iso(START + minute * 60_000),
      level: "info",
      msg: `User u${minute}@${customer}.test logged in from 10.0.0.${minute % 250}`,
    });
  }
  if (failing) {
    for (let minute = 600; minute < 660; minute += 2) {
      lines.push({
        time: iso(START + minute * 60_000),
        level: "error",
        msg: `PaymentGatewayException: upstream timeout after ${3000 + minute} ms`,
      });
    }
  }
  return lines.map((r) => JSON.stringify(r)).join("\n") + "\n";
}

/** A fake Zendesk (its export without lag), Jira and chat hook (checking `chatSecret`), each listening. */
export function fakeTicketingPeers(
  chatSecret: string,
): { zendesk: FakeZendesk; jira: FakeJira; chat: FakeWebhookReceiver } {
  return {
    zendesk: new FakeZendesk({ exportLagMs: 0 }),
    jira: new FakeJira(),
    chat: new FakeWebhookReceiver(chatSecret),
  };
}

/** The environment that has a server deliver to a chat hook, Zendesk and Jira (fakes). */
export function ticketingPeersEnv(
  peers: { chat: FakeWebhookReceiver; zendesk: FakeZendesk; jira: FakeJira },
  secrets: { chat: string; zendeskWebhook: string },
): Record<string, string> {
  return {
    LOUPE_WEBHOOK_URL: peers.chat.url,
    LOUPE_WEBHOOK_SECRET: secrets.chat,
    LOUPE_ZENDESK_URL: peers.zendesk.url,
    LOUPE_ZENDESK_EMAIL: "agent@example.test",
    LOUPE_ZENDESK_API_TOKEN: "zendesk-token",
    LOUPE_ZENDESK_WEBHOOK_SECRET: secrets.zendeskWebhook,
    LOUPE_JIRA_URL: peers.jira.url,
    LOUPE_JIRA_EMAIL: "engineer@example.test",
    LOUPE_JIRA_API_TOKEN: "jira-token",
    LOUPE_JIRA_PROJECT: "LOUPE",
  };
}
