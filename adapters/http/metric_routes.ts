/**
 * Metrics snapshots over HTTP: one object, an array or NDJSON in; the
 * snapshots of an environment and the rules they break out.
 */
import { Hono } from "hono";
import { z } from "zod";
import {
  type Finding,
  flattenMetrics,
  type MetricsSnapshot,
  type MetricTree,
} from "../../domain/rules/mod.ts";
import type { TimeWindow } from "../../domain/tickets/mod.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { MetricsView, TicketApi } from "../../ports/tickets.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import { parseJsonText } from "../json_text.ts";
import { bodyTime, label, timeParam } from "../params.ts";
import { customerFilter } from "./access.ts";
import type { RouteDoc } from "./openapi.ts";
import {
  decodeUtf8,
  isJsonMediaType,
  limitParam,
  mediaTypeOf,
  readBodyLimited,
} from "./request.ts";

export interface MetricRouteDeps {
  readonly clock: Clock;
  /** Largest metrics body accepted, in bytes (default 16 MiB). */
  readonly maxBodyBytes?: number;
}

const metricsQuery = z.object({
  environment: label,
  customer: label.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  limit: limitParam(10_000, 1_000),
}).strict();

const metricTree: z.ZodType<MetricTree> = z.lazy(() =>
  z.record(z.string().min(1).max(200), z.union([z.number().finite(), metricTree]))
);

const snapshotSchema = z.object({
  environment: label,
  customer: label.nullable().optional(),
  at: bodyTime,
}).catchall(z.union([z.number().finite(), metricTree]));

/**
 * Metrics snapshots as sent: one JSON object, an array of them, or NDJSON
 * (one per line). Each is validated and flattened to metric names.
 */
const NDJSON_TYPES = new Set([
  "application/x-ndjson",
  "application/jsonl",
  "application/jsonlines",
  "application/x-jsonlines",
]);

function parsesAlone(line: string): boolean {
  try {
    JSON.parse(line);
    return true;
  } catch {
    return false;
  }
}

export function parseMetricsBody(body: Uint8Array): MetricsSnapshot[] {
  const textBody = decodeUtf8(body);
  let documents: unknown[];
  try {
    const whole: unknown = parseJsonText(textBody);
    documents = Array.isArray(whole) ? whole : [whole];
  } catch (wholeError) {
    const lines = textBody.split("\n");
    // NDJSON only when its first record stands on its own line: otherwise the
    // body is one document broken somewhere, and the whole-text error says where.
    const first = lines.find((l) => l.trim() !== "");
    if (first === undefined || first === textBody.trim() || !parsesAlone(first)) throw wholeError;
    documents = [];
    lines.forEach((line, index) => {
      if (line.trim() === "") return;
      try {
        documents.push(JSON.parse(line));
      } catch (lineError) {
        throw new LoupeError(
          "invalid_json",
          `Cannot parse metrics line ${index + 1}: ${(lineError as Error).message}`,
          { line: index + 1 },
        );
      }
    });
  }
  return documents.map((document, index) => {
    const parsed = snapshotSchema.safeParse(document);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LoupeError(
        "validation_failed",
        `Invalid metrics snapshot ${index + 1}: ${
          issue.path.join(".") || "(root)"
        }: ${issue.message}`,
        { snapshot: index + 1, path: issue.path.join(".") },
      );
    }
    const { environment, customer, at, ...measurements } = parsed.data;
    let metrics: Record<string, number>;
    try {
      metrics = flattenMetrics(measurements as MetricTree);
    } catch (error) {
      throw new LoupeError(
        "validation_failed",
        `Invalid metrics snapshot ${index + 1}: ${(error as Error).message}`,
      );
    }
    return { environment, customer: customer ?? null, at, metrics };
  });
}

export function metricRoutes(api: TicketApi, deps: MetricRouteDeps): Hono {
  const http = new Hono();
  const maxBodyBytes = deps.maxBodyBytes ?? 16 * 1024 * 1024;

  http.post("/v1/metrics", async (c) => {
    const mediaType = mediaTypeOf(c.req.raw);
    if (mediaType !== undefined && !isJsonMediaType(mediaType) && !NDJSON_TYPES.has(mediaType)) {
      throw new LoupeError(
        "unsupported_media_type",
        `Cannot read metrics sent as ${mediaType}: send application/json or application/x-ndjson`,
      );
    }
    const body = await readBodyLimited(c.req.raw, maxBodyBytes);
    const receipt = await api.recordMetrics(parseMetricsBody(body));
    return c.json({ accepted: receipt.accepted, position: receipt.position });
  });

  http.get("/v1/metrics", (c) => {
    const parsed = metricsQuery.parse(c.req.query());
    const query = { ...parsed, customer: customerFilter(c, parsed.customer) };
    const to = query.to ?? deps.clock.now() + 1;
    const from = query.from ?? to - 86_400_000;
    if (from >= to) {
      throw new LoupeError("bad_request", "Invalid time range: from must be before to");
    }
    return c.json(metricsViewJson(api.metrics({
      environment: query.environment,
      from,
      to,
      limit: query.limit,
      ...(query.customer === undefined ? {} : { customer: query.customer }),
    })));
  });

  return http;
}

export function windowJson(window: TimeWindow | null) {
  return window === null ? null : { from: iso(window.from), to: iso(window.to) };
}

function findingJson(finding: Finding) {
  return {
    rule_id: finding.ruleId,
    metric: finding.metric,
    value: finding.value,
    threshold: finding.threshold,
    comparison: finding.comparison,
    severity: finding.severity,
    message: finding.message,
    at: iso(finding.at),
    environment: finding.environment,
    customer: finding.customer,
  };
}

export function metricsViewJson(view: MetricsView) {
  return {
    window: windowJson(view.window),
    rules_version: view.rulesVersion,
    snapshots: view.snapshots.map((s) => ({
      environment: s.environment,
      customer: s.customer,
      at: iso(s.at),
      metrics: s.metrics,
    })),
    findings: view.findings.map(findingJson),
  };
}

export const metricRouteDocs: readonly RouteDoc[] = [
  {
    method: "post",
    path: "/v1/metrics",
    summary: "Metric snapshots: one object, an array or NDJSON",
    tag: "tickets",
    body: { "application/json": snapshotSchema },
    responses: {
      200: {
        description: "Metric snapshots: one object, an array or NDJSON",
        schema: z.object({}).loose(),
      },
    },
    errors: [400, 401, 403, 413, 415],
  },
  {
    method: "get",
    path: "/v1/metrics",
    summary: "Metric snapshots and their findings",
    tag: "tickets",
    query: metricsQuery,
    responses: {
      200: { description: "Metric snapshots and their findings", schema: z.object({}).loose() },
    },
    errors: [400, 401, 403],
  },
];
