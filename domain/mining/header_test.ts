import assert from "node:assert/strict";
import { learnHeader, parseTime } from "./header.ts";
import { parseIsoLike } from "../time.ts";

Deno.test("syslog-ish lines: month day time host tag[pid]: message", () => {
  const lines = [
    "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
    "Jun 15 04:06:18 combo su(pam_unix)[21416]: session opened for user cyrus by (uid=0)",
    "Jun 15 04:06:19 combo logrotate: ALERT exited abnormally with [1]",
    "Dec 10 06:55:46 LabSZ sshd[24200]: Invalid user webmaster from 173.234.31.186",
  ];
  const header = learnHeader(lines, { defaultYear: 2005 });
  assert.deepEqual(header.shapes, ["month", "num", "time", "word", "tag"]);
  const a = header.strip(lines[1]!);
  assert.equal(a.message, "session opened for user cyrus by (uid=0)");
  assert.equal(a.timestamp, Date.UTC(2005, 5, 15, 4, 6, 18));
  assert.equal(a.level, undefined);
  assert.equal(a.fields.host, "combo");
  assert.equal(a.fields.component, "su(pam_unix)");
  assert.equal(a.fields.pid, "21416");
  assert.equal(header.strip(lines[2]!).message, "ALERT exited abnormally with [1]");
  assert.equal(header.strip(lines[2]!).fields.component, "logrotate");
});

Deno.test("log4j-ish lines: date time level [thread] class: message, CRLF", () => {
  const lines = [
    "2015-10-18 18:01:47,978 INFO [main] org.apache.hadoop.mapreduce.v2.app.MRAppMaster: Created MRAppMaster\r",
    "2015-10-18 18:01:48,963 WARN [main] org.apache.hadoop.http.HttpServer2: Jetty bound to port 62267\r",
    "2015-10-18 18:01:49,001 ERROR [IPC Server handler 3] org.apache.hadoop.ipc.Server: Socket closed\r",
  ];
  const header = learnHeader(lines);
  assert.deepEqual(header.shapes, ["time", "time", "level", "bracket", "tag"]);
  const b = header.strip(lines[2]!);
  assert.equal(b.message, "Socket closed");
  assert.equal(b.level, "ERROR");
  assert.equal(b.timestamp, Date.UTC(2015, 9, 18, 18, 1, 49, 1));
  assert.equal(b.fields.context, "IPC Server handler 3");
  assert.equal(b.fields.component, "org.apache.hadoop.ipc.Server");
});

Deno.test("space-separated fields with words between anchors (BGL-like)", () => {
  const lines = [
    "- 1117838570 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.50.675872 R02-M1-N0-C:J12-U11 RAS KERNEL INFO instruction cache parity error corrected",
    "- 1117869872 2005.06.04 R23-M1-N0-I:J18-U11 2005-06-04-00.24.32.432192 R23-M1-N0-I:J18-U11 RAS APP FATAL ciod: failed to read message prefix on control stream",
    "KERNDTLB 1118536327 2005.06.11 R30-M0-N9-C:J16-U01 2005-06-11-17.32.07.581048 R30-M0-N9-C:J16-U01 RAS KERNEL FATAL data TLB error interrupt",
    "- 1117838573 2005.06.03 R02-M1-N0-C:J12-U11 2005-06-03-15.42.53.276129 R02-M1-N0-C:J12-U11 RAS KERNEL INFO 63543 double-hummer alignment exceptions",
  ];
  const header = learnHeader(lines.concat(lines, lines, lines, lines));
  assert.equal(header.fieldCount, 9);
  assert.equal(header.strip(lines[2]!).message, "data TLB error interrupt");
  assert.equal(header.strip(lines[2]!).level, "FATAL");
  assert.equal(header.strip(lines[3]!).message, "63543 double-hummer alignment exceptions");
  assert.equal(header.strip(lines[0]!).timestamp, 1117838570000);
});

Deno.test("pipe-separated headers (HealthApp-like)", () => {
  const lines = [
    "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
    "20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4",
    "20171223-22:15:29:633|Step_StandReportReceiver|30002312|onReceive action: android.intent.action.SCREEN_ON",
    "20171224-1:01:41:207|Step_ExtSDM|30002312|tryToReloadTodayBasicSteps1514044800223|3786|0|0",
  ];
  const header = learnHeader(lines);
  assert.equal(header.separator, "|");
  assert.equal(
    header.strip(lines[2]!).message,
    "onReceive action: android.intent.action.SCREEN_ON",
  );
  // A message may hold the separator itself.
  assert.equal(header.strip(lines[3]!).message, "tryToReloadTodayBasicSteps1514044800223|3786|0|0");
  assert.equal(header.strip(lines[0]!).timestamp, Date.UTC(2017, 11, 23, 22, 15, 29, 606));
});

Deno.test("bare messages have no header, and odd lines keep their text", () => {
  const messages = [
    "Connection closed by 10.0.0.1",
    "Received disconnect from 10.0.0.2: 11: Bye Bye",
    "session opened for user root",
    "PacketResponder 1 for block blk_1 terminating",
  ];
  const header = learnHeader(messages);
  assert.equal(header.fieldCount, 0);
  assert.equal(header.strip(messages[1]!).message, messages[1]);
  const logs = [
    "2024-01-01 10:00:00 INFO a started",
    "2024-01-01 10:00:01 INFO b started",
    "2024-01-01 10:00:02 WARN c slow",
  ];
  const model = learnHeader(logs);
  // A continuation line does not have the header's shape: all of it is message.
  assert.deepEqual(model.strip("\tat com.acme.Foo.bar(Foo.java:1)"), {
    message: "\tat com.acme.Foo.bar(Foo.java:1)",
    fields: {},
  });
  assert.equal(model.strip("").message, "");
});

Deno.test("parseTime reads the common layouts", () => {
  assert.equal(parseTime(["2024-03-01T10:00:00.250Z"], 1970), Date.UTC(2024, 2, 1, 10, 0, 0, 250));
  assert.equal(parseTime(["2024-03-01T10:00:00+02:00"], 1970), Date.UTC(2024, 2, 1, 8, 0, 0));
  assert.equal(
    parseTime(["2015-07-29", "17:41:44,747"], 1970),
    Date.UTC(2015, 6, 29, 17, 41, 44, 747),
  );
  assert.equal(parseTime(["081109", "203615"], 1970), Date.UTC(2008, 10, 9, 20, 36, 15));
  assert.equal(parseTime(["17/06/09", "20:10:40"], 1970), Date.UTC(2017, 5, 9, 20, 10, 40));
  assert.equal(parseTime(["[Sun Dec 04 04:47:44 2005]"], 1970), Date.UTC(2005, 11, 4, 4, 47, 44));
  assert.equal(parseTime(["Jul", "1", "09:00:55"], 2017), Date.UTC(2017, 6, 1, 9, 0, 55));
  assert.equal(parseTime(["1117838570"], 1970), 1117838570000);
  assert.equal(parseTime(["2016-09-28", "04:30:30,"], 1970), Date.UTC(2016, 8, 28, 4, 30, 30));
  assert.equal(parseTime(["hello"], 1970), undefined);
  assert.equal(parseTime(["2024-13-01", "10:00:00"], 1970), undefined);
});

Deno.test("a header date that does not exist is no timestamp, as in the log-format parsers", () => {
  // Read as 2 March before: the header and the JSON/syslog parsers disagreed.
  assert.equal(parseTime(["2024-02-31", "10:00:00"], 1970), undefined);
  assert.equal(parseIsoLike("2024-02-31 10:00:00"), undefined);
  assert.equal(parseTime(["2023-02-29T10:00:00Z"], 1970), undefined);
  assert.equal(parseTime(["Feb", "30", "09:00:55"], 2017), undefined);
  assert.equal(parseTime(["2024-02-29", "10:00:00"], 1970), parseIsoLike("2024-02-29 10:00:00"));
  const model = learnHeader([
    "2024-02-31 10:00:00 ERROR disk full",
    "2024-03-01 10:00:00 ERROR disk full",
  ]);
  assert.equal(model.strip("2024-02-31 10:00:00 ERROR disk full").timestamp, undefined);
});

Deno.test("stripMessage is the message of strip", () => {
  const files = [
    [
      "Jun 14 15:16:01 combo sshd(pam_unix)[19939]: authentication failure; logname= uid=0",
      "Jun 15 04:06:19 combo logrotate: ALERT exited abnormally with [1]",
      "\tat continuation line",
      "Jun 15 04:06:20 combo kernel:",
    ],
    [
      "20171223-22:15:29:606|Step_LSC|30002312|onStandStepChanged 3579",
      "20171223-22:15:29:615|Step_LSC|30002312|onExtend:1514038530000 14 0 4",
      "garbage",
    ],
  ];
  for (const lines of files) {
    const header = learnHeader(lines);
    for (const line of [...lines, "", "  ", "x y z"]) {
      assert.equal(header.stripMessage(line), header.strip(line).message, line);
    }
  }
});
