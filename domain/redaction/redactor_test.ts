import assert from "node:assert/strict";
import fc from "fast-check";
import { redactAttributes, type RedactionRules, Redactor } from "./redactor.ts";
import { luhnValid } from "./checks.ts";

// A stand-in keyed hash: deterministic, different per value, hex.
function fakeHash(value: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < value.length; i++) h = Math.imul(h ^ value.charCodeAt(i), 16777619);
  return (h >>> 0).toString(16).padStart(8, "0");
}

function redact(text: string, rules: RedactionRules = {}, customer: string | null = null): string {
  return new Redactor(rules, fakeHash).forCustomer(customer).text(text);
}

const found = (type: string, value: string) => `<${type}:${fakeHash(value).slice(0, 6)}>`;

Deno.test("each built-in type is replaced by its typed pseudonym", () => {
  const cases: [string, string, string][] = [
    ["mail jane.doe+x@example.co.uk now", "email", "jane.doe+x@example.co.uk"],
    ["from 10.250.19.102:50010", "ipv4", "10.250.19.102"],
    ["peer [2001:db8:85a3::8a2e:370:7334]:443", "ipv6", "2001:db8:85a3::8a2e:370:7334"],
    ["paid with 4111 1111 1111 1111 ok", "card", "4111 1111 1111 1111"],
    ["amex 378282246310005.", "card", "378282246310005"],
    ["paid 4000 0000 0000 0002 12:30 ok", "card", "4000 0000 0000 0002"],
    ["to DE89 3704 0044 0532 0130 00 today", "iban", "DE89 3704 0044 0532 0130 00"],
    ["Authorization: Bearer abcDEF123456ghiJKL", "bearer", "abcDEF123456ghiJKL"],
    [
      "jwt eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl end",
      "jwt",
      "eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJl",
    ],
    ["key sk_live_4eC39HqLyjWDarjtT1zdp7dc", "api_key", "sk_live_4eC39HqLyjWDarjtT1zdp7dc"],
    ["aws AKIAIOSFODNN7EXAMPLE", "api_key", "AKIAIOSFODNN7EXAMPLE"],
    ["slack xoxb-123456789012-abcdefABCDEF", "api_key", "xoxb-123456789012-abcdefABCDEF"],
    ["slack xoxs-123456789012-abcdefABCDEF", "api_key", "xoxs-123456789012-abcdefABCDEF"],
    [
      "maps AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
      "api_key",
      "AIzaSyDaGmWKa4JsXZ-HjGw7ISLn_3namBGewQe",
    ],
    ["Authorization: Basic dXNlcjpwYXNz", "basic_auth", "dXNlcjpwYXNz"],
    ["git https://bob:hunter2@git.example.com/x", "url_credentials", "bob:hunter2"],
    ["cache redis://:hunter2@cache:6379/0", "url_credentials", ":hunter2"],
    ["db_password=s3cr3t!", "secret", "s3cr3t!"],
    ["Server=db;Uid=sa;Pwd=s3cr3t;", "secret", "s3cr3t"],
    ["passphrase: correct-horse", "secret", "correct-horse"],
    ['config { password => "hunter2" }', "secret", "hunter2"],
    ["db.password        = hunter2", "secret", "hunter2"],
    ["api_key\t: abc123", "secret", "abc123"],
    ["<soap:Body><ns:password>hunter 2</ns:password>", "secret", "hunter 2"],
    ['{"secret_key": "abc123"}', "secret", "abc123"],
    ["Set-Cookie: sid=31d4d96e407aad42; HttpOnly", "secret", "sid=31d4d96e407aad42"],
    ['{"apiKey": "zzz yyy"}', "secret", "zzz yyy"],
    ["Authorization: Token 9f8e7d6c5b4a3928", "secret", "9f8e7d6c5b4a3928"],
    [
      'Authorization: Digest username="bob", realm="api", response="6629fae49393a053"',
      "secret",
      'username="bob", realm="api", response="6629fae49393a053"',
    ],
    ["proxy_authorization=SSWS 00QCjAl4MlV-WPXM", "secret", "00QCjAl4MlV-WPXM"],
    ["{'Authorization': 'c2VjcmV0dG9rZW4xMjM0'}", "secret", "c2VjcmV0dG9rZW4xMjM0"],
    ["AccountName=x;AccountKey=Zm9vYmFy+/a==;", "secret", "Zm9vYmFy+/a=="],
    [
      "llm sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t",
      "api_key",
      "sk-proj-Ab3dEf6hIj9kLm2nOp5qRs8t",
    ],
    ["gitlab glpat-xR4n7Qm2kP9sT1vW3yZ5", "api_key", "glpat-xR4n7Qm2kP9sT1vW3yZ5"],
    [
      "slack xapp-1-A0123456789-1234567890123-abcdef0123456789",
      "api_key",
      "xapp-1-A0123456789-1234567890123-abcdef0123456789",
    ],
    [
      "POST https://hooks.slack.com/services/T0AB12CD3/B0EF45GH6/Xy7Zq9Wv1Ut3Rs5P",
      "api_key",
      "T0AB12CD3/B0EF45GH6/Xy7Zq9Wv1Ut3Rs5P",
    ],
    [
      "npm npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
      "api_key",
      "npm_a1B2c3D4e5F6g7H8i9J0k1L2m3N4o5P6q7R8",
    ],
    [
      "mail 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",
      "api_key",
      "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",
    ],
    ["call +44 20 7946 0958 now", "phone", "+44 20 7946 0958"],
    ["ssn 078-05-1120", "ssn", "078-05-1120"],
  ];
  for (const [text, type, value] of cases) {
    const redacted = redact(text);
    assert.equal(redacted, text.replace(value, found(type, value)), text);
  }
});

Deno.test("a PEM private key is replaced whole, across lines", () => {
  const pem =
    "-----BEGIN PRIVATE KEY-----\nMIIEvQIBADANBgkqhkiG9w0BAQEFAASC\n-----END PRIVATE KEY-----";
  assert.equal(redact(`loaded ${pem} ok`), `loaded ${found("private_key", pem)} ok`);
  const pgp =
    "-----BEGIN PGP PRIVATE KEY BLOCK-----\nlQOYBF0AAAAB\n-----END PGP PRIVATE KEY BLOCK-----";
  assert.equal(redact(`key ${pgp}`), `key ${found("private_key", pgp)}`);
});

Deno.test("an e-mail address written with %40 in a URL is the same user as with @", () => {
  assert.equal(
    redact("GET /reset?email=jane%40acme.example 200"),
    `GET /reset?email=${found("email", "jane@acme.example")} 200`,
  );
});

Deno.test("look-alikes are left alone", () => {
  for (
    const text of [
      "upgraded to version 1.2.3.4",
      "build v10.0.0.1 deployed",
      "Mozilla/5.0 Chrome/96.0.4664.110 Safari/537.36",
      "order 4111111111111112 shipped", // Luhn-invalid
      "at 1700000000000 ms", // epoch milliseconds
      "2015-07-29 17:41:44,747 +1000 12345678 records", // a UTC offset, then a count
      "took +12.3456789 s",
      "ssn 666-12-3456 and 900-12-3456 were never issued",
      "time 12:34:56.789 std::string a::b dead::beef",
      "listening on 0.0.0.0:80 and 127.0.0.1 and ::1",
      "Bearer authentication failed",
      "Basic authentication failed",
      "Authorization: required for /admin",
      "Authorization: Digest is not supported",
      "scaled sk-prod-eu-west-cluster-nodes-01 to 3",
      "closed sessionid:0x14ed93111f20005", // a session's number, not its credential
      'WWW-Authenticate: Basic realm="api"',
      "password=*** was masked already",
      "blk_-1608999687919862906 size 67108864",
      "posted to https://hooks.slack.com/services/ (no path: nothing to hide)",
      "installed xapp-cli 1.2",
    ]
  ) assert.equal(redact(text), text);
});

Deno.test("an attribute whose key names a secret or a credential header is replaced whole", () => {
  const redactor = new Redactor({}, fakeHash).forCustomer(null);
  assert.deepEqual(
    redactAttributes({
      "db_password": "hunter2",
      "headers.Authorization": "Digest username=bob",
      "headers.Cookie": "sid=31d4d96e407aad42",
      "authorization_result": "denied",
      "service": "api",
    }, redactor),
    {
      "db_password": found("secret", "hunter2"),
      "headers.Authorization": found("secret", "Digest username=bob"),
      "headers.Cookie": found("secret", "sid=31d4d96e407aad42"),
      "authorization_result": "denied",
      "service": "api",
    },
  );
});

Deno.test("an attribute whose key names a version keeps a dotted quad", () => {
  const redactor = new Redactor({}, fakeHash).forCustomer(null);
  assert.equal(redactor.text("1.2.3.4", { versionContext: true }), "1.2.3.4");
  assert.equal(redactor.text("1.2.3.4"), found("ipv4", "1.2.3.4"));
});

Deno.test("rules: built-ins switched off, extra patterns, allow-list, per customer", () => {
  const rules: RedactionRules = {
    disabled: ["ipv4"],
    patterns: [{ type: "order_ref", pattern: "ORD-\\d{6}" }],
    allow: ["Support@Vendor.example"],
    customers: {
      acme: {
        disabled: ["email"],
        patterns: [{ type: "member", pattern: "member=(?<value>\\w+)", flags: "i" }],
      },
    },
  };
  const text = "ORD-123456 from 10.0.0.7 by a@b.example cc support@vendor.example MEMBER=zed";
  assert.equal(
    redact(text, rules),
    `${found("order_ref", "ORD-123456")} from 10.0.0.7 by ${found("email", "a@b.example")}` +
      " cc support@vendor.example MEMBER=zed",
  );
  assert.equal(
    redact(text, rules, "acme"),
    `${found("order_ref", "ORD-123456")} from 10.0.0.7 by a@b.example` +
      ` cc support@vendor.example MEMBER=${found("member", "zed")}`,
  );
});

Deno.test("bad rules are refused with what is wrong", () => {
  assert.throws(() => new Redactor({ disabled: ["fax"] }, fakeHash), /unknown type "fax"/);
  assert.throws(
    () => new Redactor({ patterns: [{ type: "Bad Type", pattern: "x" }] }, fakeHash),
    /must be lowercase/,
  );
  assert.throws(() => new Redactor({ patterns: [{ type: "x", pattern: "(" }] }, fakeHash), /x/);
  assert.throws(
    () => new Redactor({ patterns: [{ type: "x", pattern: "a*" }] }, fakeHash),
    /empty string/,
  );
});

// Planted values, one arbitrary per type: [type, text planted, the part that must vanish].
const digits = (min: number, max: number) =>
  fc.array(fc.integer({ min: 0, max: 9 }), { minLength: min, maxLength: max }).map((d) =>
    d.join("")
  );
const alnum = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789"),
    minLength: min,
    maxLength: max,
  });
const lower = (min: number, max: number) =>
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz"),
    minLength: min,
    maxLength: max,
  });

function withLuhnDigit(body: string): string {
  for (let d = 0; d < 10; d++) if (luhnValid(body + d)) return body + d;
  throw new Error("unreachable");
}

function ibanOf(country: string, bban: string): string {
  const numeric = (bban + country + "00").replace(/[A-Z]/g, (c) => String(c.charCodeAt(0) - 55));
  let remainder = 0;
  for (const ch of numeric) remainder = (remainder * 10 + Number(ch)) % 97;
  return `${country}${String(98 - remainder).padStart(2, "0")}${bban}`;
}

const planted: Record<string, fc.Arbitrary<[string, string]>> = {
  email: fc.tuple(lower(1, 10), lower(2, 10), fc.constantFrom("com", "org", "example"))
    .map(([user, host, tld]) => [`${user}@${host}.${tld}`, `${user}@${host}.${tld}`]),
  ipv4: fc.tuple(
    fc.integer({ min: 1, max: 223 }).filter((n) => n !== 127),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 0, max: 255 }),
    fc.integer({ min: 1, max: 254 }),
  ).map((o) => [o.join("."), o.join(".")]),
  ipv6: fc.array(fc.integer({ min: 0, max: 0xffff }), { minLength: 7, maxLength: 7 })
    .map((groups) => {
      const address = `${groups.map((g) => g.toString(16)).join(":")}:1`;
      return [address, address];
    }),
  card: fc.tuple(digits(14, 14), fc.constantFrom("", " ", "-")).map(([body, sep]) => {
    const number = withLuhnDigit(`4${body}`);
    const shown = sep === "" ? number : number.match(/.{4}/g)!.join(sep);
    return [shown, shown];
  }),
  iban: digits(18, 18).map((bban) => {
    const iban = ibanOf("DE", bban);
    return [iban, iban];
  }),
  jwt: fc.tuple(alnum(4, 20), alnum(4, 40), alnum(10, 40)).map(([h, p, s]) => {
    const jwt = `eyJ${h}.eyJ${p}.${s}`;
    return [jwt, jwt];
  }),
  bearer: alnum(12, 40).map((token) => [`Bearer ${token}9`, `${token}9`]),
  api_key: fc.oneof(
    alnum(24, 32).map((k) => `sk_live_${k}`),
    alnum(36, 36).map((k) => `ghp_${k}`),
    fc.string({
      unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"),
      minLength: 16,
      maxLength: 16,
    })
      .map((k) => `AKIA${k}`),
    digits(10, 12).map((k) => `xoxb-${k}-abcdef`),
    alnum(35, 35).map((k) => `AIza${k}`),
  ).map((key) => [key, key]),
  basic_auth: fc.tuple(lower(2, 8), alnum(4, 12)).map(([user, pass]) => {
    const credential = btoa(`${user}:${pass}`);
    return [`Authorization: Basic ${credential}`, credential];
  }),
  url_credentials: fc.tuple(fc.oneof(fc.constant(""), lower(2, 8)), alnum(4, 12)).map((
    [user, pass],
  ) => [`https://${user}:${pass}@db.example.com/x`, `${user}:${pass}`]),
  secret: fc.tuple(
    fc.constantFrom("password", "api_key", "token", "secret", "pwd", "passphrase"),
    alnum(6, 20),
  )
    .map(([key, value]) => [`${key}=${value}`, value]),
  private_key: fc.array(alnum(20, 64), { minLength: 1, maxLength: 4 }).map((lines) => {
    const pem = `-----BEGIN RSA PRIVATE KEY-----\n${
      lines.join("\n")
    }\n-----END RSA PRIVATE KEY-----`;
    return [pem, lines.join("\n")];
  }),
  phone: fc.tuple(fc.integer({ min: 1, max: 99 }), digits(3, 3), digits(4, 4), digits(3, 4))
    .map(([cc, a, b, c]) => {
      const phone = `+${cc} ${a} ${b} ${c}`;
      return [phone, phone];
    }),
  ssn: fc.tuple(
    fc.integer({ min: 1, max: 899 }).filter((n) => n !== 666),
    fc.integer({ min: 1, max: 99 }),
    fc.integer({ min: 1, max: 9999 }),
  ).map(([a, g, s]) => {
    const ssn = `${String(a).padStart(3, "0")}-${String(g).padStart(2, "0")}-${
      String(s).padStart(4, "0")
    }`;
    return [ssn, ssn];
  }),
};

const words = fc.array(
  fc.string({
    unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyzABCDEFGHIJ:,.()"),
    minLength: 1,
    maxLength: 8,
  }),
  { maxLength: 8 },
).map((w) => w.join(" "));

// Words without a version cue (`v`, `version`, `build`, `Chrome/`) before a dotted quad.
const plainWords = fc.array(
  fc.string({ unit: fc.constantFrom(..."abcdefghij:,.()"), minLength: 1, maxLength: 8 }),
  { maxLength: 8 },
).map((w) => w.join(" "));

Deno.test("property: a planted value of each type in random text is always replaced", () => {
  for (const [type, arbitrary] of Object.entries(planted)) {
    fc.assert(
      fc.property(plainWords, arbitrary, plainWords, (before, [text, secret], after) => {
        const redacted = redact(`${before} ${text} ${after}`);
        assert.ok(!redacted.includes(secret), `${type}: ${redacted}`);
        assert.ok(redacted.includes(`<${type}:`), `${type}: ${redacted}`);
      }),
      { numRuns: 150 },
    );
  }
});

const anyPlanted = fc.oneof(...Object.values(planted)).map(([text]) => text);
const mixed = fc.array(fc.oneof(words, anyPlanted), { maxLength: 6 }).map((parts) =>
  parts.join(" ")
);

Deno.test("property: redaction is idempotent", () => {
  fc.assert(
    fc.property(fc.oneof(mixed, fc.string()), (text) => {
      const once = redact(text);
      assert.equal(redact(once), once);
    }),
    { numRuns: 500 },
  );
});

Deno.test("property: the same value gets the same placeholder wherever it appears", () => {
  fc.assert(
    fc.property(anyPlanted, plainWords, plainWords, (value, a, b) => {
      const alone = redact(` ${value} `).trim();
      assert.equal(redact(`${a} ${value} ${b}`).includes(alone), true);
      assert.equal(redact(`${b} ${value} ${a}`).includes(alone), true);
    }),
    { numRuns: 300 },
  );
});

Deno.test("property: Luhn-invalid digit runs are never called cards", () => {
  const invalid = fc.tuple(digits(12, 18), fc.integer({ min: 0, max: 9 }))
    .map(([body, d]) => body + d)
    .filter((number) => !luhnValid(number));
  fc.assert(
    fc.property(invalid, fc.constantFrom("", " ", "-"), words, (number, sep, around) => {
      const shown = sep === "" ? number : number.replace(/(\d{4})(?=\d)/g, `$1${sep}`);
      assert.ok(!redact(`${around} ${shown} ${around}`).includes("<card:"));
    }),
    { numRuns: 500 },
  );
});
