/**
 * One simulated log event as a line in the format its service writes:
 * JSON lines, logfmt, RFC 5424 syslog, log4j-style text (with Java stack
 * traces on the lines after) or Apache/nginx combined access log.
 *
 * @module
 */
import type { LogFormat } from "./catalog.ts";
import type { JavaException } from "./incident_catalog.ts";

/** The request an access log line is about. */
export interface AccessRequest {
  readonly ip: string;
  readonly method: string;
  /** Path with its query string, as the client sent it. */
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly userAgent: string;
  readonly referer?: string;
}

export interface LineEvent {
  /** Epoch ms (UTC). */
  readonly at: number;
  readonly level: "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  readonly service: string;
  readonly host: string;
  readonly pid: number;
  /** Java package of the service's loggers, e.g. `com.acme.orders`; "" for none (gateway). */
  readonly pkg: string;
  /** Simple class name of the log4j logger; default `<Service>Service`. */
  readonly logger?: string;
  /** log4j thread; default a Tomcat worker (`http-nio-8080-exec-N`). */
  readonly thread?: string;
  readonly version: string;
  /** On a shared cluster, the tenant the line is about (attribute `tenant_id`); null: none. */
  readonly tenant: string | null;
  /** The rendered message, one line. */
  readonly message: string;
  /** The template's variables, written as fields where the format has them. */
  readonly fields: readonly (readonly [string, string | number])[];
  readonly exception?: JavaException;
  /** Required for the access format. */
  readonly request?: AccessRequest;
}

// The keys the formats write themselves, and the names log readers take for
// the time, level, message, service, version, customer or environment of a
// line: a template variable of such a name is written `var_<name>`.
const RESERVED = new Set([
  "ts",
  "level",
  "service",
  "version",
  "host",
  "msg",
  "tenant_id",
  "error",
  "error_type",
  "error_message",
  "@timestamp",
  "timestamp",
  "time",
  "datetime",
  "date",
  "t",
  "severity",
  "lvl",
  "message",
  "log",
  "text",
  "body",
  "event",
  "app",
  "application",
  "service_name",
  "customer",
  "customer_id",
  "env",
  "environment",
  "release",
]);
const fieldName = (name: string) => (RESERVED.has(name) ? `var_${name}` : name);

/**
 * The event as a line of `format`, with no trailing newline. Only log4j lines
 * with an exception span several lines (the stack trace).
 *
 * @example
 * ```ts
 * import { renderLine } from "./render.ts";
 * import assert from "node:assert/strict";
 * const line = renderLine("logfmt", {
 *   at: Date.UTC(2026, 10, 22, 10), level: "INFO", service: "orders", host: "orders-1", pid: 7,
 *   pkg: "com.acme.orders", version: "5.7.1", tenant: null, message: "Order placed", fields: [["n", 3]],
 * });
 * assert.equal(
 *   line,
 *   'ts=2026-11-22T10:00:00.000Z level=info service=orders version=5.7.1 host=orders-1 msg="Order placed" n=3',
 * );
 * ```
 */
export function renderLine(format: LogFormat, event: LineEvent): string {
  switch (format) {
    case "jsonl":
      return jsonLine(event);
    case "logfmt":
      return logfmtLine(event);
    case "syslog":
      return syslogLine(event);
    case "log4j":
      return log4jLine(event);
    case "access":
      return accessLine(event);
  }
}

const isoTime = (at: number) => new Date(at).toISOString();

// JSON lines as pino, zap or logstash-logback-encoder write them.
function jsonLine(e: LineEvent): string {
  const out: Record<string, unknown> = {
    ts: isoTime(e.at),
    level: e.level.toLowerCase(),
    service: e.service,
    version: e.version,
    host: e.host,
    msg: e.message,
  };
  for (const [name, value] of e.fields) out[fieldName(name)] = value;
  if (e.tenant !== null) out.tenant_id = e.tenant;
  if (e.exception !== undefined) {
    out.error = {
      type: e.exception.type,
      message: e.exception.message,
      stack: stackLines(e.exception).join("\n"),
    };
  }
  return JSON.stringify(out);
}

// As Go's logfmt encoders do: quote a value with spaces, quotes, `=` or
// control characters; escape `\`, `"` and line breaks inside quotes.
function logfmtValue(value: string | number): string {
  const text = String(value);
  if (text !== "" && !/[\s"=\\\p{Cc}]/u.test(text)) return text;
  const escaped = text.replace(
    /[\\"\n\r\t]/g,
    (c) => c === "\n" ? "\\n" : c === "\r" ? "\\r" : c === "\t" ? "\\t" : `\\${c}`,
  );
  return `"${escaped}"`;
}

function logfmtLine(e: LineEvent): string {
  const parts = [
    `ts=${isoTime(e.at)}`,
    `level=${e.level.toLowerCase()}`,
    `service=${logfmtValue(e.service)}`,
    `version=${logfmtValue(e.version)}`,
    `host=${logfmtValue(e.host)}`,
    `msg=${logfmtValue(e.message)}`,
  ];
  for (const [name, value] of e.fields) parts.push(`${fieldName(name)}=${logfmtValue(value)}`);
  if (e.tenant !== null) parts.push(`tenant_id=${logfmtValue(e.tenant)}`);
  if (e.exception !== undefined) {
    parts.push(
      `error_type=${logfmtValue(e.exception.type)}`,
      `error_message=${logfmtValue(e.exception.message)}`,
    );
  }
  return parts.join(" ");
}

/** RFC 5424 severities: crit, err, warning, informational, debug. */
const SYSLOG_SEVERITY: Record<LineEvent["level"], number> = {
  FATAL: 2,
  ERROR: 3,
  WARN: 4,
  INFO: 6,
  DEBUG: 7,
};
const LOCAL0 = 16;
/** The SD-ID of the structured data element (an enterprise number as RFC 5424's examples use). */
const SD_ID = "loupe@32473";

/** PARAM-VALUE: `"`, `\` and `]` escaped with a backslash (RFC 5424, 6.3.3). */
const sdValue = (value: string | number) => String(value).replace(/[\\"\]]/g, (c) => `\\${c}`);
/** SD-NAME: 1 to 32 printable US-ASCII characters but `=`, `]`, `"` and space. */
const sdName = (name: string) => name.replace(/[^!-~]|[=\]"]/g, "_").slice(0, 32);

// A syslog line is one line: an exception is told by its type and message
// as parameters, its stack trace left out.
function syslogLine(e: LineEvent): string {
  const pri = LOCAL0 * 8 + SYSLOG_SEVERITY[e.level];
  const params: [string, string | number][] = [["version", e.version]];
  if (e.tenant !== null) params.push(["tenant_id", e.tenant]);
  for (const [name, value] of e.fields) params.push([sdName(fieldName(name)), value]);
  if (e.exception !== undefined) {
    params.push(["error_type", e.exception.type], ["error_message", e.exception.message]);
  }
  const sd = `[${SD_ID}${params.map(([name, value]) => ` ${name}="${sdValue(value)}"`).join("")}]`;
  const host = e.host === "" ? "-" : e.host;
  const head = `<${pri}>1 ${isoTime(e.at)} ${host} ${e.service} ${e.pid} - ${sd}`;
  return e.message === "" ? head : `${head} ${e.message}`;
}

/** logback's `%d{yyyy-MM-dd HH:mm:ss,SSS}` in UTC. */
function log4jTime(at: number): string {
  const iso = isoTime(at);
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

/** `orders` -> `OrdersService`, `bulk-import` -> `BulkImportService`. */
function defaultLogger(service: string): string {
  const words = service.split(/[^A-Za-z0-9]+/).filter((w) => w !== "");
  return `${words.map((w) => w[0]!.toUpperCase() + w.slice(1)).join("")}Service`;
}

// `%d %-5level [%thread] %X %logger - %msg%n%ex`: shared clusters put the
// tenant in the MDC, which prints in brackets after the thread. The version
// is left to the file's context.
function log4jLine(e: LineEvent): string {
  const simple = e.logger ?? defaultLogger(e.service);
  const logger = e.pkg === "" ? simple : `${e.pkg}.${simple}`;
  const thread = e.thread ?? `http-nio-8080-exec-${1 + (Math.floor(e.at / 7) % 10)}`;
  const mdc = e.tenant === null ? "" : ` [tenant_id=${e.tenant}]`;
  const head = `${log4jTime(e.at)} ${e.level.padEnd(5)} [${thread}]${mdc} ${logger} - ${e.message}`;
  return e.exception === undefined ? head : [head, ...stackLines(e.exception)].join("\n");
}

const describe = (exception: JavaException) =>
  exception.message === "" ? exception.type : `${exception.type}: ${exception.message}`;

/**
 * The trace as `Throwable.printStackTrace` writes it: `Type: message`,
 * `\tat frame`..., then each cause as `Caused by: ...` with its own frames
 * and `\t... N more` for the frames it shares with the trace enclosing it
 * (each cause taken to have been called from everything above it).
 */
function stackLines(exception: JavaException): string[] {
  const lines = [describe(exception)];
  for (const frame of exception.frames) lines.push(`\tat ${frame}`);
  let enclosing = exception.frames.length;
  for (let cause = exception.cause; cause !== undefined; cause = cause.cause) {
    lines.push(`Caused by: ${describe(cause)}`);
    for (const frame of cause.frames) lines.push(`\tat ${frame}`);
    if (enclosing > 0) lines.push(`\t... ${enclosing} more`);
    enclosing += cause.frames.length;
  }
  return lines;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

/** nginx escapes `"`, `\` and control characters in quoted fields as `\xHH`. */
const accessQuoted = (text: string) =>
  text.replace(
    /[\\"\p{Cc}]/gu,
    (c) => `\\x${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, "0")}`,
  );

// nginx's combined format with `$request_time` (seconds, ms precision) after
// it, as many sites configure it; `$time_local` in UTC has no milliseconds.
function accessLine(e: LineEvent): string {
  const r = e.request;
  if (r === undefined) throw new Error("Cannot render an access log line without its request");
  const d = new Date(e.at);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${
    pad(d.getUTCHours())
  }:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  const request = accessQuoted(`${r.method} ${r.path} HTTP/1.1`);
  const referer = accessQuoted(r.referer ?? "-");
  return `${r.ip} - - [${time}] "${request}" ${r.status} ${r.bytes} "${referer}" "${
    accessQuoted(r.userAgent)
  }" ${(r.durationMs / 1000).toFixed(3)}`;
}
