import assert from "node:assert/strict";
import fc from "fast-check";
import { parseLogfmtPairs } from "./logfmt.ts";
import { fixture, parseText, problems, recordLines, records } from "./_test_utils.ts";

Deno.test("logfmt: quoted values with escapes, the same field names as JSON lines", () => {
  const [served, failed] = records(parseText("logfmt", fixture("sample.logfmt")));
  assert.deepEqual(served, {
    message: "request served",
    timestamp: Date.UTC(2026, 2, 1, 10),
    severity: { number: 9, text: "INFO" },
    attributes: { method: "GET", path: "/api/items/42", status: "200", duration: "12ms" },
  });
  assert.equal(failed!.message, "db query failed: connection reset by peer");
  assert.equal(failed!.severity?.text, "ERROR");
  const [slog] = records(parseText(
    "logfmt",
    'time=2026-03-01T10:00:00.250+02:00 level=WARN msg="cache \\"sessions\\" at 93%\\nevicting" service=auth env=prod customer=acme lvl=x',
  ));
  assert.equal(slog!.timestamp, Date.UTC(2026, 2, 1, 8, 0, 0, 250));
  assert.equal(slog!.message, 'cache "sessions" at 93%\nevicting');
  assert.deepEqual(
    [slog!.service, slog!.environment, slog!.customer],
    ["auth", "prod", "acme"],
  );
  assert.equal(slog!.attributes.lvl, "x", "a second level field stays an attribute");
});

Deno.test("logfmt: router lines without a message field keep the whole line as message", () => {
  const parsed = records(parseText("logfmt", fixture("sample.logfmt")));
  const router = parsed[3]!;
  assert.match(router.message, /^at=info method=GET path="\/" host=app\.example\.com/);
  assert.equal(router.attributes.status, "200");
  assert.equal(router.attributes.fwd, "10.1.2.3");
});

Deno.test("logfmt: a bare word is a flag; Grafana's t= is a time, and kept when it is not one", () => {
  const [grafana, other] = records(parseText(
    "logfmt",
    [
      'logger=context t=2026-03-01T10:00:00.123Z level=error msg="Request error" dry_run',
      'msg="tuned" t=fast',
    ].join("\n"),
  ));
  assert.equal(grafana!.timestamp, Date.UTC(2026, 2, 1, 10, 0, 0, 123));
  assert.deepEqual(grafana!.attributes, { logger: "context", dry_run: true });
  assert.equal(other!.timestamp, undefined);
  assert.equal(other!.attributes.t, "fast");
});

Deno.test("logfmt: unterminated quotes and bad keys are quarantined, the lines around them kept", () => {
  const items = parseText(
    "logfmt",
    [
      "level=info msg=started",
      'level=error msg="connection reset',
      'level=info "quoted key"=1',
      "just some words",
      "level=info msg=stopped",
    ].join("\n"),
  );
  assert.deepEqual(recordLines(items), [1, 5]);
  assert.deepEqual(problems(items), [
    [2, "Cannot parse logfmt: unterminated quote in the value of msg at column 17"],
    [3, "Cannot parse logfmt: bad key at column 12"],
    [4, "Cannot parse logfmt: no key=value pair"],
  ]);
});

Deno.test("logfmt: any pairs written with quoting and escapes are read back as they were", () => {
  const key = fc.stringMatching(/^[a-z_][a-z0-9_.]{0,10}$/).filter((k) => k !== "__proto__");
  const quote = (value: string) =>
    `"${
      value.replaceAll("\\", "\\\\").replaceAll('"', '\\"').replaceAll("\n", "\\n").replaceAll(
        "\t",
        "\\t",
      )
    }"`;
  fc.assert(
    fc.property(
      fc.uniqueArray(fc.tuple(key, fc.string({ unit: "grapheme" })), {
        minLength: 1,
        maxLength: 6,
        selector: ([k]) => k,
      }),
      (pairs) => {
        const line = pairs.map(([k, v]) => `${k}=${quote(v)}`).join(" ");
        const parsed = parseLogfmtPairs(line);
        assert.ok(typeof parsed !== "string", parsed as string);
        assert.deepEqual(parsed.fields, Object.fromEntries(pairs));
        assert.equal(parsed.pairs, pairs.length);
      },
    ),
  );
});
