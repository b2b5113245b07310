import assert from "node:assert/strict";
import { fixture, parseText, problems, recordLines, records } from "./_test_utils.ts";

Deno.test("access logs: common and combined format, request fields as attributes", () => {
  const [apache, nginx, probe] = records(parseText("access", fixture("sample.access.log")));
  assert.deepEqual(apache, {
    timestamp: Date.UTC(2000, 9, 10, 20, 55, 36),
    message: "GET /apache_pb.gif 200",
    severity: { number: 9, text: "INFO" },
    attributes: {
      client_ip: "127.0.0.1",
      user: "frank",
      method: "GET",
      path: "/apache_pb.gif",
      protocol: "HTTP/1.0",
      status: 200,
      bytes: 2326,
      referer: "http://www.example.com/start.html",
      user_agent: "Mozilla/4.08 [en] (Win98; I ;Nav)",
    },
  });
  assert.equal(nginx!.message, "POST /api/checkout 502", "the query string is not in the message");
  assert.equal(nginx!.attributes.query, "cart=991");
  assert.equal(nginx!.attributes.request_time, 0.532);
  assert.equal(nginx!.attributes.referer, undefined, '"-" is no referer');
  assert.equal(probe!.attributes.user_agent, "kube-probe/1.29");
});

Deno.test("access logs: the status sets the severity, 5xx error and 4xx warn", () => {
  const line = (status: number) =>
    `10.0.0.1 - - [01/Mar/2026:10:00:00 +0100] "GET /x HTTP/1.1" ${status} 0`;
  const parsed = records(parseText("access", [200, 304, 404, 499, 500, 503].map(line).join("\n")));
  assert.deepEqual(parsed.map((p) => p.severity?.text), [
    "INFO",
    "INFO",
    "WARN",
    "WARN",
    "ERROR",
    "ERROR",
  ]);
  assert.equal(parsed[0]!.timestamp, Date.UTC(2026, 2, 1, 9), "+0100 applied");
  assert.equal(parsed[0]!.attributes.bytes, 0);
});

Deno.test("access logs: a request that is not METHOD path PROTOCOL is kept whole in the message", () => {
  const [record] = records(parseText(
    "access",
    '203.0.113.7 - - [01/Mar/2026:10:00:00 +0000] "\\x16\\x03\\x01\\x00" 400 157 "-" "-"',
  ));
  assert.equal(record!.message, "\\x16\\x03\\x01\\x00 400");
  assert.equal(record!.attributes.method, undefined);
});

Deno.test("access logs: other lines and impossible dates are quarantined, the lines around them kept", () => {
  const items = parseText(
    "access",
    [
      '10.0.0.1 - - [01/Mar/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12',
      '10.0.0.1 - - [30/Feb/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12',
      '10.0.0.1 - - [01/Foo/2026:10:00:00 +0000] "GET / HTTP/1.1" 200 12',
      "2026/03/01 10:00:00 [error] 12#0: *1 connect() failed",
      '10.0.0.1 - - [01/Mar/2026:10:00:01 +0000] "GET / HTTP/1.1" 200 12',
    ].join("\n"),
  );
  assert.deepEqual(recordLines(items), [1, 5]);
  assert.deepEqual(problems(items), [
    [2, 'timestamp "30/Feb/2026:10:00:00" is not a valid date'],
    [3, 'timestamp month "Foo" is not a month'],
    [4, "Cannot parse access log line: not in common or combined log format"],
  ]);
});
