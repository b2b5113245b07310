import assert from "node:assert/strict";
import type { ParsedLog } from "../../domain/log_record.ts";
import { splitLinesSync } from "../log_sources/lines.ts";
import { createParser, detectFormat, type FormatName, type ParseItem } from "./mod.ts";

const fixtures = new URL("../../fixtures/formats/", import.meta.url);
const REFERENCE = Date.UTC(2026, 2, 2);

function parseText(format: FormatName, text: string): ParseItem[] {
  const parser = createParser(format, { referenceTime: REFERENCE });
  const lines = splitLinesSync(new TextEncoder().encode(text), { maxLineBytes: 65536 });
  return [...lines.flatMap((line) => parser.push(line)), ...parser.flush()];
}

const records = (items: ParseItem[]): ParsedLog[] =>
  items.flatMap((item) => (item.kind === "record" ? [item.parsed] : []));
const problems = (items: ParseItem[]) =>
  items.flatMap((item) => (item.kind === "quarantined" ? [[item.line, item.reason] as const] : []));

const fixture = (name: string) => Deno.readTextFileSync(new URL(name, fixtures));

Deno.test("each sample file is detected as its own format", () => {
  const expected: [string, FormatName][] = [
    ["sample.jsonl", "jsonl"],
    ["sample.logfmt", "logfmt"],
    ["sample.syslog", "syslog"],
    ["sample.access.log", "access"],
    ["sample.log4j.log", "text"],
    ["sample.python.log", "text"],
    ["sample.csv", "csv"],
  ];
  for (const [name, format] of expected) {
    assert.equal(detectFormat(fixture(name).split("\n")).format, format, name);
  }
});

Deno.test("JSON lines: common field names, nested fields flattened, bad lines quarantined with the reason", () => {
  const items = parseText(
    "jsonl",
    [
      '{"@timestamp":"2026-03-01T10:00:00.5Z","severity":"WARNING","message":"disk 91% full","host":{"name":"db-1"},"tags":["a","b"]}',
      '{"ts":1772359200,"level":50,"msg":"pino error","service.name":"api","customer_id":"acme"}',
      '{"time":"2026-13-45T10:00:00Z","msg":"x"}',
      "[1,2]",
      '{"level":"info"}',
      '{"msg": "unterminated',
      '{"t":"2026-03-01T10:00:00Z","severity_number":18,"body":"otel record","deployment.environment":"prod","service.version":"2.3.1"}',
    ].join("\n"),
  );
  const [first, second, third] = records(items);
  assert.equal(first!.timestamp, Date.UTC(2026, 2, 1, 10, 0, 0, 500));
  assert.deepEqual(first!.severity, { number: 13, text: "WARN" });
  assert.equal(first!.message, "disk 91% full");
  assert.deepEqual(first!.attributes, { "host.name": "db-1", tags: '["a","b"]' });
  assert.equal(second!.timestamp, 1_772_359_200_000, "epoch seconds");
  assert.deepEqual(second!.severity, { number: 17, text: "ERROR" }, "pino 50 is error");
  assert.equal(second!.service, "api");
  assert.equal(second!.customer, "acme");
  assert.equal(third!.environment, "prod");
  assert.equal(third!.version, "2.3.1");
  assert.equal(third!.severity?.number, 18);
  const bad = problems(items);
  assert.deepEqual(bad.map(([line]) => line), [3, 4, 5, 6]);
  assert.match(bad[0]![1], /time "2026-13-45T10:00:00Z" is not a valid date/);
  assert.match(bad[1]![1], /not an object \(found an array\)/);
  assert.match(bad[2]![1], /no message field/);
  assert.match(bad[3]![1], /^Cannot parse JSON/);
});

Deno.test("JSON lines: a __proto__ field is kept as an attribute, never as the object's prototype", () => {
  const [record] = records(
    parseText("jsonl", '{"msg":"x","__proto__":{"polluted":true},"a":{"__proto__":1}}'),
  );
  assert.deepEqual(record!.attributes, { "[__proto__].polluted": true, "a.[__proto__]": 1 });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

Deno.test("logfmt: quoted values with escapes, router lines without msg keep the line as message", () => {
  const items = parseText("logfmt", fixture("sample.logfmt") + 'level=info msg="unterminated\n');
  const parsed = records(items);
  assert.equal(parsed.length, 4);
  assert.equal(parsed[1]!.message, "db query failed: connection reset by peer");
  assert.equal(parsed[1]!.severity?.text, "ERROR");
  assert.equal(parsed[1]!.attributes.query_id, "8812");
  assert.match(parsed[3]!.message, /^at=info method=GET/);
  assert.deepEqual(problems(items), [[
    5,
    "Cannot parse logfmt: unterminated quote in the value of msg",
  ]]);
});

Deno.test("syslog: RFC 5424 with structured data and RFC 3164 with and without PRI", () => {
  const parsed = records(parseText("syslog", fixture("sample.syslog")));
  assert.equal(parsed.length, 4);
  assert.deepEqual(
    parsed[0]!.severity,
    { number: 21, text: "FATAL" },
    "PRI 34: severity 2, critical",
  );
  assert.equal(parsed[0]!.service, "su");
  assert.equal(parsed[0]!.attributes.host, "mymachine.example.com");
  assert.equal(parsed[1]!.timestamp, Date.UTC(2026, 2, 2, 5, 14, 15, 0));
  assert.equal(parsed[1]!.attributes["exampleSDID@32473.eventID"], "1011");
  assert.equal(parsed[2]!.service, "sshd");
  assert.equal(parsed[2]!.attributes.pid, 4242);
  assert.equal(
    parsed[2]!.timestamp,
    Date.UTC(2026, 2, 1, 22, 14, 15),
    "year taken from the reference time",
  );
  assert.equal(parsed[3]!.severity, undefined, "no PRI, no severity");
});

Deno.test("access logs: request fields as attributes, status sets the severity, query kept out of the message", () => {
  const parsed = records(parseText("access", fixture("sample.access.log")));
  assert.equal(parsed[0]!.timestamp, Date.UTC(2000, 9, 10, 20, 55, 36));
  assert.equal(parsed[0]!.message, "GET /apache_pb.gif 200");
  assert.equal(parsed[0]!.attributes.user_agent, "Mozilla/4.08 [en] (Win98; I ;Nav)");
  assert.equal(parsed[1]!.message, "POST /api/checkout 502");
  assert.equal(parsed[1]!.attributes.query, "cart=991");
  assert.equal(parsed[1]!.attributes.request_time, 0.532);
  assert.equal(parsed[1]!.severity?.text, "ERROR");
  assert.equal(parsed[2]!.severity?.text, "INFO");
});

Deno.test("text: a Java stack trace with Caused by joins the record it belongs to", () => {
  const parsed = records(parseText("text", fixture("sample.log4j.log")));
  assert.equal(parsed.length, 3);
  const failure = parsed[1]!;
  assert.equal(failure.severity?.text, "ERROR");
  assert.equal(failure.attributes.thread, "http-nio-8080-exec-3");
  assert.equal(failure.attributes.logger, "com.acme.pay.PaymentService");
  assert.equal(failure.timestamp, Date.UTC(2026, 2, 1, 10, 0, 2, 117));
  const lines = failure.message.split("\n");
  assert.equal(lines[0], "Charge failed for order 4411");
  assert.equal(lines.length, 7);
  assert.match(lines[1]!, /PaymentGatewayException/);
  assert.equal(parsed[2]!.message, "Slow lookup 180 ms for key cart:77");
});

Deno.test("text: a Python traceback joins its record; Python logging's header is read", () => {
  const parsed = records(parseText("text", fixture("sample.python.log")));
  assert.equal(parsed.length, 3);
  assert.equal(parsed[1]!.severity?.text, "ERROR");
  assert.equal(parsed[1]!.attributes.logger, "app.worker");
  assert.match(parsed[1]!.message, /^job 81 failed\nTraceback[\s\S]*ValueError: bad input: 81$/);
});

Deno.test("text: lines without a header are kept as records; a continuation with nothing before it is quarantined", () => {
  const items = parseText(
    "text",
    "\tat orphan.Frame(X.java:1)\nplain line with no header\n[2026-03-01 10:00:00] ERROR: boom",
  );
  assert.deepEqual(problems(items), [[1, "continuation line with no record before it"]]);
  const parsed = records(items);
  assert.equal(parsed[0]!.message, "plain line with no header");
  assert.equal(parsed[0]!.timestamp, undefined);
  assert.equal(parsed[1]!.message, "boom");
  assert.equal(parsed[1]!.severity?.text, "ERROR");
});

Deno.test("CSV: header names mapped, quoted fields with commas and newlines, wrong field counts quarantined", () => {
  const items = parseText("csv", fixture("sample.csv") + "2026-03-01T10:00:03Z,INFO,billing\n");
  const parsed = records(items);
  assert.equal(parsed.length, 3);
  assert.equal(parsed[0]!.message, "Invoice 881 failed: card declined, code 51");
  assert.equal(parsed[0]!.customer, "acme");
  assert.equal(parsed[2]!.message, "Multi-line note:\nsecond line of the note");
  assert.deepEqual(problems(items), [[6, "CSV row has 3 fields, header has 5"]]);
});
