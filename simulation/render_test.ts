import assert from "node:assert/strict";
import type { JavaException } from "./incident_catalog.ts";
import { type LineEvent, renderLine } from "./render.ts";

const EXCEPTION: JavaException = {
  type: "com.acme.payments.provider.ProviderUnavailableException",
  message: "503 Service Unavailable",
  frames: ["com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)"],
  cause: {
    type: "java.net.SocketTimeoutException",
    message: "Read timed out",
    frames: ["java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)"],
  },
};

const EVENT: LineEvent = {
  at: Date.UTC(2026, 10, 22, 10, 0, 0, 123),
  level: "ERROR",
  service: "payments",
  host: "payments-k3x9a1",
  pid: 4242,
  pkg: "com.acme.payments",
  logger: "CaptureService",
  thread: "http-nio-8080-exec-7",
  version: "5.7.1",
  tenant: "acme-corp",
  message: "Capture failed for pay_7f3k2m9q",
  fields: [["payment_id", "pay_7f3k2m9q"], ["note", 'a "b" c=d]'], ["host", "db-1"], [
    "duration_ms",
    3000,
  ]],
  exception: EXCEPTION,
};

Deno.test("jsonl: one object, variables after the core keys, clashing names prefixed", () => {
  assert.equal(
    renderLine("jsonl", EVENT),
    '{"ts":"2026-11-22T10:00:00.123Z","level":"error","service":"payments","version":"5.7.1",' +
      '"host":"payments-k3x9a1","msg":"Capture failed for pay_7f3k2m9q","payment_id":"pay_7f3k2m9q",' +
      '"note":"a \\"b\\" c=d]","var_host":"db-1","duration_ms":3000,"tenant_id":"acme-corp",' +
      '"error":{"type":"com.acme.payments.provider.ProviderUnavailableException",' +
      '"message":"503 Service Unavailable","stack":"com.acme.payments.provider.ProviderUnavailableException: ' +
      "503 Service Unavailable\\n\\tat com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)" +
      "\\nCaused by: java.net.SocketTimeoutException: Read timed out" +
      '\\n\\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)\\n\\t... 1 more"}}',
  );
});

Deno.test("logfmt: quoted where needed, exception as error_type and error_message", () => {
  assert.equal(
    renderLine("logfmt", EVENT),
    "ts=2026-11-22T10:00:00.123Z level=error service=payments version=5.7.1 host=payments-k3x9a1" +
      ' msg="Capture failed for pay_7f3k2m9q" payment_id=pay_7f3k2m9q note="a \\"b\\" c=d]"' +
      " var_host=db-1 duration_ms=3000 tenant_id=acme-corp" +
      ' error_type=com.acme.payments.provider.ProviderUnavailableException error_message="503 Service Unavailable"',
  );
});

Deno.test("logfmt: line breaks in a value are escaped, empty values quoted", () => {
  assert.equal(
    renderLine("logfmt", {
      ...EVENT,
      tenant: null,
      exception: undefined,
      fields: [["a", "x\ny"], ["b", ""]],
    }),
    "ts=2026-11-22T10:00:00.123Z level=error service=payments version=5.7.1 host=payments-k3x9a1" +
      ' msg="Capture failed for pay_7f3k2m9q" a="x\\ny" b=""',
  );
});

Deno.test("syslog: RFC 5424 with local0 PRI and escaped structured data", () => {
  assert.equal(
    renderLine("syslog", EVENT),
    "<131>1 2026-11-22T10:00:00.123Z payments-k3x9a1 payments 4242 - [loupe@32473" +
      ' version="5.7.1" tenant_id="acme-corp" payment_id="pay_7f3k2m9q" note="a \\"b\\" c=d\\]"' +
      ' var_host="db-1" duration_ms="3000"' +
      ' error_type="com.acme.payments.provider.ProviderUnavailableException"' +
      ' error_message="503 Service Unavailable"] Capture failed for pay_7f3k2m9q',
  );
  assert.match(renderLine("syslog", { ...EVENT, level: "FATAL" }), /^<130>1 /);
  assert.match(renderLine("syslog", { ...EVENT, level: "WARN" }), /^<132>1 /);
  assert.match(renderLine("syslog", { ...EVENT, level: "INFO" }), /^<134>1 /);
  assert.match(renderLine("syslog", { ...EVENT, level: "DEBUG" }), /^<135>1 /);
});

Deno.test("log4j: logback layout with the tenant in the MDC, then the stack trace with its cause", () => {
  assert.equal(
    renderLine("log4j", EVENT),
    [
      "2026-11-22 10:00:00,123 ERROR [http-nio-8080-exec-7] [tenant_id=acme-corp] com.acme.payments.CaptureService - Capture failed for pay_7f3k2m9q",
      "com.acme.payments.provider.ProviderUnavailableException: 503 Service Unavailable",
      "\tat com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)",
      "Caused by: java.net.SocketTimeoutException: Read timed out",
      "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
      "\t... 1 more",
    ].join("\n"),
  );
  assert.equal(
    renderLine("log4j", {
      ...EVENT,
      level: "INFO",
      tenant: null,
      logger: undefined,
      exception: undefined,
    }),
    "2026-11-22 10:00:00,123 INFO  [http-nio-8080-exec-7] com.acme.payments.PaymentsService - Capture failed for pay_7f3k2m9q",
  );
});

Deno.test("access: nginx combined with the request time in seconds", () => {
  const request = {
    ip: "185.12.7.9",
    method: "GET",
    path: "/api/v2/search?q=shoes",
    status: 200,
    bytes: 1234,
    durationMs: 123.4,
    userAgent: "curl/8.5.0",
  };
  assert.equal(
    renderLine("access", { ...EVENT, request }),
    '185.12.7.9 - - [22/Nov/2026:10:00:00 +0000] "GET /api/v2/search?q=shoes HTTP/1.1" 200 1234 "-" "curl/8.5.0" 0.123',
  );
  assert.throws(() => renderLine("access", EVENT), /Cannot render an access log line/);
});
