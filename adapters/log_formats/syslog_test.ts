import assert from "node:assert/strict";
import { createParser } from "./mod.ts";
import { fixture, parseText, problems, recordLines, records } from "./_test_utils.ts";
import { parseSyslogLine } from "./syslog.ts";
import type { ParsedLog } from "../../domain/log_record.ts";

Deno.test("syslog RFC 5424: PRI, host, app, procid, msgid and structured data", () => {
  const [su, app] = records(parseText("syslog", fixture("sample.syslog")));
  assert.deepEqual(su, {
    timestamp: Date.UTC(2026, 2, 1, 22, 14, 15, 3),
    severity: { number: 21, text: "FATAL" },
    message: "'su root' failed for lonvick on /dev/pts/8",
    service: "su",
    attributes: { host: "mymachine.example.com", msgid: "ID47", facility: 4 },
  });
  assert.equal(app!.timestamp, Date.UTC(2026, 2, 2, 5, 14, 15, 0), "-07:00 applied");
  assert.deepEqual(app!.severity, { number: 10, text: "INFO" }, "PRI 165: notice");
  assert.equal(app!.service, "myproc");
  assert.equal(app!.attributes.procid, "8710");
  assert.equal(app!.attributes["exampleSDID@32473.eventID"], "1011");
  assert.equal(app!.attributes["exampleSDID@32473.iut"], "3");
  assert.equal(app!.message, "An application event log entry");
});

Deno.test("syslog RFC 5424: structured data values may hold escaped quotes and brackets", () => {
  const [record] = records(parseText(
    "syslog",
    '<14>1 2026-03-01T10:00:00Z web-1 nginx - - [req@1 path="/a\\]b" note="say \\"hi\\""][x@2 k="v"] done',
  ));
  assert.deepEqual(record!.attributes, {
    host: "web-1",
    "req@1.path": "/a]b",
    "req@1.note": 'say "hi"',
    "x@2.k": "v",
    facility: 1,
  });
  assert.equal(record!.message, "done");
});

Deno.test("syslog RFC 3164: with PRI, without it as in /var/log/syslog, tag and pid", () => {
  const parsed = records(parseText("syslog", fixture("sample.syslog")));
  const sshd = parsed[2]!;
  assert.equal(sshd.service, "sshd");
  assert.deepEqual(sshd.attributes, { host: "web-01", pid: 4242, facility: 1 });
  assert.equal(sshd.severity?.text, "INFO", "PRI 13: user.notice");
  assert.equal(sshd.timestamp, Date.UTC(2026, 2, 1, 22, 14, 15), "year from the reference time");
  const kernel = parsed[3]!;
  assert.equal(kernel.severity, undefined, "no PRI, no severity");
  assert.equal(kernel.service, "kernel");
  assert.equal(kernel.message, "[12345.678] eth0: link up");
});

Deno.test("syslog RFC 3164: the year puts the time closest to, and at most a day after, the reference", () => {
  const parse = (line: string, reference: number) => {
    const parser = createParser("syslog", { referenceTime: reference });
    const [item] = parser.push({ line: 1, offset: 0, text: line });
    assert.ok(item?.kind === "record", line);
    return item.parsed.timestamp;
  };
  const newYear = Date.UTC(2026, 0, 1, 0, 5);
  assert.equal(parse("Dec 31 23:59:58 h app: x", newYear), Date.UTC(2025, 11, 31, 23, 59, 58));
  assert.equal(parse("Jan  1 23:00:00 h app: x", newYear), Date.UTC(2026, 0, 1, 23), "clock skew");
  assert.equal(parse("Jan  3 00:00:00 h app: x", newYear), Date.UTC(2025, 0, 3), "too far ahead");
  assert.equal(parse("Feb 29 12:00:00 h app: x", Date.UTC(2026, 5, 1)), Date.UTC(2024, 1, 29, 12));
});

Deno.test("syslog: rsyslog's high-precision file format", () => {
  const [record] = records(parseText(
    "syslog",
    "2026-03-01T10:00:00.123456+01:00 web-01 systemd[1]: Started Daily apt upgrade.",
  ));
  assert.equal(record!.timestamp, Date.UTC(2026, 2, 1, 9, 0, 0, 123));
  assert.equal(record!.service, "systemd");
  assert.deepEqual(record!.attributes, { host: "web-01", pid: 1 });
  assert.equal(record!.message, "Started Daily apt upgrade.");
});

Deno.test("syslog: lines that are not syslog, or name no real date, are quarantined with the reason", () => {
  const items = parseText(
    "syslog",
    [
      "<13>Mar  1 22:14:15 web-01 sshd[1]: ok",
      "Feb 30 10:00:00 web-01 cron[2]: impossible day",
      "<13>1 2026-02-30T10:00:00Z host app - - - impossible day",
      "<999>Mar  1 22:14:15 web-01 app: x",
      "2026-03-01T10:00:00Z WARN Foo: a text log line",
      "<13>Mar  1 22:14:16 web-01 sshd[1]: ok again",
    ].join("\n"),
  );
  assert.deepEqual(recordLines(items), [1, 6]);
  assert.deepEqual(problems(items), [
    [2, 'timestamp "Feb 30 10:00:00" is not a valid date'],
    [3, 'timestamp "2026-02-30T10:00:00Z" is not a valid date'],
    [4, "Cannot parse syslog: priority 999 is above 191"],
    [5, "Cannot parse syslog: neither RFC 5424 nor RFC 3164"],
  ]);
});

Deno.test("RFC 5424: a version in structured data is the record's version, under any SD-ID", () => {
  const [shared, origin] = [
    `<134>1 2026-10-01T00:02:48.161Z auth-1 auth 16985 - [loupe@32473 version="5.5.0" tenant_id="acme"] Session created`,
    `<134>1 2026-10-01T00:02:48.161Z host app - - [origin software="rsyslogd" swVersion="8.2302.0"] started`,
  ].map((line) => parseSyslogLine(line, 0) as ParsedLog) as [ParsedLog, ParsedLog];
  assert.equal(shared.version, "5.5.0");
  assert.equal(shared.attributes["loupe@32473.tenant_id"], "acme");
  assert.equal(shared.attributes["loupe@32473.version"], undefined);
  // The origin element's swVersion is the sending software's, not the application's.
  assert.equal(origin.version, undefined);
  assert.equal(origin.attributes["origin.swVersion"], "8.2302.0");
});
