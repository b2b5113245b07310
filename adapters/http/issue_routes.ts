/** Detected issues and engineering priorities over HTTP. */
import { Hono } from "hono";
import { z } from "zod";
import { severityTextOf } from "../../domain/severity.ts";
import type { Priority } from "../../domain/priorities/mod.ts";
import type { IssueApi, IssueView } from "../../ports/issues.ts";
import { severityParam } from "../params.ts";
import { isoTime as iso } from "./iso_time.ts";
import type { RouteDoc } from "./openapi.ts";

const finite = (x: number) => (Number.isFinite(x) ? x : null);

const issueQuery = z.object({
  status: z.enum(["active", "resolved"]).optional(),
  kind: z.enum(["new", "surge"]).optional(),
  customer: z.string().min(1).max(200).optional(),
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
}).strict();

const priorityQuery = z.object({
  limit: z.coerce.number().int().min(1).max(1000).default(20),
  min_severity: severityParam.default(17),
}).strict();

/** Customers listed inline per issue; the count covers all of them. */
const CUSTOMERS_SHOWN = 50;

export function issueRoutes(api: IssueApi): Hono {
  const http = new Hono();

  http.get("/v1/issues", (c) => {
    const query = issueQuery.parse(c.req.query());
    const page = api.issues({
      limit: query.limit,
      offset: query.offset,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.customer === undefined ? {} : { customer: query.customer }),
    });
    return c.json({ total: page.total, items: page.items.map(issueJson) });
  });

  http.get("/v1/issues/:id", (c) => c.json(issueJson(api.issue(c.req.param("id")))));

  http.get("/v1/priorities", (c) => {
    const query = priorityQuery.parse(c.req.query());
    const { asOf, items } = api.priorities(query.limit, query.min_severity);
    return c.json(prioritiesJson(asOf, items));
  });

  return http;
}

export function prioritiesJson(asOf: number, items: readonly Priority[]) {
  return {
    as_of: iso(asOf),
    items: items.map((p) => ({
      rank: p.rank,
      score: p.score,
      signature_id: p.signatureId,
      template: p.template,
      severity: severityTextOf(p.severityNumber),
      impact: p.impact,
      customers: p.customers,
      trend: p.trend,
      support_cost: {
        tickets: p.cost.tickets,
        open_tickets: p.cost.openTickets,
        handling_hours: Math.round(p.cost.handlingHours * 10) / 10,
        escalations: p.cost.escalations,
      },
      factors: p.factors,
      reasons: p.reasons,
    })),
  };
}

export function issueJson(issue: IssueView) {
  return {
    id: issue.issueId,
    signature_id: issue.signatureId,
    template: issue.template,
    severity: severityTextOf(issue.severityNumber),
    kind: issue.kind,
    reason: issue.reason,
    status: issue.status,
    detected_at: iso(issue.detectedAt),
    last_seen: iso(issue.lastSeen),
    impact: finite(issue.impact),
    customers_affected: issue.affected.length,
    customers: issue.affected.slice(0, CUSTOMERS_SHOWN).map((a) => ({
      customer: a.customer,
      name: a.name,
      tier: a.tier,
      count: a.count,
      first_seen: iso(a.firstSeen),
      last_seen: iso(a.lastSeen),
    })),
    tickets: issue.tickets.map((t) => ({ id: t.ticketId, subject: t.subject, status: t.status })),
  };
}

/** What `/openapi.json` says about the routes above. */
export const issueRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/issues",
    summary: "Detected issues: new error signatures and surges, with the customers hit so far",
    tag: "issues",
    query: issueQuery,
    responses: { 200: { description: "Issues", schema: z.object({}).loose() } },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/issues/:id",
    summary: "One issue",
    tag: "issues",
    responses: { 200: { description: "The issue", schema: z.object({}).loose() } },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/priorities",
    summary: "Signatures ranked by impact, trend, ticket volume and support cost, with reasons",
    tag: "issues",
    query: priorityQuery,
    responses: { 200: { description: "Priorities", schema: z.object({}).loose() } },
    errors: [400, 401, 403],
  },
];
