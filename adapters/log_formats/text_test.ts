import assert from "node:assert/strict";
import { recognizeHeader, textParser } from "./text.ts";
import { fixture, parseText, problems, recordLines, records } from "./_test_utils.ts";

Deno.test("text: a Java stack trace with Caused by and '... 12 more' joins the record it belongs to", () => {
  const items = parseText("text", fixture("sample.log4j.log"));
  assert.deepEqual(recordLines(items), [1, 2, 9]);
  const [started, failure, slow] = records(items);
  assert.equal(started!.message, "Started in 812 ms");
  assert.deepEqual(failure!.severity, { number: 17, text: "ERROR" });
  assert.equal(failure!.timestamp, Date.UTC(2026, 2, 1, 10, 0, 2, 117));
  assert.deepEqual(failure!.attributes, {
    thread: "http-nio-8080-exec-3",
    logger: "com.acme.pay.PaymentService",
  });
  assert.equal(
    failure!.message,
    [
      "Charge failed for order 4411",
      "com.acme.pay.PaymentGatewayException: upstream timeout after 30000 ms",
      "\tat com.acme.pay.GatewayClient.charge(GatewayClient.java:88)",
      "\tat com.acme.pay.PaymentService.charge(PaymentService.java:41)",
      "Caused by: java.net.SocketTimeoutException: Read timed out",
      "\tat java.base/java.net.SocketInputStream.read(SocketInputStream.java:168)",
      "\t... 12 more",
    ].join("\n"),
  );
  assert.equal(slow!.message, "Slow lookup 180 ms for key cart:77");
  assert.equal(slow!.severity?.text, "WARN");
});

Deno.test("text: a Python traceback, chained exceptions included, joins its record", () => {
  const parsed = records(parseText("text", fixture("sample.python.log")));
  assert.equal(parsed.length, 3);
  assert.equal(parsed[1]!.severity?.text, "ERROR");
  assert.equal(parsed[1]!.attributes.logger, "app.worker");
  assert.match(parsed[1]!.message, /^job 81 failed\nTraceback[\s\S]*\nValueError: bad input: 81$/);
  const [chained] = records(parseText(
    "text",
    [
      "2026-03-01 10:00:00,001 ERROR worker: job 9 failed",
      "Traceback (most recent call last):",
      '  File "/srv/app/db.py", line 12, in connect',
      "ConnectionRefusedError: [Errno 111] Connection refused",
      "",
      "During handling of the above exception, another exception occurred:",
      "",
      "Traceback (most recent call last):",
      '  File "/srv/app/worker.py", line 3, in run',
      "app.errors.StoreUnavailableError: store down",
    ].join("\n"),
  ));
  assert.equal(chained!.message.split("\n").length, 8, "blank lines are skipped, the rest joined");
  assert.match(chained!.message, /StoreUnavailableError: store down$/);
});

Deno.test("text: the header layouts of log4j, logback, Python, Spring Boot, Go and bracketed times", () => {
  const cases: [string, Record<string, unknown>][] = [
    ["2024-03-01 12:00:01,123 ERROR [main] com.acme.Foo - Something failed", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1, 123),
      severity: "ERROR",
      message: "Something failed",
      attributes: { thread: "main", logger: "com.acme.Foo" },
    }],
    ["2024-03-01T12:00:01.123Z WARN  Foo: msg", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1, 123),
      severity: "WARN",
      message: "Foo: msg",
      attributes: {},
    }],
    ["[2024-03-01 12:00:01] ERROR: disk full", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1),
      severity: "ERROR",
      message: "disk full",
      attributes: {},
    }],
    ["2024-03-01 12:00:01,123 - app.module - ERROR - msg", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1, 123),
      severity: "ERROR",
      message: "msg",
      attributes: { logger: "app.module" },
    }],
    ["2024-03-01 12:00:01.500 [pool-2-thread-1] DEBUG o.h.SQL - select 1", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1, 500),
      severity: "DEBUG",
      message: "select 1",
      attributes: { thread: "pool-2-thread-1", logger: "o.h.SQL" },
    }],
    [
      "2024-03-01T12:00:01.123+01:00  INFO 4242 --- [checkout] [           main] c.a.c.CheckoutApplication                : Started in 3.2 s",
      {
        timestamp: Date.UTC(2024, 2, 1, 11, 0, 1, 123),
        severity: "INFO",
        message: "Started in 3.2 s",
        attributes: {
          pid: 4242,
          application: "checkout",
          thread: "main",
          logger: "c.a.c.CheckoutApplication",
        },
      },
    ],
    ["2024/03/01 12:00:01 http: TLS handshake error from 10.0.0.7:5123: EOF", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1),
      severity: undefined,
      message: "http: TLS handshake error from 10.0.0.7:5123: EOF",
      attributes: {},
    }],
    ["[WRN] 2024-03-01 12:00:01 retrying in 5 s", {
      timestamp: Date.UTC(2024, 2, 1, 12, 0, 1),
      severity: "WARN",
      message: "retrying in 5 s",
      attributes: {},
    }],
  ];
  for (const [line, expected] of cases) {
    const [record] = records(parseText("text", line));
    assert.deepEqual(
      {
        timestamp: record!.timestamp,
        severity: record!.severity?.text,
        message: record!.message,
        attributes: record!.attributes,
      },
      expected,
      line,
    );
  }
});

Deno.test("text: lines with no header are kept whole; a continuation with nothing before it is quarantined", () => {
  const items = parseText(
    "text",
    [
      "\tat orphan.Frame(X.java:1)",
      "plain line with no header",
      "at noon the job ran again",
      "2024-13-45 12:00:00 ERROR a date that does not exist",
      "[2026-03-01 10:00:00] ERROR: boom",
    ].join("\n"),
  );
  assert.deepEqual(problems(items), [[1, "continuation line with no record before it"]]);
  const [plain, atNoon, badDate, boom] = records(items);
  assert.deepEqual(plain, { message: "plain line with no header", attributes: {} });
  assert.equal(atNoon!.message, "at noon the job ran again", "not a stack frame");
  assert.deepEqual(badDate, {
    message: "2024-13-45 12:00:00 ERROR a date that does not exist",
    attributes: {},
  });
  assert.equal(boom!.message, "boom");
});

Deno.test("text: a header recognizer can be plugged in, and the built-in layouts still apply after it", () => {
  // HDFS: `081109 203615 148 INFO dfs.DataNode$PacketResponder: message`
  const hdfs = /^(\d{2})(\d{2})(\d{2}) (\d{2})(\d{2})(\d{2}) (\d+) (\w+) ([\w.$]+): (.*)$/;
  const items = parseText(
    "text",
    [
      "081109 203615 148 INFO dfs.DataNode$PacketResponder: Received block blk_-1608 of size 91178",
      "2024-03-01 12:00:01,123 WARN [main] com.acme.Foo - built-in layout",
    ].join("\n"),
    {
      headerRecognizer: (line) => {
        const m = hdfs.exec(line);
        if (m === null) return undefined;
        const [, y, mo, d, h, mi, s, pid, level, logger, message] = m;
        return {
          timestamp: Date.UTC(2000 + Number(y), Number(mo) - 1, Number(d), +h!, +mi!, +s!),
          severity: level === "INFO" ? { number: 9, text: "INFO" } : undefined,
          message: message!,
          attributes: { pid: Number(pid), logger: logger! },
        };
      },
    },
  );
  const [datanode, builtIn] = records(items);
  assert.equal(datanode!.timestamp, Date.UTC(2008, 10, 9, 20, 36, 15));
  assert.equal(datanode!.message, "Received block blk_-1608 of size 91178");
  assert.deepEqual(datanode!.attributes, { pid: 148, logger: "dfs.DataNode$PacketResponder" });
  assert.equal(builtIn!.message, "built-in layout");
});

Deno.test("text: a record stops growing at maxRecordLines; the lines after are quarantined, not lost", () => {
  const parser = textParser({ maxRecordLines: 3 });
  const lines = ["2024-03-01 12:00:01 ERROR boom", "\tat a", "\tat b", "\tat c", "\tat d"];
  const items = [
    ...lines.flatMap((text, i) => parser.push({ line: i + 1, offset: i * 40, text })),
    ...parser.flush(),
  ];
  assert.deepEqual(problems(items), [
    [4, "record longer than 3 lines: line not joined"],
    [5, "record longer than 3 lines: line not joined"],
  ]);
  assert.equal(records(items)[0]!.message, "boom\n\tat a\n\tat b");
});

Deno.test("text: a line the splitter could not read is quarantined and the record around it goes on", () => {
  const parser = textParser();
  const items = [
    ...parser.push({ line: 1, offset: 0, text: "2024-03-01 12:00:01 ERROR boom" }),
    ...parser.push({
      line: 2,
      offset: 31,
      problem: "invalid UTF-8 at byte 3 of the line",
      raw: "ab\uFFFD",
    }),
    ...parser.push({ line: 3, offset: 40, text: "\tat com.acme.Foo.run(Foo.java:1)" }),
    ...parser.flush(),
  ];
  assert.deepEqual(problems(items), [[2, "invalid UTF-8 at byte 3 of the line"]]);
  assert.equal(records(items)[0]!.message, "boom\n\tat com.acme.Foo.run(Foo.java:1)");
});

Deno.test("text: a mapped diagnostic context after the thread becomes attributes", () => {
  const header = recognizeHeader(
    "2024-03-01 12:00:01,123 ERROR [exec-1] [tenant_id=acme, user.id=7] com.acme.Foo - Failed",
  );
  assert.deepEqual(header?.attributes, {
    thread: "exec-1",
    tenant_id: "acme",
    "user.id": "7",
    logger: "com.acme.Foo",
  });
  assert.equal(header?.message, "Failed");
  const log4j2 = recognizeHeader("2024-03-01 12:00:01 WARN [main] {tenant_id=beta} Foo - Slow");
  assert.equal(log4j2?.attributes.tenant_id, "beta");
  assert.equal(log4j2?.message, "Slow");
});

Deno.test("text: brackets after the thread that are not key=value pairs stay in the message", () => {
  const header = recognizeHeader("2024-03-01 12:00:01 INFO [main] [cache] warmed in 3 ms");
  assert.equal(header?.message, "[cache] warmed in 3 ms");
  assert.equal(header?.attributes.thread, "main");
});
