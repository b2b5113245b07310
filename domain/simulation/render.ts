/**
 * One simulated log event as a line in the format its service writes:
 * JSON lines, logfmt, RFC 5424 syslog, log4j-style text (with Java stack
 * traces on the lines after) or combined access log.
 *
 * @module
 */
import type { LogFormat } from "./catalog.ts";
import type { JavaException } from "./incident_catalog.ts";

export interface AccessRequest {
  readonly ip: string;
  readonly method: string;
  readonly path: string;
  readonly status: number;
  readonly bytes: number;
  readonly durationMs: number;
  readonly userAgent: string;
  readonly referer?: string;
}

export interface LineEvent {
  readonly at: number;
  readonly level: "DEBUG" | "INFO" | "WARN" | "ERROR" | "FATAL";
  readonly service: string;
  readonly host: string;
  readonly pid: number;
  /** Java package of the service's loggers. */
  readonly pkg: string;
  /** Simple class name of the logger. */
  readonly logger?: string;
  readonly thread?: string;
  readonly version: string;
  /** On a shared cluster, the tenant the line is about (attribute `tenant_id`). */
  readonly tenant: string | null;
  readonly message: string;
  /** The template's variables, written as fields where the format has them. */
  readonly fields: readonly (readonly [string, string | number])[];
  readonly exception?: JavaException;
  readonly request?: AccessRequest;
}

const CORE_KEYS = new Set([
  "ts",
  "level",
  "service",
  "version",
  "host",
  "msg",
  "tenant_id",
  "error",
]);
const fieldName = (name: string) => (CORE_KEYS.has(name) ? `var_${name}` : name);

/**
 * The line (no trailing newline; log4j stack traces span several lines).
 *
 * @example
 * ```ts
 * import { renderLine } from "./render.ts";
 * import assert from "node:assert/strict";
 * const line = renderLine("logfmt", {
 *   at: Date.UTC(2026, 10, 22, 10), level: "INFO", service: "orders", host: "orders-1", pid: 7,
 *   pkg: "com.acme.orders", version: "5.7.1", tenant: null, message: "Order placed", fields: [["n", 3]],
 * });
 * assert.equal(line, 'ts=2026-11-22T10:00:00.000Z level=info service=orders version=5.7.1 msg="Order placed" n=3');
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

function jsonLine(e: LineEvent): string {
  const out: Record<string, unknown> = {
    ts: new Date(e.at).toISOString(),
    level: e.level.toLowerCase(),
    service: e.service,
    version: e.version,
    host: e.host,
    msg: e.message,
  };
  if (e.tenant !== null) out.tenant_id = e.tenant;
  for (const [name, value] of e.fields) out[fieldName(name)] = value;
  if (e.exception !== undefined) {
    out.error = {
      type: e.exception.type,
      message: e.exception.message,
      stack: stackLines(e.exception).join("\n"),
    };
  }
  return JSON.stringify(out);
}

function logfmtValue(value: string | number): string {
  const text = String(value);
  return text === "" || /[\s"=\\]/.test(text)
    ? `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"')}"`
    : text;
}

function logfmtLine(e: LineEvent): string {
  let line =
    `ts=${new Date(e.at).toISOString()} level=${e.level.toLowerCase()} service=${e.service}` +
    ` version=${e.version} msg=${logfmtValue(e.message)}`;
  if (e.tenant !== null) line += ` tenant_id=${logfmtValue(e.tenant)}`;
  for (const [name, value] of e.fields) line += ` ${fieldName(name)}=${logfmtValue(value)}`;
  if (e.exception !== undefined) {
    line += ` error_type=${logfmtValue(e.exception.type)} error_message=${
      logfmtValue(e.exception.message)
    }`;
  }
  return line;
}

const SYSLOG_SEVERITY: Record<LineEvent["level"], number> = {
  FATAL: 2,
  ERROR: 3,
  WARN: 4,
  INFO: 6,
  DEBUG: 7,
};
const LOCAL0 = 16;

function sdValue(value: string | number): string {
  return String(value).replace(/[\\"\]]/g, (c) => `\\${c}`);
}

function syslogLine(e: LineEvent): string {
  const pri = LOCAL0 * 8 + SYSLOG_SEVERITY[e.level];
  let sd = `[loupe@32473 version="${sdValue(e.version)}"`;
  if (e.tenant !== null) sd += ` tenant_id="${sdValue(e.tenant)}"`;
  for (const [name, value] of e.fields) {
    // SD-NAMEs are printable ASCII without '=', ']', '"' or spaces, at most 32 characters.
    sd += ` ${fieldName(name).replace(/[^!-~]|[=\]"]/g, "_").slice(0, 32)}="${sdValue(value)}"`;
  }
  sd += "]";
  const message = e.exception === undefined
    ? e.message
    : `${e.message}: ${e.exception.type}: ${e.exception.message}`;
  return `<${pri}>1 ${
    new Date(e.at).toISOString()
  } ${e.host} ${e.service} ${e.pid} - ${sd} ${message}`;
}

function log4jTime(at: number): string {
  const iso = new Date(at).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 19)},${iso.slice(20, 23)}`;
}

function log4jLine(e: LineEvent): string {
  const logger = e.pkg === ""
    ? e.logger ?? e.service
    : `${e.pkg}.${e.logger ?? `${e.service[0]!.toUpperCase()}${e.service.slice(1)}Service`}`;
  const thread = e.thread ?? `http-nio-8080-exec-${1 + (e.at % 20)}`;
  // Shared clusters put the tenant in the MDC, which the pattern prints in brackets.
  const mdc = e.tenant === null ? "" : ` [tenant_id=${e.tenant}]`;
  const head = `${log4jTime(e.at)} ${e.level.padEnd(5)} [${thread}]${mdc} ${logger} - ${e.message}`;
  return e.exception === undefined ? head : [head, ...stackLines(e.exception)].join("\n");
}

/** `Type: message`, `\tat frame`..., then `Caused by:` chains as the JVM prints them. */
function stackLines(exception: JavaException): string[] {
  const lines = [`${exception.type}: ${exception.message}`];
  for (const frame of exception.frames) lines.push(`\tat ${frame}`);
  let cause = exception.cause;
  while (cause !== undefined) {
    lines.push(`Caused by: ${cause.type}: ${cause.message}`);
    for (const frame of cause.frames) lines.push(`\tat ${frame}`);
    lines.push(`\t... ${exception.frames.length} more`);
    cause = cause.cause;
  }
  return lines;
}

const MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

function accessLine(e: LineEvent): string {
  const r = e.request;
  if (r === undefined) throw new Error("Cannot render an access log line without its request");
  const d = new Date(e.at);
  const pad = (n: number) => String(n).padStart(2, "0");
  const time = `${pad(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:${
    pad(d.getUTCHours())
  }:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())} +0000`;
  return `${r.ip} - - [${time}] "${r.method} ${r.path} HTTP/1.1" ${r.status} ${r.bytes} "${
    r.referer ?? "-"
  }" "${r.userAgent}" rt=${(r.durationMs / 1000).toFixed(3)}`;
}
