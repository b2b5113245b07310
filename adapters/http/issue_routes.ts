/** Issues, their detection and corrections, and engineering priorities over HTTP. */
import { type Context, Hono } from "hono";
import { z } from "zod";
import type { IssueApi, IssueView } from "../../ports/issues.ts";
import { severityParam, timeParam } from "../params.ts";
import { parseJsonText } from "../json_text.ts";
import { customerFilter, principalOf } from "./access.ts";
import type { RouteDoc } from "./openapi.ts";
import { decodeUtf8, limitParam, offsetParam, readBodyLimited } from "./request.ts";
import {
  asOfJson,
  CUSTOMERS_SHOWN,
  issueDetailJson,
  issueJson,
  issueJsonCounting,
  prioritiesJson,
} from "../reports/issues.ts";

const issueQuery = z.object({
  status: z.enum(["new", "active", "resolved", "regressed"]).optional(),
  kind: z.enum(["new", "surge"]).optional(),
  customer: z.string().min(1).max(200).optional(),
  as_of: timeParam.optional(),
  include_upgrade_noise: z.enum(["true", "false"]).optional(),
  limit: limitParam(1000, 50),
  offset: offsetParam,
}).strict();

const asOfQuery = z.object({ as_of: timeParam.optional() }).strict();

const priorityQuery = z.object({
  limit: limitParam(1000, 20),
  min_severity: severityParam.default(17),
  as_of: timeParam.optional(),
}).strict();

const issueId = z.string().min(1).max(200);
const by = z.string().min(1).max(200).optional();
const mergeBody = z.object({ issue_ids: z.array(issueId).min(1).max(1000), by }).strict();
const splitBody = z.object({ signature_ids: z.array(issueId).max(10_000).default([]), by })
  .strict();

/** Bodies of merge and split requests are a few ids: anything bigger is a mistake. */
const MAX_CORRECTION_BYTES = 1024 * 1024;

async function jsonBody(c: Context): Promise<unknown> {
  const raw = decodeUtf8(await readBodyLimited(c.req.raw, MAX_CORRECTION_BYTES));
  return raw.trim() === "" ? {} : parseJsonText(raw);
}

export function issueRoutes(api: IssueApi): Hono {
  const http = new Hono();

  http.get("/v1/issues", (c) => {
    const parsed = issueQuery.parse(c.req.query());
    const query = { ...parsed, customer: customerFilter(c, parsed.customer) };
    const own = principalOf(c).role.kind === "customer" ? query.customer : undefined;
    const page = api.issues({
      limit: query.limit,
      offset: query.offset,
      ...(query.status === undefined ? {} : { status: query.status }),
      ...(query.kind === undefined ? {} : { kind: query.kind }),
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.as_of === undefined ? {} : { asOf: query.as_of }),
      includeUpgradeNoise: query.include_upgrade_noise === "true",
    });
    return c.json({
      ...asOfJson(api.asOfInfo(), query.as_of),
      total: page.total,
      items: page.items.map((issue) =>
        own === undefined
          ? issueJson(issue)
          : issueJsonCounting(issueSeenBy(issue, own), issue.affected.length)
      ),
    });
  });

  http.get("/v1/issues/:id", (c) => {
    const query = asOfQuery.parse(c.req.query());
    return c.json(issueDetailJson(api.issue(c.req.param("id"), query.as_of)));
  });

  http.post("/v1/issues/:id/merge", async (c) => {
    const body = mergeBody.parse(await jsonBody(c));
    const receipt = await api.merge(c.req.param("id"), body.issue_ids, body.by ?? null);
    return c.json({ position: receipt.position, issue: issueJson(receipt.issue) });
  });

  http.post("/v1/issues/:id/split", async (c) => {
    const body = splitBody.parse(await jsonBody(c));
    const receipt = await api.split(c.req.param("id"), body.signature_ids, body.by ?? null);
    return c.json({ position: receipt.position, issue: issueJson(receipt.issue) });
  });

  http.get("/v1/signatures/:id/issue", (c) => {
    const query = asOfQuery.parse(c.req.query());
    const id = api.issueOfSignature(c.req.param("id"));
    return c.json(issueDetailJson(api.issue(id, query.as_of)));
  });

  http.get("/v1/priorities", (c) => {
    const query = priorityQuery.parse(c.req.query());
    const { asOf, items } = api.priorities(query.limit, query.min_severity, query.as_of);
    return c.json({
      ...prioritiesJson(asOf, items),
      ...asOfJson(api.asOfInfo(), query.as_of),
    });
  });

  return http;
}

/**
 * An issue as one customer may see it: its own line among the customers hit
 * (the others only in `customers_affected`), and only its own tickets.
 */
function issueSeenBy(issue: IssueView, customer: string): IssueView {
  return {
    ...issue,
    affected: issue.affected.filter((a) => a.customer === customer),
    tickets: issue.tickets.filter((t) => t.customer === customer),
  };
}

const issueReply = z.object({
  id: z.string(),
  signature_id: z.string().describe("its busiest signature, which names it"),
  template: z.string(),
  severity: z.string(),
  kind: z.enum(["new", "surge"]).nullable().describe("how it was raised; null if never"),
  reason: z.string().nullable(),
  status: z.enum(["new", "active", "resolved", "regressed"]),
  detected_at: z.string().nullable().describe("ISO 8601, UTC"),
  first_seen: z.string().describe("ISO 8601, UTC"),
  last_seen: z.string().describe("ISO 8601, UTC"),
  count: z.number().int(),
  upgrade_noise: z.boolean(),
  upgrade_note: z.string().nullable(),
  merge_reasons: z.array(z.string()),
  signatures: z.array(z.object({
    id: z.string(),
    template: z.string(),
    severity: z.string(),
    count: z.number().int(),
  })),
  impact: z.number().nullable(),
  customers_affected: z.number().int(),
  customers: z.array(z.object({
    customer: z.string(),
    name: z.string().nullable(),
    tier: z.string().nullable(),
    count: z.number().int(),
    first_seen: z.string(),
    last_seen: z.string(),
  })).describe(`the heaviest ${CUSTOMERS_SHOWN}; customers_affected counts them all`),
  tickets: z.array(z.object({ id: z.string(), subject: z.string(), status: z.string() })),
}).meta({ id: "Issue" });

const issueDetailReply = issueReply.extend({
  as_of: z.string().describe("ISO 8601, UTC"),
  facets: z.array(z.object({
    position: z.number().int(),
    template: z.string(),
    values: z.array(z.object({ value: z.string(), count: z.number().int(), share: z.number() })),
    other: z.number().int(),
  })),
  trend: z.object({
    class: z.enum(["emerging", "spiking", "resolving", "stable", "quiet"]),
    reason: z.string(),
    ratio: z.number().nullable(),
    p_value: z.number().nullable(),
  }),
  versions: z.object({
    affected: z.array(z.string()),
    introduced_in: z.string().nullable(),
    fixed_in: z.string().nullable(),
    reason: z.string(),
  }),
}).meta({ id: "IssueDetail" });

const correctionReply = z.object({
  position: z.number().int().describe("the event that records the correction"),
  issue: issueReply,
});

const asOfReply = {
  as_of: z.string().nullable().describe("ISO 8601, UTC"),
  as_of_source: z.enum(["latest trustworthy record", "as_of parameter"]),
  as_of_outliers: z.object({
    records: z.number().int().describe("records standing ahead of the rest, left out of as_of"),
    latest: z.string().nullable(),
  }),
};
const prioritiesReply = z.object({
  ...asOfReply,
  items: z.array(z.object({
    rank: z.number().int(),
    score: z.number(),
    issue_id: z.string().nullable(),
    signatures: z.number().int(),
    signature_id: z.string(),
    template: z.string(),
    severity: z.string(),
    impact: z.number(),
    customers: z.number().int(),
    trend: z.enum(["emerging", "spiking", "resolving", "stable", "quiet"]),
    support_cost: z.object({
      tickets: z.number().int(),
      open_tickets: z.number().int(),
      handling_hours: z.number(),
      escalations: z.number().int(),
    }),
    factors: z.object({
      impact: z.number(),
      trend: z.number(),
      tickets: z.number(),
      cost: z.number(),
    }),
    reasons: z.array(z.string()),
  })),
}).meta({ id: "Priorities" });

/** What `/openapi.json` says about the routes above. */
export const issueRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/issues",
    summary: "Detected issues: new error signatures and surges, with the customers hit so far",
    tag: "issues",
    query: issueQuery,
    responses: {
      200: {
        description: "Issues",
        schema: z.object({
          ...asOfReply,
          total: z.number().int(),
          items: z.array(issueReply),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/issues/:id",
    summary: "One issue",
    tag: "issues",
    responses: { 200: { description: "The issue", schema: issueDetailReply } },
    errors: [401, 403, 404],
  },
  {
    method: "post",
    path: "/v1/issues/:id/merge",
    summary: "Merge other issues into this one (a person's correction, kept as an event)",
    tag: "issues",
    body: { "application/json": mergeBody },
    responses: { 200: { description: "The issue after the merge", schema: correctionReply } },
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    method: "post",
    path: "/v1/issues/:id/split",
    summary: "Split signatures out of an issue; naming none undoes its merges",
    tag: "issues",
    body: { "application/json": splitBody },
    responses: { 200: { description: "The issue after the split", schema: correctionReply } },
    errors: [400, 401, 403, 404, 409, 413],
  },
  {
    method: "get",
    path: "/v1/signatures/:id/issue",
    summary: "The issue a signature is part of",
    tag: "issues",
    query: asOfQuery,
    responses: { 200: { description: "The issue", schema: issueDetailReply } },
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/priorities",
    summary: "Signatures ranked by impact, trend, ticket volume and support cost, with reasons",
    tag: "issues",
    query: priorityQuery,
    responses: { 200: { description: "Priorities", schema: prioritiesReply } },
    errors: [400, 401, 403],
  },
];
