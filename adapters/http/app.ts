import type { RedactionSettings } from "../../ports/redaction.ts";
import { Hono } from "hono";
import { cors } from "hono/cors";
import { z } from "zod";
import type {
  CustomerCount,
  ExampleLine,
  LoupeApplication,
  ServiceStatus,
  SignatureDetail,
  SignatureSummary,
} from "../../ports/application.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { severityTextOf } from "../../domain/severity.ts";
import type { EncodedRecords, SourcedLog } from "../../ports/log_source.ts";
import type { BodyParseOptions } from "../log_sources/body_parsers.ts";
import { parseBody } from "../log_sources/parse_body.ts";
import type { FormatName } from "../log_formats/mod.ts";
import { errorBody, errorResponse } from "./errors.ts";
import { parseJsonText } from "../json_text.ts";
import { idempotencyKeyOf } from "./idempotency.ts";
import {
  canonicalQuery,
  capQuarantine,
  checkLineCount,
  DEFAULT_MAX_LINES,
  ingestIdempotency,
} from "./ingest_rules.ts";
import { ingestLabels, label, severityParam, timeParam } from "../params.ts";
import { isoTimeOrNull as iso } from "../iso_time.ts";
import { otlpLogsHandler } from "../otlp/http.ts";
import { DEFAULT_CUSTOMER_ATTRIBUTE } from "../otlp/logs.ts";
import type { OtlpDecoders } from "../otlp/decoders.ts";
import type { RouteDoc } from "./openapi.ts";
import { ingestOrigin } from "../../domain/access/policy.ts";
import {
  accessMiddleware,
  apiKeyAuthenticator,
  customerFilter,
  type HttpAccess,
  isConsolePath,
  principalOf,
} from "./access.ts";
import { decodeUtf8, limitParam, offsetParam, readBodyLimited } from "./request.ts";

export interface HttpConfig {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  readonly maxBodyBytes: number;
  /** Longest log line kept; longer ones are quarantined. */
  readonly maxLineBytes: number;
  /** When set, every /v1 request needs `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
  /** Most lines one `POST /v1/logs` may carry; more get 413 (default {@linkcode DEFAULT_MAX_LINES}). */
  readonly maxLines?: number;
  /** Origins browsers may call the API from; none (the default) sends no CORS headers at all. */
  readonly corsOrigins?: readonly string[];
  /** The OTLP attribute that names a record's customer (default `customer.id`). */
  readonly otlpCustomerAttribute?: string;
  /** Decodes OTLP protobuf on workers; without them, on the thread that serves. */
  readonly otlpDecoders?: OtlpDecoders;
  /** Redacts OTLP records (other bodies are redacted by the body parsers that `serve` passes). */
  readonly redaction?: RedactionSettings;
}

export { DEFAULT_MAX_LINES, QUARANTINE_ROWS_PER_BATCH } from "./ingest_rules.ts";
/** Longest request URL (path and query) read; longer ones get 414. */
export const MAX_URL_BYTES = 8 * 1024;

export interface HttpDeps {
  readonly app: LoupeApplication;
  readonly clock: Clock;
  readonly config: HttpConfig;
  /** Parses pushed bodies; by default on the thread that serves (see `BodyParsers`). */
  readonly parseBody?: BodyParser;
  /** More Prometheus text for `/metrics` (e.g. the syslog listeners' counters). */
  readonly extraMetrics?: () => string;
  /** Tokens and the audit trail; without it, `config.apiKey` alone (or nothing) guards the API. */
  readonly access?: HttpAccess;
}

/** Turns a pushed body into records and quarantined lines. */
export type BodyParser = (
  bytes: Uint8Array,
  options: BodyParseOptions,
) => Promise<{
  readonly format: string;
  readonly records: readonly SourcedLog[] | EncodedRecords;
  readonly quarantined: readonly QuarantinedLine[];
}>;

const parseInThread: BodyParser = (bytes, options) => Promise.resolve(parseBody(bytes, options));

/** Quarantined lines listed in an ingest reply; the count covers all of them. */
const QUARANTINE_REPLY_LIMIT = 1000;

const FORMATS = ["auto", "jsonl", "logfmt", "syslog", "access", "text", "csv"] as const;
const ingestQuery = z.object({
  ...ingestLabels,
  format: z.enum(FORMATS).optional(),
  strict: z.enum(["true", "false"]).optional(),
}).strict();

const pageParams = {
  limit: limitParam(1000, 50),
  offset: offsetParam,
};

const signatureQuery = z.object({
  customer: label.optional(),
  severity: severityParam.optional(),
  from: timeParam.optional(),
  to: timeParam.optional(),
  ...pageParams,
}).strict();

const pageQuery = z.object(pageParams).strict();

export function createHttpApp(
  { app, clock, config, parseBody: parse = parseInThread, extraMetrics, access }: HttpDeps,
): Hono {
  const http = new Hono();

  http.onError((error, c) => errorResponse(c, error));

  http.use("*", async (c, next) => {
    // Set before anything can throw, so error answers (made later from the
    // same context) carry them too; set again below for handlers that build
    // their own Response.
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "no-store");
    if (c.req.url.length > MAX_URL_BYTES) {
      throw new LoupeError(
        "uri_too_long",
        `Request URL is longer than the limit of ${MAX_URL_BYTES} bytes`,
        { limit_bytes: MAX_URL_BYTES },
      );
    }
    await next();
    // API answers are data about customers: never sniffed, never cached on the way.
    c.header("X-Content-Type-Options", "nosniff");
    c.header("Cache-Control", "no-store");
  });

  if ((config.corsOrigins?.length ?? 0) > 0) {
    http.use("*", cors({ origin: [...config.corsOrigins!], maxAge: 600 }));
  }
  http.notFound((c) =>
    c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404)
  );

  const bearerAccess = accessMiddleware(
    access ?? { authenticator: apiKeyAuthenticator(config.apiKey) },
    clock,
  );
  http.use("*", (c, next) =>
    // The console's pages sign in with a session cookie and apply the same
    // policy themselves (adapters/console); everything else needs a bearer token.
    isConsolePath(c.req.path) ? next() : bearerAccess(c, next));

  http.get("/healthz", (c) => {
    const status = app.status();
    return c.json({
      status: status.writes.state === "ok" ? "ok" : "degraded",
      head_position: status.headPosition,
      projection_lag: status.projectionLag,
      writes: {
        state: status.writes.state,
        reason: status.writes.reason,
        since: iso(status.writes.since),
      },
      skipped_events: {
        total: status.skippedEvents.reduce((sum, s) => sum + s.count, 0),
        by_reason: status.skippedEvents,
      },
    });
  });

  http.get("/metrics", (c) => {
    c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(prometheusText(app.status()) + (extraMetrics?.() ?? ""));
  });

  const otlpLogs = otlpLogsHandler({
    app,
    maxBodyBytes: config.maxBodyBytes,
    maxLines: config.maxLines ?? DEFAULT_MAX_LINES,
    customerAttribute: config.otlpCustomerAttribute ?? DEFAULT_CUSTOMER_ATTRIBUTE,
    ...(config.redaction === undefined ? {} : { redaction: config.redaction }),
    ...(config.otlpDecoders === undefined ? {} : { decoders: config.otlpDecoders }),
  });
  http.post("/v1/logs", async (c) => {
    const origin = ingestOrigin(principalOf(c).role, {
      ...(c.req.query("customer") === undefined ? {} : { customer: c.req.query("customer") }),
      ...(c.req.query("environment") === undefined
        ? {}
        : { environment: c.req.query("environment") }),
    });
    if ("refused" in origin) throw new LoupeError("forbidden", origin.refused);
    const pinned = origin.pinned
      ? { customer: origin.customer!, environment: origin.environment! }
      : undefined;
    const otlpReply = await otlpLogs(c.req.raw, pinned);
    if (otlpReply !== undefined) return otlpReply;
    const query = { ...ingestQuery.parse(c.req.query()), ...pinned };
    const mediaType = (c.req.header("content-type") ?? "text/plain").split(";")[0]!.trim()
      .toLowerCase();
    // A bad key is refused before a large body is read.
    idempotencyKeyOf(c.req.header("idempotency-key"));
    const body = await readBodyLimited(c.req.raw, config.maxBodyBytes);
    // Before parsing: a parser on another thread takes the bytes with it.
    const idempotency = ingestIdempotency(
      c.req.header("idempotency-key"),
      query,
      () => [canonicalQuery(c.req.query()), mediaType, body],
    );
    const maxLines = config.maxLines ?? DEFAULT_MAX_LINES;
    if (lineCountAbove(body, maxLines)) checkLineCount(maxLines + 1, maxLines);
    const context: SourceContext = {
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.environment === undefined ? {} : { environment: query.environment }),
      ...(query.service === undefined ? {} : { service: query.service }),
      ...(query.version === undefined ? {} : { version: query.version }),
    };
    const { bytes, format } = bodyAsLines(mediaType, body, query.format);
    const parsed = await parse(bytes, {
      format,
      maxLineBytes: config.maxLineBytes,
      referenceTime: clock.now(),
      source: query.source ?? "http",
      context,
      ...(pinned === undefined ? {} : { pinOrigin: true }),
    });
    if (query.strict === "true" && parsed.quarantined.length > 0) {
      const first = parsed.quarantined[0]!;
      throw new LoupeError("invalid_json", `Cannot accept line ${first.line}: ${first.reason}`, {
        lines: parsed.quarantined.slice(0, QUARANTINE_REPLY_LIMIT).map((q) => ({
          line: q.line,
          reason: q.reason,
        })),
      });
    }
    const receipt = await app.ingest({
      source: query.source ?? "http",
      format: parsed.format,
      context,
      records: parsed.records,
      quarantined: capQuarantine(parsed.quarantined),
      ...idempotency,
    });
    return c.json({
      batch_id: receipt.batchId,
      format: parsed.format,
      accepted: receipt.accepted,
      quarantined: parsed.quarantined.length,
      duplicate: receipt.duplicate,
      position: receipt.position,
      quarantined_lines: parsed.quarantined.slice(0, QUARANTINE_REPLY_LIMIT).map((q) => ({
        line: q.line,
        reason: q.reason,
      })),
    });
  });

  http.get("/v1/signatures", (c) => {
    const parsed = signatureQuery.parse(c.req.query());
    const query = { ...parsed, customer: customerFilter(c, parsed.customer) };
    if (query.from !== undefined && query.to !== undefined && query.from >= query.to) {
      throw new LoupeError("bad_request", "Invalid time range: from must be before to");
    }
    const page = app.listSignatures({
      limit: query.limit,
      offset: query.offset,
      ...(query.customer === undefined ? {} : { customer: query.customer }),
      ...(query.severity === undefined ? {} : { minSeverity: query.severity }),
      ...(query.from === undefined ? {} : { from: query.from }),
      ...(query.to === undefined ? {} : { to: query.to }),
    });
    return c.json({
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      items: page.items.map(signatureJson),
    });
  });

  http.get("/v1/signatures/:id", (c) => {
    const detail = scopedDetail(app.signature(c.req.param("id")), customerFilter(c, undefined));
    return c.json({
      ...signatureJson(detail),
      issue_id: detail.issueId ?? null,
      examples: detail.examples.map(exampleJson),
      by_customer: detail.byCustomer.map(customerCountJson),
    });
  });

  http.get("/v1/quarantine", (c) => {
    const query = pageQuery.parse(c.req.query());
    const page = app.quarantine(query.limit, query.offset);
    return c.json({
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      items: page.items,
    });
  });

  return http;
}

/**
 * A signature as one customer may see it: its own lines and counts, other
 * customers only in the `customers` count; not found when it never logged it.
 */
function scopedDetail(detail: SignatureDetail, customer: string | undefined): SignatureDetail {
  if (customer === undefined) return detail;
  const own = detail.byCustomer.find((count) => count.customer === customer);
  if (own === undefined) {
    throw new LoupeError("not_found", `Cannot find signature ${detail.signatureId}`);
  }
  return {
    ...detail,
    count: own.count,
    firstSeen: own.firstSeen,
    lastSeen: own.lastSeen,
    examples: detail.examples.filter((example) => example.customer === customer),
    byCustomer: [own],
  };
}

/** True when the body holds more than `limit` lines; stops counting there. */
function lineCountAbove(body: Uint8Array, limit: number): boolean {
  let lines = 0;
  let from = 0;
  for (;;) {
    const newline = body.indexOf(10, from);
    if (newline === -1) break;
    if (++lines > limit) return true;
    from = newline + 1;
  }
  return from < body.length && lines + 1 > limit;
}

/**
 * NDJSON and text bodies are lines already; a JSON document (one object or
 * an array of them) is checked whole and then fed as one record per line.
 */
function bodyAsLines(
  mediaType: string,
  body: Uint8Array,
  requested: (typeof FORMATS)[number] | undefined,
): { bytes: Uint8Array; format: FormatName | "auto" } {
  switch (mediaType) {
    case "application/x-ndjson":
    case "application/jsonl":
    case "application/jsonlines":
    case "application/x-jsonlines":
      return { bytes: body, format: "jsonl" };
    case "application/json":
      return { bytes: jsonDocumentAsLines(body), format: "jsonl" };
    case "text/plain":
    case "application/octet-stream":
      return { bytes: body, format: requested ?? "auto" };
    case "text/csv":
      return { bytes: body, format: "csv" };
    default:
      throw new LoupeError(
        "unsupported_media_type",
        `Cannot read a ${mediaType} body: send application/x-ndjson, application/json, text/plain or text/csv`,
      );
  }
}

function jsonDocumentAsLines(body: Uint8Array): Uint8Array {
  const document = parseJsonText(decodeUtf8(body));
  const records = Array.isArray(document) ? document : [document];
  return new TextEncoder().encode(records.map((r) => JSON.stringify(r)).join("\n"));
}

function signatureJson(summary: SignatureSummary) {
  return {
    id: summary.signatureId,
    template: summary.template,
    severity: severityTextOf(summary.severityNumber),
    severity_number: summary.severityNumber,
    count: summary.count,
    first_seen: iso(summary.firstSeen),
    last_seen: iso(summary.lastSeen),
    customers: summary.customers,
    generalizations: summary.generalizations,
  };
}

function exampleJson(example: ExampleLine) {
  return {
    time: iso(example.timestamp),
    customer: example.customer,
    environment: example.environment,
    service: example.service,
    version: example.version,
    severity: example.severityText,
    message: example.message,
    source: example.source,
    line: example.line,
  };
}

function customerCountJson(count: CustomerCount) {
  return {
    customer: count.customer,
    count: count.count,
    first_seen: iso(count.firstSeen),
    last_seen: iso(count.lastSeen),
  };
}

function prometheusText(status: ServiceStatus): string {
  const metrics: [string, string, string, number][] = [
    [
      "loupe_records_ingested_total",
      "counter",
      "Log records accepted and stored",
      status.recordsIngested,
    ],
    [
      "loupe_lines_quarantined_total",
      "counter",
      "Lines quarantined with a reason",
      status.linesQuarantined,
    ],
    ["loupe_batches_ingested_total", "counter", "Ingest batches stored", status.batchesIngested],
    ["loupe_signatures", "gauge", "Signatures in the catalogue", status.signatures],
    ["loupe_store_size_bytes", "gauge", "Bytes used by the event store on disk", status.storeBytes],
    [
      "loupe_event_head_position",
      "gauge",
      "Position of the last appended event",
      status.headPosition,
    ],
    [
      "loupe_projection_position",
      "gauge",
      "Position every projection has applied",
      status.projectionPosition,
    ],
    [
      "loupe_projection_lag_events",
      "gauge",
      "Events appended but not yet projected",
      status.projectionLag,
    ],
  ];
  return metrics.map(([name, type, help, value]) =>
    `# HELP ${name} ${help}\n# TYPE ${name} ${type}\n${name} ${value}\n`
  )
    .join("");
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
const signatureReply = z.object({
  id: z.string(),
  template: z.string(),
  severity: z.string(),
  severity_number: z.number().int(),
  count: z.number().int(),
  first_seen: isoOrNull,
  last_seen: isoOrNull,
  customers: z.number().int(),
  generalizations: z.number().int(),
}).meta({ id: "Signature" });
const pageOf = (item: z.ZodType) =>
  z.object({
    total: z.number().int(),
    limit: z.number().int(),
    offset: z.number().int(),
    items: z.array(item),
  });
const ingestReply = z.object({
  batch_id: z.string(),
  format: z.string(),
  accepted: z.number().int(),
  quarantined: z.number().int(),
  duplicate: z.boolean(),
  position: z.number().int(),
  quarantined_lines: z.array(z.object({ line: z.number().int(), reason: z.string() })),
}).meta({ id: "IngestReply" });
const otlpReply = z.object({
  partialSuccess: z.object({ rejectedLogRecords: z.number().int(), errorMessage: z.string() })
    .optional(),
}).meta({
  id: "ExportLogsServiceResponse",
  description: "The OTLP reply, for OTLP/JSON requests (protobuf ones get it as protobuf)",
});

/** What `/openapi.json` says about the routes above. */
export const coreRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/healthz",
    summary: "Liveness and projection lag",
    tag: "service",
    responses: {
      200: {
        description: "Up; `degraded` while writes are refused since a commit failed",
        schema: z.object({
          status: z.enum(["ok", "degraded"]),
          head_position: z.number().int(),
          projection_lag: z.number().int(),
          writes: z.object({
            state: z.enum(["ok", "failing"]),
            reason: z.string().nullable().describe("why the last commit failed; null when ok"),
            since: isoOrNull.describe("when the current failing state began; null when ok"),
          }),
          skipped_events: z.object({
            total: z.number().int().describe("events the projections could not use"),
            by_reason: z.array(z.object({ reason: z.string(), count: z.number().int() })),
          }),
        }),
      },
    },
  },
  {
    method: "get",
    path: "/metrics",
    summary: "Prometheus text: records ingested, lines quarantined, store size, projection lag",
    tag: "service",
    responses: { 200: { description: "Prometheus exposition format", mediaType: "text/plain" } },
  },
  {
    method: "post",
    path: "/v1/logs",
    summary: "Push logs: NDJSON, JSON, raw lines, CSV, or OTLP (protobuf or JSON, gzip)",
    description:
      "OTLP requests (`application/x-protobuf`, or JSON with `resourceLogs`, optionally with " +
      "`Content-Encoding: gzip`) are answered with an ExportLogsServiceResponse; OTLP clients " +
      "retry 429 and 503. Header `Idempotency-Key` makes a retry safe.",
    tag: "logs",
    query: ingestQuery,
    body: {
      "application/x-ndjson": "one JSON record per line",
      "application/json":
        "one record, an array of records, or an OTLP/JSON ExportLogsServiceRequest",
      "text/plain": "raw log lines, format detected or given by ?format=",
      "text/csv": "a CSV file with a header",
      "application/x-protobuf": "an OTLP ExportLogsServiceRequest",
    },
    responses: {
      200: { description: "Stored (durably)", schema: z.union([ingestReply, otlpReply]) },
    },
    errors: [400, 401, 403, 413, 415, 429, 503],
  },
  {
    method: "get",
    path: "/v1/signatures",
    summary: "Recurring signatures, most frequent first",
    tag: "signatures",
    query: signatureQuery,
    responses: { 200: { description: "A page of signatures", schema: pageOf(signatureReply) } },
    errors: [400, 401, 403],
  },
  {
    method: "get",
    path: "/v1/signatures/:id",
    summary: "One signature with recent example lines and counts per customer",
    tag: "signatures",
    responses: {
      200: {
        description: "The signature",
        schema: signatureReply.extend({
          issue_id: z.string().nullable().describe("the issue the signature is part of"),
          examples: z.array(z.object({
            time: isoOrNull,
            customer: z.string().nullable(),
            environment: z.string().nullable(),
            service: z.string().nullable(),
            version: z.string().nullable(),
            severity: z.string(),
            message: z.string(),
            source: z.string(),
            line: z.number().int().nullable(),
          })),
          by_customer: z.array(z.object({
            customer: z.string(),
            count: z.number().int(),
            first_seen: isoOrNull,
            last_seen: isoOrNull,
          })),
        }),
      },
    },
    errors: [401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/quarantine",
    summary: "Quarantined lines with their reason, newest first",
    tag: "logs",
    query: pageQuery,
    responses: {
      200: {
        description: "A page of quarantined lines",
        schema: pageOf(z.object({
          source: z.string(),
          line: z.number().int(),
          offset: z.number().int().optional(),
          reason: z.string(),
          raw: z.string(),
        })),
      },
    },
    errors: [400, 401, 403],
  },
];
