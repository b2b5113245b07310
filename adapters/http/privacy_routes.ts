/**
 * Erasure and retention over HTTP: forget a customer (crypto-shredding, see
 * `src/privacy/erasure.ts`), and read or set how long their data is kept.
 * Admin routes: what may call them is decided by the access layer, which
 * reads `admin` in their RouteDoc.
 */
import { Hono } from "hono";
import { z } from "zod";
import { LoupeError } from "../../ports/errors.ts";
import type {
  ForgetReceipt,
  PrivacyApi,
  RetentionReceipt,
  RetentionView,
} from "../../ports/privacy.ts";
import { MAX_RETENTION_DAYS } from "../../domain/privacy/retention.ts";
import { parseJsonText } from "../json_text.ts";
import type { RouteDoc } from "./openapi.ts";
import { actorOf, readTextBody } from "./request.ts";

const retentionBody = z.object({
  days: z.number().int().min(1).max(MAX_RETENTION_DAYS).nullable()
    .describe("days of data kept; null goes back to the deployment default (LOUPE_RETENTION_DAYS)"),
}).strict();

/** Largest retention body read: a number in an object. */
const MAX_RETENTION_BODY = 1_024;

export function privacyRoutes(api: PrivacyApi): Hono {
  const http = new Hono();

  http.delete("/v1/customers/:id/data", async (c) => {
    const receipt = await api.forget(c.req.param("id"), actorOf(c) ?? null);
    return c.json(forgetJson(receipt));
  });

  http.get("/v1/customers/:id/retention", async (c) => {
    return c.json(retentionJson(await api.retention(c.req.param("id"))));
  });

  http.put("/v1/customers/:id/retention", async (c) => {
    const text = await readTextBody(c.req.raw, MAX_RETENTION_BODY);
    const parsed = retentionBody.safeParse(parseJsonText(text));
    if (!parsed.success) {
      throw new LoupeError(
        "validation_failed",
        `Cannot set retention: ${parsed.error.issues[0]?.message ?? "invalid body"}`,
        {
          issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })),
        },
      );
    }
    const view = await api.setRetention(c.req.param("id"), parsed.data.days, actorOf(c) ?? null);
    return c.json(retentionJson(view));
  });

  http.post("/v1/retention/run", async (c) => {
    return c.json(retentionRunJson(await api.applyRetention()));
  });

  return http;
}

function forgetJson(receipt: ForgetReceipt) {
  return {
    customer: receipt.customerId,
    keys_deleted: receipt.keysDeleted,
    forgotten_at: new Date(receipt.at).toISOString(),
    projection_position: receipt.projectionPosition,
  };
}

function retentionJson(view: RetentionView) {
  return { customer: view.customerId, days: view.days, source: view.source };
}

function retentionRunJson(receipt: RetentionReceipt) {
  return {
    at: new Date(receipt.at).toISOString(),
    rebuilt: receipt.rebuilt,
    dropped: receipt.dropped.map((d) => ({
      customer: d.customerId,
      before: d.before,
      keys_deleted: d.keysDeleted,
    })),
  };
}

const forgetSchema = z.object({
  customer: z.string(),
  keys_deleted: z.number().int().describe("0 when nothing of the customer was left"),
  forgotten_at: z.string(),
  projection_position: z.number().int(),
});
const retentionSchema = z.object({
  customer: z.string(),
  days: z.number().int().nullable(),
  source: z.enum(["customer", "default"]),
});

export const privacyRouteDocs: readonly RouteDoc[] = [
  {
    method: "delete",
    path: "/v1/customers/:id/data",
    summary:
      "Forget a customer: every record, ticket and derived fact of theirs becomes unreadable",
    description:
      "Admin only. Crypto-shredding: the customer's keys are deleted, then every view is rebuilt without their data (ingest waits meanwhile). Recorded as a CustomerForgotten event with the id and X-Actor only. Forgetting again answers keys_deleted 0.",
    tag: "privacy",
    admin: true,
    responses: { 200: { description: "Forgotten", schema: forgetSchema } },
    errors: [400, 401, 403, 503],
  },
  {
    method: "get",
    path: "/v1/customers/:id/retention",
    summary: "How long the customer's data is kept",
    description: "Admin only.",
    tag: "privacy",
    admin: true,
    responses: { 200: { description: "The retention in force", schema: retentionSchema } },
    errors: [400, 401, 403],
  },
  {
    method: "put",
    path: "/v1/customers/:id/retention",
    summary: "Set how long the customer's data is kept (days, or null for the default)",
    description: "Admin only. Applied by the next retention run (hourly in serve).",
    tag: "privacy",
    admin: true,
    body: { "application/json": retentionBody },
    responses: { 200: { description: "The retention in force", schema: retentionSchema } },
    errors: [400, 401, 403, 413],
  },
  {
    method: "post",
    path: "/v1/retention/run",
    summary: "Drop every customer's data older than their retention now",
    description: "Admin only. serve runs this on its own every hour.",
    tag: "privacy",
    admin: true,
    responses: {
      200: { description: "What was dropped", schema: z.object({}).loose() },
    },
    errors: [401, 403, 503],
  },
];
