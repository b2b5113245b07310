/**
 * Customer impact over HTTP: who a signature hits and how badly, and one
 * customer's issues (JSON, or CSV for a spreadsheet before the call).
 */
import { Hono } from "hono";
import { z } from "zod";
import type { ImpactApi } from "../../ports/impact.ts";
import { customerReply } from "./customer_routes.ts";
import { severityParam, timeParam } from "../params.ts";
import type { RouteDoc } from "./openapi.ts";
import { limitParam } from "./request.ts";
import { customerImpactCsv, customerImpactJson, signatureImpactJson } from "../reports/impact.ts";

const customerImpactQuery = z.object({
  min_severity: severityParam.default(13),
  limit: limitParam(10_000, 500),
  format: z.enum(["json", "csv"]).optional(),
  as_of: timeParam.optional(),
}).strict();

const signatureImpactQuery = z.object({ as_of: timeParam.optional() }).strict();

export function impactRoutes(api: ImpactApi): Hono {
  const http = new Hono();

  http.get(
    "/v1/signatures/:id/impact",
    (c) => {
      const query = signatureImpactQuery.parse(c.req.query());
      return c.json(signatureImpactJson(api.signatureImpact(c.req.param("id"), query.as_of)));
    },
  );

  http.get("/v1/customers/:id/impact", (c) => {
    const query = customerImpactQuery.parse(c.req.query());
    const report = api.customerImpact(c.req.param("id"), {
      minSeverity: query.min_severity,
      limit: query.limit,
      ...(query.as_of === undefined ? {} : { asOf: query.as_of }),
    });
    const wantsCsv = query.format === "csv" ||
      (query.format === undefined && (c.req.header("accept") ?? "").includes("text/csv"));
    if (!wantsCsv) return c.json(customerImpactJson(report));
    c.header("content-type", "text/csv; charset=utf-8");
    c.header(
      "content-disposition",
      `attachment; filename="${report.customer.customerId}-impact.csv"`,
    );
    return c.body(customerImpactCsv(report));
  });

  return http;
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
const ticketRefReply = z.object({
  id: z.string(),
  subject: z.string(),
  status: z.string(),
  severity: z.string(),
  opened_at: isoOrNull,
  external_ref: z.object({ system: z.string(), id: z.string() }).nullable(),
}).meta({ id: "TicketRef" });
const signatureImpactReply = z.object({
  signature: z.object({
    id: z.string(),
    template: z.string(),
    severity: z.string(),
    count: z.number().int(),
    first_seen: isoOrNull,
    last_seen: isoOrNull,
  }),
  as_of: isoOrNull,
  customers_affected: z.number().int(),
  unattributed_records: z.number().int(),
  impact: z.object({
    score: z.number(),
    reasons: z.array(z.string()),
    factors: z.object({
      customers: z.number(),
      breadth: z.number(),
      weight: z.number(),
      tiers: z.record(z.string(), z.number()),
      severity: z.number(),
      duration_days: z.number(),
      weighted_days: z.number(),
    }),
  }),
  propagation: z.object({
    first_seen: isoOrNull,
    spreading: z.boolean(),
    reason: z.string(),
    new_customers_by_day: z.array(z.number().int()),
    order: z.array(z.object({
      customer: z.string(),
      first_seen: isoOrNull,
      environment: z.string().nullable(),
      version: z.string().nullable(),
    })),
    environments: z.array(z.object({
      environment: z.string(),
      customers: z.number().int(),
      first_seen: isoOrNull,
    })),
    versions: z.array(z.object({
      version: z.string(),
      customers: z.number().int(),
      count: z.number().int(),
      first_seen: isoOrNull,
    })),
  }),
  affected: z.array(z.object({
    customer: z.string(),
    name: z.string().nullable(),
    tier: z.string().nullable(),
    weight: z.number(),
    count: z.number().int(),
    first_seen: isoOrNull,
    last_seen: isoOrNull,
    environments: z.array(z.object({ environment: z.string(), first_seen: isoOrNull })),
    versions: z.array(z.object({
      version: z.string().nullable(),
      count: z.number().int(),
      first_seen: isoOrNull,
    })),
  })),
}).meta({ id: "SignatureImpact" });
const customerImpactReply = z.object({
  customer: customerReply.extend({ weight_used: z.number() }),
  as_of: isoOrNull,
  environments: z.array(z.object({
    environment: z.string(),
    version: z.string().nullable(),
    last_seen: isoOrNull,
  })),
  open_tickets: z.array(ticketRefReply),
  issues: z.array(z.object({
    issue_id: z.string(),
    signature_id: z.string(),
    signature_ids: z.array(z.string()),
    template: z.string(),
    severity: z.string(),
    count: z.number().int(),
    last_24h: z.number().int(),
    last_7d: z.number().int(),
    first_seen: isoOrNull,
    last_seen: isoOrNull,
    environments: z.array(z.string()),
    versions: z.array(z.string()),
    trend: z.object({
      class: z.string(),
      reason: z.string(),
      ratio: z.number().nullable(),
      p_value: z.number().nullable(),
    }),
    other_customers: z.number().int(),
    impact: z.number(),
    tickets: z.array(ticketRefReply),
  })),
}).meta({ id: "CustomerImpact" });

/** What `/openapi.json` says about the routes above. */
export const impactRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/signatures/:id/impact",
    summary: "Affected customers, the impact score with its factors, and propagation",
    tag: "impact",
    responses: { 200: { description: "The signature's impact", schema: signatureImpactReply } },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/customers/:id/impact",
    summary:
      "Every issue hitting one customer (one row per issue, its signatures' lines summed); `?format=csv` or `Accept: text/csv` for a spreadsheet",
    tag: "impact",
    query: customerImpactQuery,
    responses: {
      200: {
        description: "The customer's impact report (JSON or CSV)",
        schema: customerImpactReply,
      },
    },
    errors: [400, 401, 403, 404],
  },
];
