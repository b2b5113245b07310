/**
 * OTLP logs (OpenTelemetry's `ExportLogsServiceRequest`) read into Loupe's
 * records. Protobuf is decoded by the code OpenTelemetry generated from the
 * official opentelemetry-proto definitions (shipped in
 * `@opentelemetry/otlp-transformer`); OTLP/JSON is checked with zod. Both end
 * in the same walk over resources, scopes and records.
 */
import { withoutOwnOrigin } from "../log_sources/pinned_origin.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { z } from "zod";
import { Buffer } from "node:buffer";
import root from "@opentelemetry/otlp-transformer/build/src/generated/root.js";
import type {
  Attributes,
  AttributeValue,
  ParsedLog,
  QuarantinedLine,
} from "../../domain/log_record.ts";
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import { parseSeverity, severityFromNumber } from "../../domain/severity.ts";
import type { SourcedLog } from "../../ports/log_source.ts";
import type { SourceContext } from "../../domain/log_record.ts";
import {
  PrivateKeyFollower,
  redactAttributes,
  type Redactor,
  type TextRedactor,
} from "../../domain/redaction/mod.ts";
import { redactSourced } from "../redaction/log_redaction.ts";

/** Which resource or record attribute names the customer (or tenant) of a record. */
export interface OtlpOptions {
  /** e.g. `customer.id`; its value becomes the record's customer. */
  readonly customerAttribute: string;
  /** What the quarantined records are filed under (`otlp`). */
  readonly source: string;
  /** Personal data and secrets are replaced before the records leave the decoder. */
  readonly redaction?: RedactionSettings;
  /** Records may not name a customer or environment: the context's (an ingest token's) wins. */
  readonly pinOrigin?: boolean;
}

/** A decoded request: protobuf records come typed, JSON ones are checked one by one. */
export interface OtlpRequest {
  readonly encoding: "protobuf" | "json";
  readonly message: LogsRequest;
}

/** An OTLP request as records and the records that could not be read, with why. */
export interface OtlpBatch {
  readonly records: SourcedLog[];
  readonly quarantined: QuarantinedLine[];
}

/** The attribute a customer comes from when `LOUPE_OTLP_CUSTOMER_ATTRIBUTE` is not set. */
export const DEFAULT_CUSTOMER_ATTRIBUTE = "customer.id";

// deno-lint-ignore no-explicit-any
const generated = (root as any).opentelemetry.proto;
const ExportLogsServiceRequest = generated.collector.logs.v1.ExportLogsServiceRequest;
const ExportLogsServiceResponse = generated.collector.logs.v1.ExportLogsServiceResponse;

/**
 * The fields Loupe reads, as both encodings give them: protobuf brings
 * int64s as `Long` and ids as bytes; JSON brings int64s as strings or
 * numbers and ids as hex.
 */
type Int64 = number | string | { toNumber(): number } | null | undefined;
interface AnyValue {
  stringValue?: string | null;
  boolValue?: boolean | null;
  intValue?: Int64;
  doubleValue?: number | null;
  arrayValue?: { values?: AnyValue[] | null } | null;
  kvlistValue?: { values?: KeyValue[] | null } | null;
  bytesValue?: Uint8Array | string | null;
}
interface KeyValue {
  key?: string | null;
  value?: AnyValue | null;
}
interface LogRecordMessage {
  timeUnixNano?: Int64;
  observedTimeUnixNano?: Int64;
  severityNumber?: number | null;
  severityText?: string | null;
  body?: AnyValue | null;
  attributes?: KeyValue[] | null;
  traceId?: Uint8Array | string | null;
  spanId?: Uint8Array | string | null;
  eventName?: string | null;
}
export interface LogsRequest {
  resourceLogs?: {
    resource?: { attributes?: KeyValue[] | null } | null;
    scopeLogs?: {
      scope?:
        | { name?: string | null; version?: string | null; attributes?: KeyValue[] | null }
        | null;
      logRecords?: unknown[] | null;
    }[] | null;
  }[] | null;
}

/**
 * Decodes an `application/x-protobuf` body; throws when it is not one.
 *
 * @example
 * ```ts
 * import { decodeOtlpProtobuf, otlpRecords } from "./logs.ts";
 * import assert from "node:assert/strict";
 * // An empty message is a valid request with no records.
 * const request = decodeOtlpProtobuf(new Uint8Array());
 * assert.equal(otlpRecords(request, { customerAttribute: "customer.id", source: "otlp" }).records.length, 0);
 * ```
 */
export function decodeOtlpProtobuf(bytes: Uint8Array): OtlpRequest {
  // As a Buffer (a view, not a copy), protobufjs reads strings with the
  // runtime's UTF-8 decoder instead of its own, character by character: a
  // request's decoding took 0.45 µs a record against 0.85.
  const buffer = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  return { encoding: "protobuf", message: ExportLogsServiceRequest.decode(buffer) as LogsRequest };
}

const int64 = z.union([z.number(), z.string().regex(/^-?\d+$/)]);
const anyValue: z.ZodType<AnyValue> = z.lazy(() =>
  z.object({
    stringValue: z.string().nullish(),
    boolValue: z.boolean().nullish(),
    intValue: int64.nullish(),
    doubleValue: z.union([z.number(), z.enum(["NaN", "Infinity", "-Infinity"])]).nullish()
      .transform((v) => (typeof v === "string" ? null : v)),
    arrayValue: z.object({ values: z.array(anyValue).nullish() }).nullish(),
    kvlistValue: z.object({ values: z.array(keyValue).nullish() }).nullish(),
    bytesValue: z.string().nullish(),
  })
);
const keyValue: z.ZodType<KeyValue> = z.object({ key: z.string(), value: anyValue.nullish() });
const hexId = (bytes: number) =>
  z.string().regex(new RegExp(`^(?:[0-9a-fA-F]{${bytes * 2}})?$`), `not ${bytes} bytes of hex`);

const jsonLogRecord = z.object({
  timeUnixNano: int64.nullish(),
  observedTimeUnixNano: int64.nullish(),
  severityNumber: z.number().int().min(0).max(24).nullish(),
  severityText: z.string().nullish(),
  body: anyValue.nullish(),
  attributes: z.array(keyValue).nullish(),
  traceId: hexId(16).nullish(),
  spanId: hexId(8).nullish(),
  eventName: z.string().nullish(),
});

const jsonRequest = z.object({
  resourceLogs: z.array(z.object({
    resource: z.object({ attributes: z.array(keyValue).nullish() }).nullish(),
    scopeLogs: z.array(z.object({
      scope: z.object({
        name: z.string().nullish(),
        version: z.string().nullish(),
        attributes: z.array(keyValue).nullish(),
      }).nullish(),
      // Records are checked one by one, so one bad record is quarantined alone.
      logRecords: z.array(z.unknown()).nullish(),
    })).nullish(),
  })),
});

/**
 * Checks an OTLP/JSON document's envelope; throws a ZodError when it is not one.
 *
 * @example
 * ```ts
 * import { otlpRecords, parseOtlpJson } from "./logs.ts";
 * import assert from "node:assert/strict";
 * const request = parseOtlpJson({
 *   resourceLogs: [{
 *     resource: { attributes: [{ key: "service.name", value: { stringValue: "checkout" } }] },
 *     scopeLogs: [{ logRecords: [{ timeUnixNano: "1700000000000000000", body: { stringValue: "paid" } }] }],
 *   }],
 * });
 * const [record] = otlpRecords(request, { customerAttribute: "customer.id", source: "otlp" }).records;
 * assert.equal(record?.parsed.service, "checkout");
 * assert.equal(record?.parsed.timestamp, 1_700_000_000_000);
 * ```
 */
export function parseOtlpJson(document: unknown): OtlpRequest {
  return { encoding: "json", message: jsonRequest.parse(document) as LogsRequest };
}

/** Redaction as the records are read: the resource's and scope's attributes once, not per record. */
export interface OtlpRedaction {
  readonly redactor: Redactor;
  /** The batch's context: its customer's rules apply to records that name none. */
  readonly context: SourceContext;
}

/**
 * What a resource and scope give all their records: attributes without the
 * context keys, which become the record's own fields.
 */
interface Inherited {
  readonly attributes: Attributes;
  readonly context: Attributes;
  /** `attributes` redacted, for the last redactor asked (a scope's records usually share one). */
  redactedBy?: TextRedactor;
  redacted?: Attributes;
}

/**
 * Every log record of a request with its resource's and scope's context.
 * Records are numbered from 1 in request order; that number is the `line`
 * of a quarantined one. With `redaction`, records and quarantined records
 * come back redacted, each record under its own customer's rules.
 *
 * @example
 * ```ts
 * import { otlpRecords, parseOtlpJson } from "./logs.ts";
 * import assert from "node:assert/strict";
 * const request = parseOtlpJson({
 *   resourceLogs: [{
 *     resource: { attributes: [{ key: "customer.id", value: { stringValue: "acme" } }] },
 *     scopeLogs: [{ logRecords: [{ severityNumber: 17, body: { stringValue: "boom" } }, {}] }],
 *   }],
 * });
 * const { records, quarantined } = otlpRecords(request, { customerAttribute: "customer.id", source: "otlp" });
 * assert.equal(records[0]?.parsed.customer, "acme");
 * assert.equal(records[0]?.parsed.severity?.text, "ERROR");
 * assert.deepEqual(quarantined.map((q) => q.line), [2]);
 * ```
 */
export function otlpRecords(
  request: OtlpRequest,
  options: OtlpOptions,
  redaction?: OtlpRedaction,
): OtlpBatch {
  const decoded = request.encoding === "protobuf";
  const records: SourcedLog[] = [];
  const quarantined: QuarantinedLine[] = [];
  const follower = redaction === undefined ? undefined : new PrivateKeyFollower();
  let ordinal = 0;
  for (const resourceLogs of request.message.resourceLogs ?? []) {
    const resource = attributesOf(resourceLogs.resource?.attributes);
    for (const scopeLogs of resourceLogs.scopeLogs ?? []) {
      const scope = scopeLogs.scope;
      const all: Attributes = { ...resource };
      if (scope?.name) all["otel.scope.name"] = scope.name;
      if (scope?.version) all["otel.scope.version"] = scope.version;
      Object.assign(all, attributesOf(scope?.attributes));
      const inherited = inheritedOf(all);
      for (const raw of scopeLogs.logRecords ?? []) {
        ordinal++;
        const read = readRecord(raw, decoded, inherited, options);
        if (typeof read === "string") {
          quarantined.push({
            source: options.source,
            line: ordinal,
            reason: read,
            raw: rawText(raw),
          });
          continue;
        }
        const pinned = options.pinOrigin === true;
        if (redaction !== undefined) {
          // The customer whose rules apply is the one the record is stored under.
          const text = redaction.redactor.forCustomer(
            (pinned ? undefined : read.parsed.customer) ?? redaction.context.customer,
          );
          read.parsed.message = follower!.redact(read.parsed.message, text);
          read.parsed.attributes = joined(
            redactedInherited(inherited, text),
            redactAttributes(read.own, text),
          );
        }
        read.parsed.attributes = withIds(read.parsed.attributes!, read.ids);
        records.push({
          parsed: pinned ? withoutOwnOrigin(read.parsed) : read.parsed,
          line: ordinal,
        });
      }
    }
  }
  if (redaction !== undefined && quarantined.length > 0) {
    redactSourced([], quarantined, redaction.context, redaction.redactor);
  }
  return { records, quarantined };
}

function inheritedOf(all: Attributes): Inherited {
  const attributes: Attributes = {};
  const context: Attributes = {};
  for (const key in all) {
    if (CONTEXT_KEYS.has(key)) context[key] = all[key]!;
    else attributes[key] = all[key]!;
  }
  return { attributes, context };
}

function redactedInherited(inherited: Inherited, text: TextRedactor): Attributes {
  if (inherited.redactedBy !== text) {
    inherited.redacted = redactAttributes(inherited.attributes, text);
    inherited.redactedBy = text;
  }
  return inherited.redacted!;
}

/** A record's attributes: its own win over the inherited ones and come after them. */
function joined(inherited: Attributes, own: Attributes): Attributes {
  for (const _ in inherited) return { ...inherited, ...own };
  return own;
}

/**
 * The reply OTLP clients expect, as protobuf.
 *
 * @example
 * ```ts
 * import { encodeOtlpResponse } from "./logs.ts";
 * import assert from "node:assert/strict";
 * // Nothing rejected: an empty message.
 * assert.equal(encodeOtlpResponse(0, "").length, 0);
 * assert.ok(encodeOtlpResponse(1, "record 1: it has no body").length > 0);
 * ```
 */
export function encodeOtlpResponse(rejected: number, message: string): Uint8Array<ArrayBuffer> {
  return ExportLogsServiceResponse.encode(
    ExportLogsServiceResponse.create(otlpResponse(rejected, message)),
  ).finish();
}

/**
 * The reply OTLP clients expect, as JSON: `partialSuccess` only when records
 * were rejected, as the spec asks.
 *
 * @example
 * ```ts
 * import { otlpResponse } from "./logs.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(otlpResponse(0, ""), {});
 * assert.deepEqual(otlpResponse(2, "record 3: no body"), {
 *   partialSuccess: { rejectedLogRecords: 2, errorMessage: "record 3: no body" },
 * });
 * ```
 */
export function otlpResponse(
  rejected: number,
  message: string,
): { partialSuccess?: { rejectedLogRecords: number; errorMessage: string } } {
  return rejected === 0
    ? {}
    : { partialSuccess: { rejectedLogRecords: rejected, errorMessage: message } };
}

/** A record read, and the attributes it brings itself (redacted apart from the inherited ones). */
interface ReadRecord {
  readonly parsed: { -readonly [K in keyof ParsedLog]: ParsedLog[K] };
  readonly own: Attributes;
  readonly ids: Ids;
}

function readRecord(
  raw: unknown,
  decoded: boolean,
  inherited: Inherited,
  options: OtlpOptions,
): ReadRecord | string {
  let record: LogRecordMessage;
  if (decoded) {
    record = raw as LogRecordMessage;
  } else {
    const checked = jsonLogRecord.safeParse(raw);
    if (!checked.success) {
      const issue = checked.error.issues[0]!;
      return `Cannot read OTLP log record: ${issue.path.join(".") || "record"}: ${issue.message}`;
    }
    record = checked.data as LogRecordMessage;
  }
  // Context keys are kept as the record's own fields, not twice: every stored
  // attribute costs space and encoding time per record.
  const own: Attributes = {};
  let context = inherited.context;
  const list = record.attributes;
  if (list != null) {
    for (const { key, value } of list) {
      if (!key) continue;
      const read = value == null ? null : anyValueOf(value);
      if (CONTEXT_KEYS.has(key)) {
        if (context === inherited.context) context = { ...context };
        context[key] = read;
      } else own[key] = read;
    }
  }
  let message: string | undefined;
  const body = record.body;
  if (body != null) {
    const value = anyValueOf(body);
    if (body.kvlistValue == null) message = value === null ? undefined : String(value);
    else {
      // A structured body: its own message field is the message, the rest attributes.
      const fields = attributesOf(body.kvlistValue.values);
      for (const key of ["message", "msg", "log"]) {
        if (typeof fields[key] === "string") {
          message = fields[key] as string;
          delete fields[key];
          break;
        }
      }
      for (const key in fields) own["body." + key] = fields[key]!;
      if (message === undefined) message = String(value);
    }
  }
  if (message === undefined && record.eventName) message = record.eventName;
  if (message === undefined || message === "") {
    return "Cannot read OTLP log record: it has no body";
  }
  if (record.eventName) own["event.name"] = record.eventName;
  const timestamp = millisOf(record.timeUnixNano) ?? millisOf(record.observedTimeUnixNano);
  const observed = millisOf(record.observedTimeUnixNano);
  if (observed !== undefined) own.observed_time = new Date(observed).toISOString();
  const severity = (record.severityNumber ?? 0) > 0
    ? severityFromNumber(record.severityNumber!)
    : parseSeverity(record.severityText ?? undefined);
  if (record.severityText) own.severity_text = record.severityText;
  const customerKey = options.customerAttribute;
  const customer = stringOf(
    CONTEXT_KEYS.has(customerKey)
      ? context[customerKey]
      : own[customerKey] !== undefined
      ? own[customerKey]
      : inherited.attributes[customerKey],
  );
  const environment = stringOf(context["deployment.environment.name"]) ??
    stringOf(context["deployment.environment"]);
  const service = stringOf(context["service.name"]);
  const version = stringOf(context["service.version"]);
  // Fields in one order, so records share one shape.
  const parsed = {} as ReadRecord["parsed"];
  if (timestamp !== undefined) parsed.timestamp = timestamp;
  if (severity !== undefined) parsed.severity = severity;
  parsed.message = message;
  if (customer !== undefined) parsed.customer = customer;
  if (environment !== undefined) parsed.environment = environment;
  if (service !== undefined) parsed.service = service;
  if (version !== undefined) parsed.version = version;
  parsed.attributes = joined(inherited.attributes, own);
  return { parsed, own, ids: idsOf(record) };
}

/** A record's trace and span ids as hex, empty when unset. */
interface Ids {
  readonly traceId: string;
  readonly spanId: string;
}

function idsOf(record: LogRecordMessage): Ids {
  return { traceId: hex(record.traceId), spanId: hex(record.spanId) };
}

/**
 * A record's attributes (its own object, never one records share) with its
 * ids added. Redaction passes the ids by: they are random bytes written as
 * hex, which hold no personal data, and a run of digits in one could pass
 * the card checks and cost the record its trace.
 */
function withIds(attributes: Attributes, ids: Ids): Attributes {
  if (ids.traceId !== "") attributes.trace_id = ids.traceId;
  if (ids.spanId !== "") attributes.span_id = ids.spanId;
  return attributes;
}

const CONTEXT_KEYS = new Set([
  "service.name",
  "service.version",
  "deployment.environment.name",
  "deployment.environment",
]);

function stringOf(value: AttributeValue | undefined): string | undefined {
  return value === undefined || value === null || value === "" ? undefined : String(value);
}

/** Epoch milliseconds from Unix nanoseconds; 0 (unset) and out-of-range times are none. */
function millisOf(nanos: Int64): number | undefined {
  if (nanos === null || nanos === undefined) return undefined;
  let ms: number;
  if (typeof nanos === "number") ms = Math.floor(nanos / 1e6);
  else if (typeof nanos === "string") {
    // Nanosecond strings pass 2^53: cut the last six digits instead of dividing.
    ms = nanos.length > 6 ? Number(nanos.slice(0, -6)) : 0;
  } else ms = Math.floor(nanos.toNumber() / 1e6);
  return ms > 0 && ms < 8.64e15 ? ms : undefined;
}

function attributesOf(list: KeyValue[] | null | undefined): Attributes {
  const attributes: Attributes = {};
  if (list == null) return attributes;
  for (const { key, value } of list) {
    if (key) attributes[key] = value == null ? null : anyValueOf(value);
  }
  return attributes;
}

/** Scalars stay scalars; arrays, maps and bytes become text (JSON, base64). */
function anyValueOf(value: AnyValue): AttributeValue {
  if (value.stringValue != null) return value.stringValue;
  if (value.boolValue != null) return value.boolValue;
  if (value.intValue != null) {
    const n = value.intValue;
    return typeof n === "number" ? n : typeof n === "string" ? Number(n) : n.toNumber();
  }
  if (value.doubleValue != null) return value.doubleValue;
  if (value.arrayValue != null) return JSON.stringify(jsonOf(value));
  if (value.kvlistValue != null) return JSON.stringify(jsonOf(value));
  if (value.bytesValue != null) {
    return typeof value.bytesValue === "string" ? value.bytesValue : base64(value.bytesValue);
  }
  return null;
}

function jsonOf(value: AnyValue): unknown {
  if (value.arrayValue != null) return (value.arrayValue.values ?? []).map(jsonOf);
  if (value.kvlistValue != null) {
    const object: Record<string, unknown> = {};
    for (const { key, value: inner } of value.kvlistValue.values ?? []) {
      if (key) object[key] = inner == null ? null : jsonOf(inner);
    }
    return object;
  }
  return anyValueOf(value);
}

/**
 * Trace and span ids as hex; an id of zeros is unset. Runs twice per record:
 * the built-in `toHex` makes each id one flat string, at 0.07 µs against
 * 0.1 for the character codes written out by hand (appended two digits at a
 * time, it was a chain of 16 pieces per trace id, about 2 µs a record).
 */
function hex(id: Uint8Array | string | null | undefined): string {
  if (id == null) return "";
  if (typeof id === "string") return id.toLowerCase();
  let set = 0;
  for (let i = 0; i < id.length; i++) set |= id[i]!;
  return set === 0 ? "" : id.toHex();
}

function base64(bytes: Uint8Array): string {
  let binary = "";
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary);
}

function rawText(raw: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(raw, (_key, value) =>
      value instanceof Uint8Array ? base64(value) : value) ?? String(raw);
  } catch {
    text = String(raw);
  }
  return text.length > QUARANTINE_RAW_LIMIT ? text.slice(0, QUARANTINE_RAW_LIMIT) : text;
}
