import assert from "node:assert/strict";
import fc from "fast-check";
import { stringify } from "csv-stringify/sync";
import { endsQuoted } from "./csv.ts";
import { fixture, parseText, problems, recordLines, records } from "./_test_utils.ts";

Deno.test("CSV: header names mapped like JSON fields, quoted commas and newlines read by csv-parse", () => {
  const [declined, paid, note] = records(parseText("csv", fixture("sample.csv")));
  assert.deepEqual(declined, {
    message: "Invoice 881 failed: card declined, code 51",
    timestamp: Date.UTC(2026, 2, 1, 10),
    severity: { number: 17, text: "ERROR" },
    service: "billing",
    customer: "acme",
    attributes: {},
  });
  assert.equal(paid!.message, "Invoice 882 paid");
  assert.equal(note!.message, "Multi-line note:\nsecond line of the note");
  assert.equal(note!.customer, "globex");
});

Deno.test("CSV: rows with the wrong field count or no real date are quarantined, the others kept", () => {
  const items = parseText(
    "csv",
    [
      "time,level,message,order_id,region",
      "2026-03-01T10:00:00Z,INFO,paid,1,eu",
      "2026-03-01T10:00:01Z,INFO,short row",
      "2026-03-01T10:00:02Z,INFO,long row,2,eu,extra,extra",
      "2026-02-30T10:00:03Z,INFO,no such day,3,eu",
      'not"quoted,INFO,x,4,eu',
      "2026-03-01T10:00:04Z,WARN,slow,5,us",
    ].join("\r\n"),
  );
  assert.deepEqual(recordLines(items), [2, 7]);
  const bad = problems(items);
  assert.deepEqual(bad.slice(0, 3), [
    [3, "CSV row has 3 fields, header has 5"],
    [4, "CSV row has 7 fields, header has 5"],
    [5, 'time "2026-02-30T10:00:03Z" is not a valid date'],
  ]);
  assert.equal(bad[3]![0], 6);
  assert.match(bad[3]![1], /^Cannot parse CSV: Invalid Opening Quote/);
  assert.deepEqual(records(items)[0]!.attributes, { order_id: "1", region: "eu" });
});

Deno.test("CSV: an unclosed quote costs only its own line; the rows after it are read again", () => {
  const items = parseText(
    "csv",
    [
      "time,level,message",
      '2026-03-01T10:00:00Z,ERROR,"never closed',
      "2026-03-01T10:00:01Z,INFO,after the broken row",
      "2026-03-01T10:00:02Z,INFO,last row",
    ].join("\n"),
  );
  assert.deepEqual(problems(items), [[
    2,
    "Cannot parse CSV: quoted field not closed at end of input",
  ]]);
  assert.deepEqual(records(items).map((r) => r.message), ["after the broken row", "last row"]);
});

Deno.test("CSV: a table without a message column is quarantined row by row with the reason", () => {
  const items = parseText("csv", "time,level,user\n2026-03-01T10:00:00Z,INFO,alice\n");
  assert.deepEqual(problems(items).map(([line]) => line), [2]);
  assert.match(
    problems(items)[0]![1],
    /^no message field \(looked for msg, message, log, text, body, event, @message\)$/,
  );
});

Deno.test("CSV: header names are matched whatever their case, as exports write them", () => {
  const [record] = records(parseText(
    "csv",
    'Date,Host,Service,Status,Message\n2026-03-01T10:00:00Z,web-1,checkout,error,"Timeout, retrying"\n',
  ));
  assert.deepEqual(record, {
    message: "Timeout, retrying",
    timestamp: Date.UTC(2026, 2, 1, 10),
    service: "checkout",
    attributes: { Host: "web-1", Status: "error" },
  });
});

Deno.test("CSV: any table csv-stringify writes is read back row by row, with the right line numbers", () => {
  // Words joined by separators that CSV must quote; never a blank line inside
  // a field, since the line splitter drops blank lines.
  const value = fc.array(fc.stringMatching(/^[a-zA-Z0-9é]{1,6}$/), { minLength: 1, maxLength: 5 })
    .chain((words) =>
      fc.array(fc.constantFrom(" ", ",", '"', "\n", '""'), {
        minLength: words.length - 1,
        maxLength: words.length - 1,
      }).map((separators) => words.map((w, i) => w + (separators[i] ?? "")).join(""))
    );
  const row = fc.tuple(value, fc.option(value, { nil: "" }), fc.option(value, { nil: "" }));
  fc.assert(
    fc.property(fc.array(row, { minLength: 1, maxLength: 8 }), (rows) => {
      const text = stringify([["message", "code", "note"], ...rows]);
      const items = parseText("csv", text);
      assert.deepEqual(problems(items), []);
      const parsed = records(items);
      assert.deepEqual(parsed.map((p) => p.message), rows.map(([message]) => message));
      for (const [i, [, code, note]] of rows.entries()) {
        const expected: Record<string, string> = {};
        if (code !== "") expected.code = code;
        if (note !== "") expected.note = note;
        assert.deepEqual(parsed[i]!.attributes, expected);
      }
      let line = 2;
      assert.deepEqual(
        recordLines(items),
        rows.map(([m, c, n]) => {
          const at = line;
          line += 1 + [m, c, n].join("").split("\n").length - 1;
          return at;
        }),
      );
    }),
    { numRuns: 200 },
  );
});

Deno.test("CSV: a row is complete when no quoted field is left open", () => {
  assert.equal(endsQuoted('a,"b,c",d', false), false);
  assert.equal(endsQuoted('a,"b ""quoted"" c', false), true);
  assert.equal(endsQuoted('still open"" here', true), true);
  assert.equal(endsQuoted('closes here",x', true), false);
  assert.equal(endsQuoted('a"b,c', false), false, "a quote inside a field opens nothing");
});
