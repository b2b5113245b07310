/**
 * The integration endpoints: signed webhooks in from Zendesk and Jira, the
 * outbox's deliveries, Jira issues made from Loupe issues, one timeline per
 * issue, and a `sync` section added to `GET /v1/tickets/:id`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { timingSafeEqual } from "node:crypto";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type {
  DeliveryView,
  IntegrationApi,
  TicketSyncView,
  TimelineStep,
} from "../../ports/integrations.ts";
import { RemoteError } from "../../ports/ticketing.ts";
import { hmacKey } from "../hmac.ts";
import { parseJsonText } from "../json_text.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import type { RouteDoc } from "./openapi.ts";
import { decodeUtf8, readBodyLimited } from "./request.ts";

/** A webhook signed further from now than this is a replay. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

export interface IntegrationRouteConfig {
  readonly clock: Clock;
  readonly maxBodyBytes: number;
  readonly zendeskWebhookSecret?: string;
  readonly jiraWebhookSecret?: string;
}

const deliveryQuery = z.object({
  status: z.enum(["pending", "failed", "delivered"]).optional(),
}).strict();

const jiraPayload = z.object({
  webhookEvent: z.string(),
  timestamp: z.number().optional(),
  issue: z.object({
    key: z.string(),
    fields: z.object({
      status: z.object({
        name: z.string(),
        statusCategory: z.object({ key: z.string() }),
      }),
      fixVersions: z.array(z.object({ name: z.string() })).nullable().default([]),
    }).passthrough(),
  }).passthrough(),
  changelog: z.object({
    items: z.array(z.object({ field: z.string() }).passthrough()),
  }).optional(),
}).passthrough();

export function integrationRoutes(api: IntegrationApi, config: IntegrationRouteConfig): Hono {
  const http = new Hono();

  // Before the ticket routes: their answer gains a `sync` section.
  http.use("/v1/tickets/:id", async (c, next) => {
    await next();
    if (c.req.method !== "GET" || c.res.status !== 200) return;
    const sync = await api.ticketSync(c.req.param("id")).catch(() => null);
    const body = await c.res.json() as Record<string, unknown>;
    const headers = new Headers(c.res.headers);
    c.res = undefined;
    c.res = new Response(JSON.stringify({ ...body, sync: sync === null ? null : syncJson(sync) }), {
      status: 200,
      headers,
    });
  });

  http.get("/v1/integrations", (c) => c.json(api.configured()));

  http.post("/v1/integrations/zendesk/webhook", async (c) => {
    const secret = config.zendeskWebhookSecret;
    if (secret === undefined) {
      throw new LoupeError(
        "unavailable",
        "Cannot take Zendesk webhooks: LOUPE_ZENDESK_WEBHOOK_SECRET is not set",
      );
    }
    const body = await readBodyLimited(c.req.raw, config.maxBodyBytes);
    const signature = c.req.header("x-zendesk-webhook-signature");
    const timestamp = c.req.header("x-zendesk-webhook-signature-timestamp");
    if (signature === undefined || timestamp === undefined) {
      throw new LoupeError(
        "unauthorized",
        "Missing X-Zendesk-Webhook-Signature or X-Zendesk-Webhook-Signature-Timestamp",
      );
    }
    const signedAt = timeOf(timestamp);
    if (signedAt === null) {
      throw new LoupeError("unauthorized", `Cannot read the webhook timestamp: ${timestamp}`);
    }
    // Checked after the signature: an unsigned request learns nothing about the window.
    const message = concat(new TextEncoder().encode(timestamp), body);
    if (!await hmacVerifies(secret, message, base64Bytes(signature))) {
      throw new LoupeError("unauthorized", "The Zendesk webhook signature does not match");
    }
    if (Math.abs(config.clock.now() - signedAt) > REPLAY_WINDOW_MS) {
      throw new LoupeError(
        "unauthorized",
        "The Zendesk webhook timestamp is more than 5 minutes off: refused as a replay",
        { timestamp },
      );
    }
    const ticketId = zendeskTicketIdOf(body);
    try {
      const outcome = await api.zendeskTicketChanged(ticketId);
      return c.json({ ticket_id: outcome.ticketId, changes: outcome.changes });
    } catch (error) {
      throw remoteAsLoupe(error, "Zendesk");
    }
  });

  http.post("/v1/integrations/jira/webhook", async (c) => {
    const secret = config.jiraWebhookSecret;
    if (secret === undefined) {
      throw new LoupeError(
        "unavailable",
        "Cannot take Jira webhooks: LOUPE_JIRA_WEBHOOK_SECRET is not set",
      );
    }
    const body = await readBodyLimited(c.req.raw, config.maxBodyBytes);
    const hub = c.req.header("x-hub-signature");
    const shared = c.req.header("x-loupe-webhook-secret") ?? c.req.query("secret");
    const verified = hub !== undefined
      ? await hmacVerifies(secret, new Uint8Array(body), hexBytes(hub.replace(/^sha256=/, "")))
      : shared !== undefined && sameSecret(shared, secret);
    if (!verified) {
      throw new LoupeError(
        "unauthorized",
        "The Jira webhook is not signed (X-Hub-Signature) or carries the wrong shared secret",
      );
    }
    const payload = jiraPayload.parse(parseJson(body));
    const statusChanged = payload.changelog?.items.some((i) => i.field === "status") ?? false;
    if (payload.webhookEvent !== "jira:issue_updated" || !statusChanged) {
      return c.json({ issue_id: null, applied: "ignored" });
    }
    const category = payload.issue.fields.status.statusCategory.key;
    const outcome = await api.jiraIssueChanged({
      key: payload.issue.key,
      toStatus: payload.issue.fields.status.name,
      toCategory: category === "done" || category === "new" ? category : "indeterminate",
      fixVersions: (payload.issue.fields.fixVersions ?? []).map((v) => v.name),
      at: payload.timestamp ?? config.clock.now(),
    });
    return c.json({ issue_id: outcome.issueId, applied: outcome.applied });
  });

  http.get("/v1/integrations/deliveries", (c) => {
    const query = deliveryQuery.parse(c.req.query());
    const items = api.deliveries(query.status);
    return c.json({ total: items.length, items: items.map(deliveryJson) });
  });

  http.post("/v1/integrations/deliveries/:id/retry", async (c) => {
    const delivery = await api.retryDelivery(c.req.param("id"), c.req.header("x-user") ?? null);
    return c.json(deliveryJson(delivery), 202);
  });

  http.post("/v1/issues/:id/jira", async (c) => {
    const delivery = await api.createJiraIssue(c.req.param("id"), c.req.header("x-user") ?? null);
    return c.json(deliveryJson(delivery), 202);
  });

  http.get("/v1/issues/:id/timeline", async (c) => {
    const steps = await api.timeline(c.req.param("id"));
    return c.json({ issue_id: c.req.param("id"), steps: steps.map(stepJson) });
  });

  return http;
}

/** Only the ticket id is taken from a webhook: the rest is read from the API. */
function zendeskTicketIdOf(body: Uint8Array): string {
  const json = parseJson(body) as Record<string, unknown> | null;
  const subject = typeof json?.subject === "string"
    ? /^zen:ticket:(\d+)$/.exec(json.subject)
    : null;
  const detail = json?.detail as Record<string, unknown> | undefined;
  const ticket = json?.ticket as Record<string, unknown> | undefined;
  const candidates = [subject?.[1], detail?.id, json?.ticket_id, ticket?.id];
  for (const candidate of candidates) {
    if (
      (typeof candidate === "string" && /^\d+$/.test(candidate)) ||
      (typeof candidate === "number" && Number.isSafeInteger(candidate) && candidate > 0)
    ) return String(candidate);
  }
  throw new LoupeError(
    "validation_failed",
    "Cannot find a ticket id in the webhook: send subject zen:ticket:<id>, detail.id, ticket_id or ticket.id",
  );
}

function parseJson(body: Uint8Array): unknown {
  return parseJsonText(decodeUtf8(body));
}

function remoteAsLoupe(error: unknown, system: string): unknown {
  if (!(error instanceof RemoteError)) return error;
  if (error.status === 404) {
    return new LoupeError("not_found", `Cannot find the ticket in ${system}: ${error.message}`);
  }
  return new LoupeError("unavailable", `Cannot read from ${system} now: ${error.message}`, {
    retryable: error.retryable,
  });
}

/** ISO 8601 (what Zendesk sends) or epoch seconds. */
function timeOf(value: string): number | null {
  if (/^\d+$/.test(value)) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : at;
}

async function hmacVerifies(
  secret: string,
  message: Uint8Array<ArrayBuffer>,
  mac: Uint8Array<ArrayBuffer> | null,
) {
  if (mac === null) return false;
  return await crypto.subtle.verify("HMAC", await hmacKey(secret, "verify"), mac, message);
}

function sameSecret(given: string, secret: string): boolean {
  const a = new TextEncoder().encode(given);
  const b = new TextEncoder().encode(secret);
  return a.length === b.length && timingSafeEqual(a, b);
}

function base64Bytes(value: string): Uint8Array<ArrayBuffer> | null {
  try {
    return Uint8Array.from(atob(value.trim()), (ch) => ch.charCodeAt(0));
  } catch {
    return null;
  }
}

function hexBytes(value: string): Uint8Array<ArrayBuffer> | null {
  if (!/^([0-9a-f]{2})+$/i.test(value)) return null;
  return Uint8Array.from(value.match(/../g)!.map((h) => parseInt(h, 16)));
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(a.length + b.length);
  out.set(a);
  out.set(b, a.length);
  return out;
}

function deliveryJson(d: DeliveryView) {
  return {
    id: d.deliveryId,
    system: d.system,
    kind: d.kind,
    target: d.target,
    origin: d.origin,
    status: d.status,
    attempts: d.attempts,
    throttled: d.throttled,
    queued_at: iso(d.queuedAt),
    next_attempt_at: iso(d.nextAttemptAt),
    delivered_at: iso(d.deliveredAt),
    last_error: d.lastError,
    remote_id: d.remoteId,
  };
}

function stepJson(step: TimelineStep) {
  return { step: step.step, at: iso(step.at), source: step.source, detail: step.detail };
}

function syncJson(sync: TicketSyncView) {
  return {
    system: sync.system,
    remote_id: sync.remoteId,
    remote_status: sync.remoteStatus,
    remote_updated_at: iso(sync.remoteUpdatedAt),
    customer_matched_by: sync.customerMatchedBy,
    customer_unknown: sync.customerUnknown,
    customer_clue: sync.customerClue,
    environment: sync.environment,
    deliveries: sync.deliveries.map(deliveryJson),
  };
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
const deliveryReply = z.object({
  id: z.string(),
  system: z.string().describe("the remote it goes to: zendesk, jira, webhook"),
  kind: z.enum(["note", "create_issue", "transition"]),
  target: z.string().nullable().describe("the remote ticket or issue; null for a creation"),
  origin: z.enum(["loupe", "zendesk", "jira", "webhook"]),
  status: z.enum(["pending", "failed", "delivered"]),
  attempts: z.number().int(),
  throttled: z.number().int().describe("times the remote said to slow down (429)"),
  queued_at: isoOrNull,
  next_attempt_at: isoOrNull,
  delivered_at: isoOrNull,
  last_error: z.string().nullable(),
  remote_id: z.string().nullable().describe("what the remote calls the thing made (a Jira key)"),
}).meta({ id: "Delivery" });

/** What `/openapi.json` says about the routes above. */
export const integrationRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/integrations",
    summary: "Which ticketing systems are configured (never their credentials)",
    tag: "integrations",
    responses: {
      200: {
        description: "One flag per system",
        schema: z.object({ zendesk: z.boolean(), jira: z.boolean(), webhook: z.boolean() }),
      },
    },
    errors: [401, 403],
  },
  {
    method: "post",
    path: "/v1/integrations/zendesk/webhook",
    summary: "A Zendesk webhook: the ticket it names is read from Zendesk and applied",
    description: "Signed with X-Zendesk-Webhook-Signature and " +
      "X-Zendesk-Webhook-Signature-Timestamp (HMAC-SHA256 of timestamp + body, base64), not " +
      "with the API key; a timestamp more than 5 minutes off is refused as a replay. Only the " +
      "ticket id is taken from the body (subject `zen:ticket:<id>`, detail.id, ticket_id or " +
      "ticket.id); the rest is read from the Zendesk API. 503 when " +
      "LOUPE_ZENDESK_WEBHOOK_SECRET or LOUPE_ZENDESK_URL is not set, or Zendesk cannot be read.",
    tag: "integrations",
    body: {
      "application/json":
        "a Zendesk webhook event: subject `zen:ticket:<id>`, detail.id, ticket_id or ticket.id",
    },
    responses: {
      200: {
        description: "The Loupe ticket it updated and how many changes were applied",
        schema: z.object({ ticket_id: z.string(), changes: z.number().int() }),
      },
    },
    errors: [400, 401, 404, 413, 503],
  },
  {
    method: "post",
    path: "/v1/integrations/jira/webhook",
    summary: "A Jira webhook: a status change of a Jira issue made from a Loupe issue",
    description: "Signed with X-Hub-Signature (`sha256=` + hex HMAC-SHA256 of the body), or " +
      "carrying the shared secret in X-Loupe-Webhook-Secret or `?secret=`, not the API key. " +
      "Events other than a `jira:issue_updated` that changes the status are answered with " +
      "`applied: ignored`. 503 when LOUPE_JIRA_WEBHOOK_SECRET is not set.",
    tag: "integrations",
    body: { "application/json": jiraPayload },
    responses: {
      200: {
        description: "What was done with the Loupe issue the Jira issue was made from",
        schema: z.object({
          issue_id: z.string().nullable().describe("null when no Loupe issue has that Jira key"),
          applied: z.enum(["fixed", "reopened", "none", "unknown_issue", "ignored"]),
        }),
      },
    },
    errors: [400, 401, 413, 503],
  },
  {
    method: "get",
    path: "/v1/integrations/deliveries",
    summary: "The outbox: changes sent, or waiting to be sent, to the ticketing systems",
    tag: "integrations",
    query: deliveryQuery,
    responses: {
      200: {
        description: "Every delivery with that status",
        schema: z.object({ total: z.number().int(), items: z.array(deliveryReply) }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/integrations/deliveries/:id/retry",
    summary: "Try a failed delivery again (header X-User names who asked)",
    tag: "integrations",
    responses: { 202: { description: "Queued again", schema: deliveryReply } },
    errors: [401, 403, 404, 409],
  },
  {
    method: "post",
    path: "/v1/issues/:id/jira",
    summary: "Create a Jira issue for a Loupe issue, through the outbox (header X-User)",
    description: "Asking twice gives the same delivery. 503 when LOUPE_JIRA_URL is not set.",
    tag: "integrations",
    responses: { 202: { description: "The delivery that creates it", schema: deliveryReply } },
    errors: [401, 403, 404, 503],
  },
  {
    method: "get",
    path: "/v1/issues/:id/timeline",
    summary: "An issue's story across systems: detection, tickets, Jira, fix, verification",
    tag: "integrations",
    responses: {
      200: {
        description: "Its steps in order",
        schema: z.object({
          issue_id: z.string(),
          steps: z.array(z.object({
            step: z.string().describe(
              "detected, first_ticket, ticket_linked, jira_issue_created, fixed, " +
                "impact_reported, verified, jira_status",
            ),
            at: isoOrNull,
            source: z.string().describe("where the fact came from: loupe, zendesk, jira, logs"),
            detail: z.record(z.string(), z.unknown()),
          })),
        }),
      },
    },
    errors: [401, 403, 404],
  },
];
