import assert from "node:assert/strict";
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import { parseText, problems, recordLines, records } from "./_test_utils.ts";

Deno.test("JSON lines from pino, ECS and OpenTelemetry give time, severity, message and context", () => {
  const [pino, ecs, otel] = records(parseText(
    "jsonl",
    [
      '{"level":50,"time":1772359200123,"pid":4242,"hostname":"api-7f9c","msg":"Payment gateway timeout after 3000 ms","service":"checkout","customer_id":"acme","env":"prod","version":"2.3.1"}',
      '{"@timestamp":"2026-03-01T10:00:00.500+01:00","log":{"level":"WARNING","logger":"app.cache"},"message":"disk 91% full","service":{"name":"billing","version":"1.4.0"},"host":{"name":"db-1"},"tags":["disk","prod"]}',
      '{"timestamp":"2026-03-01T10:00:00Z","severity_number":18,"severity_text":"ERROR2","body":"otel record","resource":{"deployment.environment":"staging"},"deployment.environment":"staging","tenant_id":"t-9"}',
    ].join("\n"),
  ));
  assert.deepEqual(pino, {
    message: "Payment gateway timeout after 3000 ms",
    timestamp: 1_772_359_200_123,
    severity: { number: 17, text: "ERROR" },
    service: "checkout",
    customer: "acme",
    environment: "prod",
    version: "2.3.1",
    attributes: { pid: 4242, hostname: "api-7f9c" },
  });
  assert.equal(ecs!.timestamp, Date.UTC(2026, 2, 1, 9, 0, 0, 500), "+01:00 zone applied");
  assert.deepEqual(ecs!.severity, { number: 13, text: "WARN" }, "log.level, nested");
  assert.equal(ecs!.service, "billing", "service.name, nested");
  assert.equal(ecs!.version, "1.4.0", "service.version, nested");
  assert.deepEqual(ecs!.attributes, {
    "log.logger": "app.cache",
    "host.name": "db-1",
    tags: '["disk","prod"]',
  });
  assert.deepEqual(otel!.severity, { number: 18, text: "ERROR" }, "severity_number wins");
  assert.equal(otel!.message, "otel record");
  assert.equal(otel!.environment, "staging");
  assert.equal(otel!.customer, undefined, "a tenant is not the customer");
  assert.equal(otel!.attributes.tenant_id, "t-9");
  assert.equal(otel!.attributes.severity_text, "ERROR2", "a level that is no severity is kept");
});

Deno.test("JSON lines: epoch times are told apart by magnitude, in numbers and numeric strings", () => {
  const at = Date.UTC(2026, 2, 1, 10, 0, 0, 123);
  const parsed = records(parseText(
    "jsonl",
    [
      `{"ts":${at / 1000},"msg":"seconds with fraction"}`,
      `{"ts":${at},"msg":"milliseconds"}`,
      `{"ts":${at * 1000},"msg":"microseconds"}`,
      `{"ts":"${at}000000","msg":"nanoseconds as text"}`,
      `{"ts":"${Math.floor(at / 1000)}","msg":"seconds as text"}`,
    ].join("\n"),
  ));
  assert.deepEqual(parsed.map((p) => p.timestamp), [at, at, at, at, at - 123]);
});

Deno.test("JSON lines: bunyan/pino levels 10-60, words and numbers as text", () => {
  const levels = [10, 20, 30, 40, 50, 60, '"30"', '"warning"', '"CRIT"', 9, '"E"'];
  const parsed = records(parseText(
    "jsonl",
    levels.map((level) => `{"level":${level},"msg":"m"}`).join("\n"),
  ));
  assert.deepEqual(parsed.map((p) => p.severity?.text), [
    "TRACE",
    "DEBUG",
    "INFO",
    "WARN",
    "ERROR",
    "FATAL",
    "INFO",
    "WARN",
    "FATAL",
    "INFO",
    "ERROR",
  ]);
});

Deno.test("JSON lines: the first-listed name wins and the others stay attributes", () => {
  const [record] = records(parseText(
    "jsonl",
    '{"message":"from message","msg":"from msg","app":"legacy-name","service":"checkout","time":"2026-03-01T10:00:00Z","ts":1}',
  ));
  assert.equal(record!.message, "from msg");
  assert.equal(record!.service, "checkout");
  assert.equal(record!.timestamp, Date.UTC(2026, 2, 1, 10));
  assert.deepEqual(record!.attributes, { message: "from message", app: "legacy-name", ts: 1 });
});

Deno.test("JSON lines: bad lines are quarantined with what was wrong, the lines around them kept", () => {
  const items = parseText(
    "jsonl",
    [
      '{"msg":"first good line"}',
      '{"time":"2024-13-45T10:00:00Z","msg":"month 13"}',
      "[1,2]",
      '"just a string"',
      '{"level":"info","user":"alice"}',
      '{"msg": "unterminated',
      '{"msg":"x"} trailing',
      '{"timestamp":"yesterday","msg":"x"}',
      '{"msg":"last good line"}',
    ].join("\n"),
  );
  assert.deepEqual(recordLines(items), [1, 9]);
  const [month, array, string, noMessage, unterminated, trailing, word] = problems(items);
  assert.deepEqual(month, [2, 'time "2024-13-45T10:00:00Z" is not a valid date']);
  assert.deepEqual(array, [3, "JSON line is not an object (found an array)"]);
  assert.deepEqual(string, [4, "JSON line is not an object (found a string)"]);
  assert.match(
    noMessage![1],
    /^no message field \(looked for msg, message, log, text, body, event, @message\)$/,
  );
  assert.match(unterminated![1], /^Cannot parse JSON: .+/);
  assert.match(trailing![1], /^Cannot parse JSON: .*position 12/);
  assert.deepEqual(word, [8, 'timestamp "yesterday" is not a valid date']);
});

Deno.test("JSON lines: a quarantined line keeps its raw text, cut to the quarantine limit", () => {
  const long = `{"msg": "${"x".repeat(QUARANTINE_RAW_LIMIT * 2)}`;
  const items = parseText("jsonl", long);
  assert.equal(items.length, 1);
  assert.ok(items[0]!.kind === "quarantined");
  assert.equal(items[0]!.raw, long.slice(0, QUARANTINE_RAW_LIMIT));
});

Deno.test("JSON lines: a __proto__ field is kept as an attribute, never as the object's prototype", () => {
  const [record] = records(
    parseText("jsonl", '{"msg":"x","__proto__":{"polluted":true},"a":{"__proto__":1}}'),
  );
  assert.deepEqual(record!.attributes, { "[__proto__].polluted": true, "a.[__proto__]": 1 });
  assert.equal(Object.getPrototypeOf(record!.attributes), Object.prototype);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("JSON lines: empty and null role fields are attributes, not a message or a time", () => {
  const items = parseText("jsonl", '{"msg":"","message":"real","time":null,"level":""}');
  const [record] = records(items);
  assert.equal(record!.message, "real");
  assert.equal(record!.timestamp, undefined);
  assert.deepEqual(record!.attributes, { msg: "", time: null, level: "" });
});

Deno.test("JSON lines: Serilog's JSON and compact JSON (CLEF) read like any other", () => {
  const [json, clef] = records(parseText(
    "jsonl",
    [
      '{"Timestamp":"2026-03-01T10:00:00.1234567+00:00","Level":"Warning","MessageTemplate":"Order {OrderId} slow","RenderedMessage":"Order 42 slow","Properties":{"OrderId":42}}',
      '{"@t":"2026-03-01T10:00:01.000Z","@mt":"Order {OrderId} failed","@m":"Order 43 failed","@l":"Error","@x":"System.TimeoutException: timed out","OrderId":43}',
    ].join("\n"),
  ));
  assert.equal(json!.message, "Order 42 slow");
  assert.equal(json!.severity?.text, "WARN");
  assert.equal(json!.timestamp, Date.UTC(2026, 2, 1, 10, 0, 0, 123));
  assert.deepEqual(json!.attributes, {
    MessageTemplate: "Order {OrderId} slow",
    "Properties.OrderId": 42,
  });
  assert.equal(clef!.message, "Order 43 failed");
  assert.equal(clef!.severity?.text, "ERROR");
  assert.equal(clef!.attributes["@x"], "System.TimeoutException: timed out");
});
