/**
 * OTLP/HTTP on `POST /v1/logs`: what an OpenTelemetry Collector's `otlphttp`
 * exporter or an SDK's OTLP log exporter sends. Status codes follow the OTLP
 * spec, so clients retry what they should: 400 for data that will never be
 * read (not retried), 413/415 as HTTP means them, 429 and 503 with
 * `Retry-After` when Loupe is busy or its store failed (retried).
 */
import type { RedactionSettings } from "../../ports/redaction.ts";
import { redactorOf } from "../redaction/log_redaction.ts";
import { z } from "zod";
import type { LoupeApplication } from "../../ports/application.ts";
import { LoupeError } from "../../ports/errors.ts";
import { IdempotencyKeyReusedError } from "../../ports/event_store.ts";
import type { SourceContext } from "../../domain/log_record.ts";
import { ingestLabels } from "../params.ts";
import { readBodyLimited } from "../http/request.ts";
import { errorBody } from "../http/errors.ts";
import { idempotencyKeyOf } from "../http/idempotency.ts";
import {
  canonicalQuery,
  capQuarantine,
  checkLineCount,
  DEFAULT_MAX_LINES,
  ingestIdempotency,
} from "../http/ingest_rules.ts";
import type { OtlpDecoders } from "./decoders.ts";
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { EncodedRecords, SourcedLog } from "../../ports/log_source.ts";
import {
  decodeOtlpProtobuf,
  encodeOtlpResponse,
  otlpRecords,
  type OtlpRequest,
  otlpResponse,
  parseOtlpJson,
} from "./logs.ts";

export interface OtlpHttpConfig {
  readonly app: LoupeApplication;
  /** Largest body accepted, compressed or not, in bytes. */
  readonly maxBodyBytes: number;
  /** The resource or record attribute that names the customer. */
  readonly customerAttribute: string;
  /** Most log records one request may carry; more get 413, as lines do on the text path. */
  readonly maxLines?: number;
  /** OTLP requests ingesting at once before new ones get 429. */
  readonly maxPending?: number;
  /** Decodes protobuf on workers; without it, on the thread that serves. */
  readonly decoders?: OtlpDecoders;
  /** Personal data and secrets are replaced before anything is stored. */
  readonly redaction?: RedactionSettings;
}

/** The origin an `ingest:` token pushes for: the records' own customer and environment are ignored. */
export interface PinnedOrigin {
  readonly customer: string;
  readonly environment: string;
}

const DEFAULT_MAX_PENDING = 64;
/** Seconds a client is asked to wait before it retries a 429 or 503. */
const RETRY_AFTER_SECONDS = 1;
/** Quarantine reasons named in `partialSuccess.errorMessage`. */
const REASONS_IN_REPLY = 5;

const otlpQuery = z.object(ingestLabels).strict();

/**
 * Takes the OTLP requests among those that reach `POST /v1/logs`; any other
 * body is left unread for the usual ingest (undefined).
 */
export function otlpLogsHandler(
  config: OtlpHttpConfig,
): (request: Request, origin?: PinnedOrigin) => Promise<Response | undefined> {
  let pending = 0;
  const maxPending = config.maxPending ?? DEFAULT_MAX_PENDING;
  return async (request, origin) => {
    const mediaType = mediaTypeOf(request);
    const isProtobuf = mediaType === "application/x-protobuf";
    if (!isProtobuf && mediaType !== "application/json") return undefined;
    // A bad key is refused before the body is read, as on the text path.
    idempotencyKeyOf(request.headers.get("idempotency-key") ?? undefined);
    let otlp: OtlpRequest | Uint8Array;
    let body: Uint8Array;
    if (isProtobuf) {
      const bytes = await bodyOf(request, config.maxBodyBytes);
      body = bytes;
      if (config.decoders !== undefined) otlp = bytes;
      else {
        try {
          otlp = decodeOtlpProtobuf(bytes);
        } catch (error) {
          throw new LoupeError(
            "bad_request",
            `Cannot decode OTLP protobuf: ${(error as Error).message}`,
          );
        }
      }
    } else {
      // Only a JSON object with `resourceLogs` is OTLP; read a copy, so any
      // other JSON body is still there for the usual ingest.
      const read = await otlpJsonDocument(request.clone(), config.maxBodyBytes);
      if (read === undefined) return undefined;
      body = read.bytes;
      try {
        otlp = parseOtlpJson(read.document);
      } catch (error) {
        const issue = (error as z.ZodError).issues?.[0];
        throw new LoupeError(
          "bad_request",
          `Cannot read OTLP/JSON: ${issue ? `${issue.path.join(".")}: ${issue.message}` : error}`,
        );
      }
    }
    const maxLines = config.maxLines ?? DEFAULT_MAX_LINES;
    if (!(otlp instanceof Uint8Array)) {
      checkLineCount(logRecordCount(otlp), maxLines, "log records");
    }
    if (pending >= maxPending) {
      return retryLater(429, "too_many_requests", "Too many OTLP requests at once: retry later");
    }
    pending++;
    try {
      return await ingest(config, request, otlp, isProtobuf, body, maxLines, origin);
    } finally {
      pending--;
    }
  };
}

async function ingest(
  config: OtlpHttpConfig,
  request: Request,
  otlp: OtlpRequest | Uint8Array,
  isProtobuf: boolean,
  body: Uint8Array,
  maxLines: number,
  origin: PinnedOrigin | undefined,
): Promise<Response> {
  const rawQuery = Object.fromEntries(new URL(request.url).searchParams);
  const query = otlpQuery.parse(rawQuery);
  const source = query.source ?? "otlp";
  if (
    origin !== undefined &&
    ((query.customer !== undefined && query.customer !== origin.customer) ||
      (query.environment !== undefined && query.environment !== origin.environment))
  ) {
    throw new LoupeError(
      "forbidden",
      `This token pushes only for ${origin.customer}/${origin.environment}: leave customer and environment out or name that origin`,
    );
  }
  const customer = origin?.customer ?? query.customer;
  const environment = origin?.environment ?? query.environment;
  const context: SourceContext = {
    ...(customer === undefined ? {} : { customer }),
    ...(environment === undefined ? {} : { environment }),
    ...(query.service === undefined ? {} : { service: query.service }),
    ...(query.version === undefined ? {} : { version: query.version }),
  };
  const options = {
    customerAttribute: config.customerAttribute,
    source,
    ...(origin === undefined ? {} : { pinOrigin: true }),
    ...(config.redaction === undefined ? {} : { redaction: config.redaction }),
  };
  const batch: {
    records: readonly SourcedLog[] | EncodedRecords;
    quarantined: readonly QuarantinedLine[];
  } = otlp instanceof Uint8Array
    ? await config.decoders!.decode(otlp, { ...options, context })
    : otlpRecords(
      otlp,
      options,
      config.redaction === undefined
        ? undefined
        : { redactor: redactorOf(config.redaction), context },
    );
  // Decoded on a worker, the records are counted only now.
  const records = Array.isArray(batch.records)
    ? batch.records.length
    : (batch.records as EncodedRecords).count;
  checkLineCount(records + batch.quarantined.length, maxLines, "log records");
  const idempotency = ingestIdempotency(
    request.headers.get("idempotency-key"),
    context,
    () => [canonicalQuery(rawQuery), isProtobuf ? "otlp-protobuf" : "otlp-json", body],
  );
  try {
    await config.app.ingest({
      source,
      format: isProtobuf ? "otlp-protobuf" : "otlp-json",
      context,
      records: batch.records,
      quarantined: capQuarantine(batch.quarantined),
      ...idempotency,
    });
  } catch (error) {
    if (error instanceof LoupeError && error.status < 500) throw error;
    if (error instanceof IdempotencyKeyReusedError) throw error;
    console.error("OTLP ingest failed:", error);
    return retryLater(503, "unavailable", "Cannot store the records now: retry later");
  }
  const reasons = batch.quarantined.slice(0, REASONS_IN_REPLY)
    .map((q) => `record ${q.line}: ${q.reason}`).join("; ");
  if (isProtobuf) {
    return new Response(encodeOtlpResponse(batch.quarantined.length, reasons), {
      headers: { "content-type": "application/x-protobuf" },
    });
  }
  return Response.json(otlpResponse(batch.quarantined.length, reasons));
}

function mediaTypeOf(request: Request): string {
  return (request.headers.get("content-type") ?? "").split(";")[0]!.trim().toLowerCase();
}

/** The body, gunzipped when it says so; both sizes bounded by the limit. */
async function bodyOf(request: Request, limitBytes: number): Promise<Uint8Array> {
  const encoding = (request.headers.get("content-encoding") ?? "identity").trim().toLowerCase();
  if (encoding !== "gzip" && encoding !== "identity") {
    throw new LoupeError(
      "unsupported_media_type",
      `Cannot read a body with Content-Encoding ${encoding}: send gzip or none`,
    );
  }
  const bytes = await readBodyLimited(request, limitBytes);
  if (encoding === "identity") return bytes;
  const inflated = new Blob([bytes as Uint8Array<ArrayBuffer>]).stream()
    .pipeThrough(new DecompressionStream("gzip"));
  try {
    return await readBodyLimited(
      new Request("http://body", { method: "POST", body: inflated }),
      limitBytes,
    );
  } catch (error) {
    if (error instanceof LoupeError) throw error;
    throw new LoupeError(
      "bad_request",
      `Cannot decompress the gzip body: ${(error as Error).message}`,
    );
  }
}

async function otlpJsonDocument(
  request: Request,
  limitBytes: number,
): Promise<{ document: unknown; bytes: Uint8Array } | undefined> {
  const bytes = await bodyOf(request, limitBytes);
  let start = 0;
  while (start < bytes.length && (bytes[start] === 0x20 || bytes[start]! <= 0x0d)) start++;
  if (bytes[start] !== 0x7b) return undefined;
  let text: string;
  try {
    text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return undefined;
  }
  if (!text.includes('"resourceLogs"')) return undefined;
  try {
    const document = JSON.parse(text);
    return document !== null && typeof document === "object" && "resourceLogs" in document
      ? { document, bytes }
      : undefined;
  } catch {
    return undefined;
  }
}

/** Log records in a request, counted before any is mapped. */
function logRecordCount(request: OtlpRequest): number {
  let count = 0;
  for (const resourceLogs of request.message.resourceLogs ?? []) {
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      count += scopeLogs.logRecords?.length ?? 0;
    }
  }
  return count;
}

function retryLater(status: 429 | 503, code: string, message: string): Response {
  return Response.json(errorBody(code, message), {
    status,
    headers: { "retry-after": String(RETRY_AFTER_SECONDS) },
  });
}
