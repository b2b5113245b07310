import { Hono } from "hono";
import { z } from "zod";
import type {
  CustomerCount,
  ExampleLine,
  LoupeApplication,
  ServiceStatus,
  SignatureSummary,
} from "../../ports/application.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { severityTextOf } from "../../domain/severity.ts";
import type { EncodedRecords, SourcedLog } from "../../ports/log_source.ts";
import type { BodyParseOptions } from "../log_sources/body_parsers.ts";
import { parseBody } from "../log_sources/file_source.ts";
import type { FormatName } from "../log_formats/mod.ts";
import { readBodyLimited } from "./body.ts";
import { errorBody, errorResponse } from "./errors.ts";
import { locateJsonError } from "./json_error.ts";
import { severityParam, timeParam } from "../params.ts";
import { isoTimeOrNull as iso } from "./iso_time.ts";

export interface HttpConfig {
  /** Largest request body accepted, in bytes; larger ones get 413. */
  readonly maxBodyBytes: number;
  /** Longest log line kept; longer ones are quarantined. */
  readonly maxLineBytes: number;
  /** When set, every /v1 request needs `Authorization: Bearer <key>`. */
  readonly apiKey?: string;
}

export interface HttpDeps {
  readonly app: LoupeApplication;
  readonly clock: Clock;
  readonly config: HttpConfig;
  /** Parses pushed bodies; by default on the thread that serves (see `BodyParsers`). */
  readonly parseBody?: BodyParser;
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

const SIGNED_WEBHOOKS = new Set([
  "/v1/integrations/zendesk/webhook",
  "/v1/integrations/jira/webhook",
]);

const parseInThread: BodyParser = (bytes, options) => Promise.resolve(parseBody(bytes, options));

/** Quarantined lines listed in an ingest reply; the count covers all of them. */
const QUARANTINE_REPLY_LIMIT = 1000;

const FORMATS = ["auto", "jsonl", "logfmt", "syslog", "access", "text", "csv"] as const;
const label = z.string().trim().min(1).max(200);

const ingestQuery = z.object({
  customer: label.optional(),
  environment: label.optional(),
  service: label.optional(),
  version: label.optional(),
  source: label.optional(),
  format: z.enum(FORMATS).optional(),
  strict: z.enum(["true", "false"]).optional(),
}).strict();

const pageParams = {
  limit: z.coerce.number().int().min(1).max(1000).default(50),
  offset: z.coerce.number().int().min(0).default(0),
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
  { app, clock, config, parseBody: parse = parseInThread }: HttpDeps,
): Hono {
  const http = new Hono();

  http.onError((error, c) => errorResponse(c, error));
  http.notFound((c) =>
    c.json(errorBody("not_found", `No route for ${c.req.method} ${c.req.path}`), 404)
  );

  http.use("/v1/*", async (c, next) => {
    // Webhooks prove who sent them with their own signatures (see integration_routes.ts).
    if (config.apiKey === undefined || SIGNED_WEBHOOKS.has(c.req.path)) return await next();
    const header = c.req.header("authorization");
    if (header === undefined) {
      throw new LoupeError(
        "unauthorized",
        "Missing Authorization header: send `Authorization: Bearer <api key>`",
      );
    }
    if (header !== `Bearer ${config.apiKey}`) {
      throw new LoupeError("forbidden", "The API key is not valid");
    }
    await next();
  });

  http.get("/healthz", (c) => {
    const status = app.status();
    return c.json({
      status: "ok",
      head_position: status.headPosition,
      projection_lag: status.projectionLag,
    });
  });

  http.get("/metrics", (c) => {
    c.header("content-type", "text/plain; version=0.0.4; charset=utf-8");
    return c.body(prometheusText(app.status()));
  });

  http.post("/v1/logs", async (c) => {
    const query = ingestQuery.parse(c.req.query());
    const mediaType = (c.req.header("content-type") ?? "text/plain").split(";")[0]!.trim()
      .toLowerCase();
    const body = await readBodyLimited(c.req.raw, config.maxBodyBytes);
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
    const idempotencyKey = c.req.header("idempotency-key");
    const receipt = await app.ingest({
      source: query.source ?? "http",
      format: parsed.format,
      context,
      records: parsed.records,
      quarantined: parsed.quarantined,
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    return c.json({
      batch_id: receipt.batchId,
      format: parsed.format,
      accepted: receipt.accepted,
      quarantined: receipt.quarantined,
      duplicate: receipt.duplicate,
      position: receipt.position,
      quarantined_lines: parsed.quarantined.slice(0, QUARANTINE_REPLY_LIMIT).map((q) => ({
        line: q.line,
        reason: q.reason,
      })),
    });
  });

  http.get("/v1/signatures", (c) => {
    const query = signatureQuery.parse(c.req.query());
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
    const detail = app.signature(c.req.param("id"));
    return c.json({
      ...signatureJson(detail),
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
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(body);
  } catch {
    throw new LoupeError("invalid_json", "Cannot parse JSON: the body is not valid UTF-8");
  }
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    const where = locateJsonError(text);
    const message = (error as Error).message.replace(/\s+/g, " ");
    throw new LoupeError(
      "invalid_json",
      where === undefined
        ? `Cannot parse JSON: ${message}`
        : `Cannot parse JSON at line ${where.line}, column ${where.column}: ${message}`,
      where === undefined ? undefined : { line: where.line, column: where.column },
    );
  }
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
