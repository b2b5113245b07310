/**
 * The simulator's lines, read back by Loupe's own parsers: what a user who
 * uploads a simulated file would see.
 */
import assert from "node:assert/strict";
import type { ParsedLog } from "../../domain/log_record.ts";
import type { SeverityText } from "../../domain/severity.ts";
import { ISSUES, type JavaException } from "../../simulation/incident_catalog.ts";
import { type LineEvent, renderLine } from "../../simulation/render.ts";
import type { LogFormat } from "../../simulation/catalog.ts";
import { detectFormat, type FormatName } from "./mod.ts";
import { parseText, problems, records } from "./_test_utils.ts";

const AT = Date.UTC(2026, 10, 22, 10, 0, 0, 123);

const EXCEPTION: JavaException = {
  type: "com.acme.payments.provider.ProviderUnavailableException",
  message: "503 Service Unavailable",
  frames: [
    "com.acme.payments.provider.HttpProviderClient.post(HttpProviderClient.java:171)",
    "com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)",
  ],
  cause: {
    type: "java.net.SocketTimeoutException",
    message: "Read timed out",
    frames: ["java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)"],
    cause: {
      type: "java.io.InterruptedIOException",
      message: "",
      frames: ["java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:283)"],
    },
  },
};

const BASE: LineEvent = {
  at: AT,
  level: "INFO",
  service: "payments",
  host: "payments-k3x9a1",
  pid: 4242,
  pkg: "com.acme.payments",
  version: "5.7.1",
  tenant: null,
  message: "Payment pay_7f3k2m9q captured",
  fields: [["payment_id", "pay_7f3k2m9q"], ["duration_ms", 42]],
};

/** Events covering levels, tenants, awkward field values and exceptions. */
const EVENTS: readonly LineEvent[] = [
  BASE,
  {
    ...BASE,
    at: AT + 1_001,
    level: "WARN",
    tenant: "northwind-logistics",
    message: 'Retrying "capture" for Zürich café ☕ (attempt 2/3) a=b',
    fields: [
      ["note", 'say "hi" \\ a=b ]'],
      ["city", "Zürich ☕"],
      ["empty", ""],
      ["host", "db-1.internal"],
      ["message", "clash"],
      ["attempt", 2],
    ],
  },
  {
    ...BASE,
    at: AT + 60_250,
    level: "ERROR",
    tenant: "acme-corp",
    logger: "CaptureService",
    thread: "capture-worker-3",
    message: "Payment provider stripe unavailable: POST /v1/charges returned 503 after 3000 ms",
    fields: [["duration_ms", "3000"]],
    exception: EXCEPTION,
  },
  { ...BASE, at: AT + 3_600_000, level: "DEBUG", fields: [] },
  {
    ...BASE,
    at: AT + 7_200_999,
    level: "FATAL",
    message: "Out of memory: shutting down",
    exception: { type: "java.lang.OutOfMemoryError", message: "Java heap space", frames: [] },
  },
];

/** The stack trace as printStackTrace writes it, which the text reader joins with "\n". */
const STACK = [
  "com.acme.payments.provider.ProviderUnavailableException: 503 Service Unavailable",
  "\tat com.acme.payments.provider.HttpProviderClient.post(HttpProviderClient.java:171)",
  "\tat com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)",
  "Caused by: java.net.SocketTimeoutException: Read timed out",
  "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
  "\t... 2 more",
  "Caused by: java.io.InterruptedIOException",
  "\tat java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:283)",
  "\t... 3 more",
].join("\n");

const RANGE: Record<LineEvent["level"], [number, number]> = {
  DEBUG: [5, 8],
  INFO: [9, 12],
  WARN: [13, 16],
  ERROR: [17, 20],
  FATAL: [21, 24],
};

function assertSeverity(parsed: ParsedLog, level: LineEvent["level"], context: string): void {
  assert.equal(parsed.severity?.text, level as SeverityText, context);
  const [low, high] = RANGE[level];
  const number = parsed.severity!.number;
  assert.ok(number >= low && number <= high, `${context}: severity number ${number}`);
}

/** Every event rendered, parsed as a file of `format`; no line quarantined. */
function readBack(format: LogFormat, parser: FormatName, events = EVENTS): ParsedLog[] {
  const text = events.map((event) => renderLine(format, event)).join("\n") + "\n";
  const items = parseText(parser, text);
  assert.deepEqual(problems(items), [], `${format}: quarantined lines`);
  const parsed = records(items);
  assert.equal(parsed.length, events.length, `${format}: one record per event`);
  return parsed;
}

/** What every structured format keeps of event `i`: its time, level, message and service. */
function assertTimeLevelMessageService(record: ParsedLog, event: LineEvent, i: number): void {
  assert.equal(record.timestamp, event.at, `event ${i}`);
  assertSeverity(record, event.level, `event ${i}`);
  assert.equal(record.message, event.message);
  assert.equal(record.service, event.service);
}

/**
 * What JSON lines and logfmt both keep of every event, and every field of
 * the second one (`attempt` as the format writes numbers).
 */
function assertFieldsKept(parsed: ParsedLog[], attempt: number | string): void {
  EVENTS.forEach((event, i) => {
    const record = parsed[i]!;
    assertTimeLevelMessageService(record, event, i);
    assert.equal(record.version, event.version);
    assert.equal(record.attributes.host, event.host);
    assert.equal(record.attributes.tenant_id, event.tenant ?? undefined);
  });
  assert.deepEqual(parsed[1]!.attributes, {
    host: "payments-k3x9a1",
    note: 'say "hi" \\ a=b ]',
    city: "Zürich ☕",
    empty: "",
    var_host: "db-1.internal",
    var_message: "clash",
    attempt,
    tenant_id: "northwind-logistics",
  });
}

Deno.test("simulated jsonl: time, level, message, service, version, tenant, fields and error", () => {
  const parsed = readBack("jsonl", "jsonl");
  assertFieldsKept(parsed, 2);
  for (const record of parsed) {
    assert.equal(record.customer, undefined, "a tenant is not the customer");
  }
  assert.equal(parsed[0]!.attributes.duration_ms, 42, "numbers stay numbers");
  assert.equal(parsed[2]!.attributes["error.type"], EXCEPTION.type);
  assert.equal(parsed[2]!.attributes["error.message"], EXCEPTION.message);
  assert.equal(parsed[2]!.attributes["error.stack"], STACK);
});

Deno.test("simulated logfmt: time, level, message, service, version, tenant, fields and error", () => {
  const parsed = readBack("logfmt", "logfmt");
  assertFieldsKept(parsed, "2");
  assert.equal(parsed[2]!.attributes.error_type, EXCEPTION.type);
  assert.equal(parsed[2]!.attributes.error_message, EXCEPTION.message);
});

Deno.test("simulated syslog: PRI, time, host, app, pid, version and structured data", () => {
  const parsed = readBack("syslog", "syslog");
  EVENTS.forEach((event, i) => {
    const record = parsed[i]!;
    assertTimeLevelMessageService(record, event, i);
    assert.equal(record.attributes.host, event.host);
    assert.equal(record.attributes.procid, String(event.pid));
    assert.equal(record.attributes.facility, 16, "local0");
    assert.equal(record.version, event.version);
    assert.equal(record.attributes["loupe@32473.tenant_id"], event.tenant ?? undefined);
  });
  assert.deepEqual(parsed[1]!.attributes, {
    host: "payments-k3x9a1",
    procid: "4242",
    "loupe@32473.tenant_id": "northwind-logistics",
    "loupe@32473.note": 'say "hi" \\ a=b ]',
    "loupe@32473.city": "Zürich ☕",
    "loupe@32473.empty": "",
    "loupe@32473.var_host": "db-1.internal",
    "loupe@32473.var_message": "clash",
    "loupe@32473.attempt": "2",
    facility: 16,
  });
  assert.equal(parsed[2]!.attributes["loupe@32473.error_type"], EXCEPTION.type);
  assert.equal(parsed[2]!.attributes["loupe@32473.error_message"], EXCEPTION.message);
});

Deno.test("simulated log4j: header read, tenant from the MDC, stack traces with their causes joined to the line", () => {
  const parsed = readBack("log4j", "text");
  EVENTS.forEach((event, i) => {
    const record = parsed[i]!;
    assert.equal(record.timestamp, event.at, `event ${i}`);
    assertSeverity(record, event.level, `event ${i}`);
  });
  assert.equal(parsed[0]!.message, BASE.message);
  assert.equal(parsed[1]!.message, EVENTS[1]!.message);
  assert.equal(parsed[2]!.message, `${EVENTS[2]!.message}\n${STACK}`);
  assert.equal(
    parsed[4]!.message,
    "Out of memory: shutting down\njava.lang.OutOfMemoryError: Java heap space",
  );
  assert.deepEqual(parsed[2]!.attributes, {
    thread: "capture-worker-3",
    tenant_id: "acme-corp",
    logger: "com.acme.payments.CaptureService",
  });
  assert.equal(parsed[1]!.attributes.tenant_id, "northwind-logistics");
  assert.equal(parsed[0]!.attributes.tenant_id, undefined);
  assert.equal(parsed[0]!.attributes.logger, "com.acme.payments.PaymentsService");
  assert.match(String(parsed[0]!.attributes.thread), /^http-nio-8080-exec-\d+$/);
});

Deno.test("simulated log4j: a gateway-like service without a package logs under a bare name", () => {
  const [record] = readBack("log4j", "text", [{ ...BASE, service: "bulk-import", pkg: "" }]);
  assert.equal(record!.attributes.logger, "BulkImportService");
  assert.equal(record!.message, BASE.message);
});

Deno.test("simulated log4j: every exception of the incident catalog stays one record", () => {
  const events = ISSUES.flatMap((issue) =>
    issue.exception === undefined
      ? []
      : [{ ...BASE, level: issue.level, exception: issue.exception }]
  );
  assert.ok(events.length > 0);
  const parsed = readBack("log4j", "text", events);
  parsed.forEach((record, i) => {
    const lines = record.message.split("\n");
    assert.equal(lines[0], BASE.message);
    assert.match(lines[1]!, new RegExp(`^${events[i]!.exception!.type.replaceAll(".", "\\.")}`));
  });
});

const ACCESS_EVENTS: readonly LineEvent[] = [
  {
    ...BASE,
    service: "gateway",
    pkg: "",
    request: {
      ip: "185.12.7.9",
      method: "GET",
      path: "/api/v2/search?q=running-shoes&page=2",
      status: 200,
      bytes: 18_233,
      durationMs: 123,
      userAgent: "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/132.0",
      referer: "https://shop.example/search",
    },
  },
  {
    ...BASE,
    at: AT + 999,
    service: "gateway",
    pkg: "",
    request: {
      ip: "23.1.2.3",
      method: "POST",
      path: "/api/v2/checkout",
      status: 502,
      bytes: 157,
      durationMs: 30_004.6,
      userAgent: 'curl/8.5.0 "quoted" \\',
    },
  },
  {
    ...BASE,
    at: AT + 5_000,
    service: "gateway",
    pkg: "",
    request: {
      ip: "45.6.7.8",
      method: "DELETE",
      path: "/api/v2/session",
      status: 404,
      bytes: 0,
      durationMs: 0.4,
      userAgent: "okhttp/4.12.0",
    },
  },
];

Deno.test("simulated access: time to the second, status as severity, request and timing", () => {
  const parsed = readBack("access", "access", ACCESS_EVENTS);
  ACCESS_EVENTS.forEach((event, i) => {
    const record = parsed[i]!;
    assert.equal(record.timestamp, Math.floor(event.at / 1000) * 1000, `event ${i}: no ms`);
    const r = event.request!;
    assert.equal(record.message, `${r.method} ${r.path.split("?")[0]} ${r.status}`);
    assert.equal(record.attributes.client_ip, r.ip);
    assert.equal(record.attributes.status, r.status);
    assert.equal(record.attributes.bytes, r.bytes);
    assert.equal(record.attributes.request_time, Number((r.durationMs / 1000).toFixed(3)));
  });
  assert.deepEqual(
    parsed.map((record) => record.severity?.text),
    ["INFO", "ERROR", "WARN"],
  );
  assert.deepEqual(parsed[0]!.attributes, {
    client_ip: "185.12.7.9",
    method: "GET",
    path: "/api/v2/search",
    query: "q=running-shoes&page=2",
    protocol: "HTTP/1.1",
    status: 200,
    bytes: 18_233,
    referer: "https://shop.example/search",
    user_agent: "Mozilla/5.0 (X11; Linux x86_64) Gecko/20100101 Firefox/132.0",
    request_time: 0.123,
  });
  // nginx writes `"` and `\` in quoted fields as \xHH; they are read as written.
  assert.equal(parsed[1]!.attributes.user_agent, "curl/8.5.0 \\x22quoted\\x22 \\x5C");
  assert.equal(parsed[1]!.attributes.referer, undefined);
});

Deno.test("simulated files: the detector picks each format from 20 lines", () => {
  const expected: [LogFormat, FormatName, readonly LineEvent[]][] = [
    ["jsonl", "jsonl", EVENTS],
    ["logfmt", "logfmt", EVENTS],
    ["syslog", "syslog", EVENTS],
    ["log4j", "text", EVENTS],
    ["access", "access", ACCESS_EVENTS],
  ];
  for (const [format, detected, events] of expected) {
    const lines = Array.from({ length: 20 }, (_, i) => events[i % events.length]!)
      .map((event, i) => renderLine(format, { ...event, at: event.at + i * 1_000 }))
      .flatMap((line) => line.split("\n"));
    const detection = detectFormat(lines);
    assert.equal(detection.format, detected, format);
    assert.equal(detection.confidence, 1, `${format}: every line read cleanly`);
  }
});
