/**
 * Customer impact over HTTP: who a signature hits and how badly, and one
 * customer's issues (JSON, or CSV for a spreadsheet before the call).
 */
import { Hono } from "hono";
import { stringify } from "csv-stringify/sync";
import { z } from "zod";
import { severityTextOf } from "../../domain/severity.ts";
import type {
  AffectedCustomer,
  CustomerImpactReport,
  CustomerIssue,
  ImpactApi,
  SignatureImpact,
} from "../../ports/impact.ts";
import type { TicketSummary } from "../../ports/tickets.ts";
import { customerJsonOf, customerReply } from "./customer_routes.ts";
import { severityParam, timeParam } from "../params.ts";
import { isoTimeOrNull as iso } from "./iso_time.ts";
import type { RouteDoc } from "./openapi.ts";
import { limitParam } from "./request.ts";

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

function affectedJson(a: AffectedCustomer) {
  return {
    customer: a.customer,
    name: a.name,
    tier: a.tier,
    weight: a.weight,
    count: a.count,
    first_seen: iso(a.firstSeen),
    last_seen: iso(a.lastSeen),
    environments: a.environments.map((e) => ({
      environment: e.environment,
      first_seen: iso(e.firstSeen),
    })),
    versions: a.versions.map((v) => ({
      version: v.version === "" ? null : v.version,
      count: v.count,
      first_seen: iso(v.firstSeen),
    })),
  };
}

export function signatureImpactJson(view: SignatureImpact) {
  const { signature, impact, propagation } = view;
  return {
    signature: {
      id: signature.signatureId,
      template: signature.template,
      severity: severityTextOf(signature.severityNumber),
      count: signature.count,
      first_seen: iso(signature.firstSeen),
      last_seen: iso(signature.lastSeen),
    },
    as_of: iso(view.asOf),
    customers_affected: view.affected.length,
    unattributed_records: view.unattributed,
    impact: {
      score: impact.score,
      reasons: impact.reasons,
      factors: {
        customers: impact.factors.customers,
        breadth: impact.factors.breadth,
        weight: impact.factors.weight,
        tiers: impact.factors.tiers,
        severity: impact.factors.severity,
        duration_days: impact.factors.durationDays,
        weighted_days: impact.factors.weightedDays,
      },
    },
    propagation: {
      first_seen: iso(propagation.firstSeen),
      spreading: propagation.spreading,
      reason: propagation.reason,
      new_customers_by_day: propagation.newCustomersByDay,
      order: propagation.order.map((o) => ({
        customer: o.customer,
        first_seen: iso(o.firstSeen),
        environment: o.environment,
        version: o.version,
      })),
      environments: propagation.environments.map((e) => ({
        environment: e.environment,
        customers: e.customers,
        first_seen: iso(e.firstSeen),
      })),
      versions: propagation.versions.map((v) => ({
        version: v.version,
        customers: v.customers,
        count: v.count,
        first_seen: iso(v.firstSeen),
      })),
    },
    affected: view.affected.map(affectedJson),
  };
}

function ticketRefJson(t: TicketSummary) {
  return {
    id: t.ticketId,
    subject: t.subject,
    status: t.status,
    severity: t.severity,
    opened_at: iso(t.openedAt),
    external_ref: t.externalRef,
  };
}

function issueJson(issue: CustomerIssue) {
  return {
    issue_id: issue.issueId,
    signature_id: issue.signatureId,
    signature_ids: issue.signatureIds,
    template: issue.template,
    severity: severityTextOf(issue.severityNumber),
    count: issue.count,
    last_24h: issue.last24h,
    last_7d: issue.last7d,
    first_seen: iso(issue.firstSeen),
    last_seen: iso(issue.lastSeen),
    environments: issue.environments,
    versions: issue.versions,
    trend: {
      class: issue.trend.class,
      reason: issue.trend.reason,
      ratio: Number.isFinite(issue.trend.ratio) ? issue.trend.ratio : null,
      p_value: Number.isFinite(issue.trend.pValue) ? issue.trend.pValue : null,
    },
    other_customers: issue.otherCustomers,
    impact: issue.impact,
    tickets: issue.tickets.map(ticketRefJson),
  };
}

export function customerImpactJson(report: CustomerImpactReport) {
  return {
    customer: { ...customerJsonOf(report.customer), weight_used: report.customer.weightUsed },
    as_of: iso(report.asOf),
    environments: report.environments.map((e) => ({
      environment: e.environment,
      version: e.version,
      last_seen: iso(e.lastSeen),
    })),
    open_tickets: report.openTickets.map(ticketRefJson),
    issues: report.issues.map(issueJson),
  };
}

export function customerImpactCsv(report: CustomerImpactReport): string {
  return stringify(
    report.issues.map((issue) => [
      issue.issueId,
      report.customer.customerId,
      issue.signatureId,
      severityTextOf(issue.severityNumber),
      issue.template.split("\n")[0],
      issue.count,
      issue.last24h,
      issue.last7d,
      iso(issue.firstSeen),
      iso(issue.lastSeen),
      issue.trend.class,
      issue.trend.reason,
      issue.environments.join(";"),
      issue.versions.join(";"),
      issue.otherCustomers,
      issue.impact,
      issue.tickets.map((t) => t.ticketId).join(";"),
      issue.signatureIds.join(";"),
    ]),
    {
      header: true,
      columns: [
        "issue_id",
        "customer",
        "signature_id",
        "severity",
        "template",
        "count",
        "last_24h",
        "last_7d",
        "first_seen",
        "last_seen",
        "trend",
        "trend_reason",
        "environments",
        "versions",
        "other_customers",
        "impact",
        "tickets",
        "signature_ids",
      ],
    },
  );
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
