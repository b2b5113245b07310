/** Trends over HTTP: occurrence series, trend classes and version correlation. */
import { Hono } from "hono";
import { z } from "zod";
import type { TrendClass } from "../../domain/trends/mod.ts";
import type { TrendApi } from "../../ports/trends.ts";
import { severityParam, timeParam } from "../params.ts";
import { isoTime as iso } from "../iso_time.ts";
import { customerFilter } from "./access.ts";
import type { RouteDoc } from "./openapi.ts";
import { limitParam, offsetParam } from "./request.ts";
import { issueTrendJson, trendJson } from "../reports/trends.ts";

const CLASSES = ["emerging", "spiking", "resolving", "stable", "quiet"] as const;

const trendQuery = z.object({
  bucket: z.enum(["hour", "day", "week"]).default("day"),
  from: timeParam.optional(),
  to: timeParam.optional(),
  customer: z.string().min(1).max(200).optional(),
  environment: z.string().min(1).max(200).optional(),
  version: z.string().min(1).max(200).optional(),
  as_of: timeParam.optional(),
}).strict();

const trendsQuery = z.object({
  class: z.string().transform((value, ctx) => {
    const classes = value.split(",").map((c) => c.trim());
    const unknown = classes.filter((c) => !(CLASSES as readonly string[]).includes(c));
    if (unknown.length > 0) {
      ctx.addIssue({
        code: "custom",
        message: `unknown trend class ${unknown.join(", ")} (one of ${CLASSES.join(", ")})`,
      });
      return z.NEVER;
    }
    return classes as TrendClass[];
  }).optional(),
  severity: severityParam.default(13),
  limit: limitParam(1000, 50),
  offset: offsetParam,
  as_of: timeParam.optional(),
}).strict();

export function trendRoutes(api: TrendApi): Hono {
  const http = new Hono();

  http.get("/v1/signatures/:id/trend", (c) => {
    const parsed = trendQuery.parse(c.req.query());
    const query = { ...parsed, customer: customerFilter(c, parsed.customer) };
    const id = c.req.param("id");
    const view = api.trend(id, query.as_of);
    const series = api.series(id, {
      bucket: query.bucket,
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.environment === undefined ? {} : { environment: query.environment }),
      ...(query.version === undefined ? {} : { version: query.version }),
    });
    return c.json({
      ...trendJson(view),
      series: {
        bucket: series.bucket,
        from: iso(series.from),
        to: iso(series.to),
        scope: {
          customer: query.customer ?? null,
          environment: query.environment ?? null,
          version: query.version ?? null,
        },
        total: series.total,
        points: series.points.map((p) => ({ start: iso(p.start), count: p.count })),
      },
    });
  });

  // Emerging issues first, then spikes, then the rest.
  http.get("/v1/trends", (c) => {
    const query = trendsQuery.parse(c.req.query());
    const order: Record<TrendClass, number> = {
      emerging: 1,
      spiking: 2,
      resolving: 3,
      stable: 4,
      quiet: 5,
    };
    const all = api.trends(query.severity, query.as_of)
      .filter((t) => query.class === undefined || query.class.includes(t.trend.class))
      .sort((a, b) =>
        order[a.trend.class] - order[b.trend.class] || a.trend.pValue - b.trend.pValue ||
        (a.issueId < b.issueId ? -1 : 1)
      );
    return c.json({
      as_of: iso(query.as_of ?? api.asOf()),
      total: all.length,
      items: all.slice(query.offset, query.offset + query.limit).map(issueTrendJson),
    });
  });

  return http;
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
const numberOrNull = z.number().nullable().describe("null when not finite");
/** The verdict fields `trendJson` and `issueTrendJson` share. */
const verdictReply = {
  template: z.string(),
  severity: z.string(),
  as_of: isoOrNull,
  class: z.enum(CLASSES),
  reason: z.string(),
  ratio: numberOrNull,
  p_value: numberOrNull,
  recent_rate: numberOrNull,
  baseline_rate: numberOrNull,
  versions: z.object({
    introduced_in: z.string().nullable(),
    fixed_in: z.string().nullable(),
    affected: z.array(z.string()),
    reason: z.string(),
    rates: z.array(z.object({
      version: z.string(),
      count: z.number(),
      traffic: z.number(),
      per_million: z.number(),
    })),
  }),
};
const signatureTrendReply = z.object({
  signature_id: z.string(),
  issue_id: z.string().nullable(),
  ...verdictReply,
  series: z.object({
    bucket: z.enum(["hour", "day", "week"]),
    from: isoOrNull,
    to: isoOrNull,
    scope: z.object({
      customer: z.string().nullable(),
      environment: z.string().nullable(),
      version: z.string().nullable(),
    }),
    total: z.number().int(),
    points: z.array(z.object({ start: isoOrNull, count: z.number().int() })),
  }),
}).meta({ id: "SignatureTrend" });
/** One issue's trend, as `/v1/trends` lists it (and the replay's trends.json). */
export const issueTrendReply = z.object({
  issue_id: z.string(),
  signature_id: z.string(),
  signature_ids: z.array(z.string()),
  ...verdictReply,
}).meta({ id: "IssueTrend" });

/** What `/openapi.json` says about the routes above. */
export const trendRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/signatures/:id/trend",
    summary: "Trend class with its test, the version verdict and the series",
    tag: "trends",
    query: trendQuery,
    responses: { 200: { description: "The trend", schema: signatureTrendReply } },
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/trends",
    summary: "Every issue seen in the last week with the trend of its signatures' summed series",
    tag: "trends",
    query: trendsQuery,
    responses: {
      200: {
        description: "Trends",
        schema: z.object({
          as_of: isoOrNull,
          total: z.number().int(),
          items: z.array(issueTrendReply),
        }),
      },
    },
    errors: [400, 401, 403],
  },
];
