import assert from "node:assert/strict";
import fc from "fast-check";
import { groupingKeys, groupSignatures, isVariableShaped } from "./mod.ts";

const TRACE =
  "\njava.lang.ArithmeticException: <*>\n\tat java.base/java.math.BigDecimal.setScale\n" +
  "\tat com.acme.payments.money.Amounts.toMinorUnits\n\tat com.acme.payments.Capture.run";

Deno.test("one problem's fragments are one issue: literal ids, currencies, with and without the trace", () => {
  const fragments = [
    "Payment capture for order <*> aborted after amount scale mismatch for CHF",
    "Payment capture for order <*> aborted after amount scale mismatch for JPY" + TRACE,
    "Payment capture for order ord_aqqdktmnyn aborted after amount scale mismatch for SEK",
    "Payment capture for order ord_<*>gkrl<*>s1o aborted after amount scale mismatch for JPY" +
    TRACE,
    "Payment capture for order ord_b1wel<*>dt aborted after amount scale mismatch for GBP",
  ];
  const { issueOf, reasons } = groupSignatures(
    fragments.map((template, i) => ({ signatureId: `s${i}`, template })),
  );
  assert.deepEqual(new Set(issueOf.values()), new Set(["s0"]));
  const why = reasons.get("s0")!.join("; ");
  assert.match(why, /same exception java\.lang\.ArithmeticException at BigDecimal\.setScale/);
  assert.match(why, /same message template "Payment capture for order <\*> aborted/);
});

Deno.test("a dotted name is one value of an event: a provider's domain, a package", () => {
  const { issueOf } = groupSignatures([
    {
      signatureId: "a",
      template: "Refund <*> was sent twice to checkout.com after a timeout retry",
    },
    { signatureId: "b", template: "Refund <*> was sent twice to mollie after a timeout retry" },
    { signatureId: "c", template: "Refund <*> was sent twice to <*> after a timeout retry" },
  ]);
  assert.equal(issueOf.get("b"), "a");
  assert.equal(issueOf.get("c"), "a");
});

Deno.test("the same exception and frames are one issue with or without the message line", () => {
  const { issueOf } = groupSignatures([
    { signatureId: "a", template: "Capture failed" + TRACE },
    { signatureId: "b", template: "Could not convert the amount" + TRACE },
    { signatureId: "c", template: "Could not convert the amount\njava.io.IOException: x" },
  ]);
  assert.equal(issueOf.get("b"), "a");
  assert.equal(issueOf.get("c"), "a", "same message line as b");
});

Deno.test("different problems stay apart: short lines, words that carry meaning, other exceptions", () => {
  const { issueOf } = groupSignatures([
    { signatureId: "in", template: "User <*> logged in from the mobile app today" },
    { signatureId: "out", template: "User <*> logged out from the mobile app today" },
    { signatureId: "cold", template: "Cache is cold" },
    { signatureId: "warm", template: "Cache is warm" },
    {
      signatureId: "npe",
      template: "Failed\njava.lang.NullPointerException\n\tat a.B.c\n\tat a.B.d",
    },
    { signatureId: "ioe", template: "Failed\njava.io.IOException\n\tat x.Y.z\n\tat x.Y.w" },
  ]);
  assert.notEqual(issueOf.get("out"), issueOf.get("in"));
  assert.notEqual(issueOf.get("warm"), issueOf.get("cold"));
  // Both have the message line "Failed", which names nothing: one word is not a template to group by.
  assert.equal(issueOf.get("ioe"), "npe", "same message template, even if it is one word");
});

Deno.test("identifier shapes are variables the first time they are seen", () => {
  for (
    const token of [
      "ord_aqqdktmnyn",
      "3f2a9c1e-8b7d-4c2e-9f1a-0b3c5d7e9f11",
      "deadbeefcafe",
      "alice@example.com",
      "db-7.eu-west.internal",
      "/var/log/app.log",
      "12KB",
      "'quoted'",
      "user=bob",
      "u8Kd2PqLmZ",
    ]
  ) assert.ok(isVariableShaped(token), token);
  for (const token of ["payment", "BigDecimal", "brand_id", "timeout", "CHF", "password-reset"]) {
    assert.ok(!isVariableShaped(token), token);
  }
});

// An all-letter `ord_aaaaaaaaaa` is shaped like a snake_case word (`brand_identity`);
// generated ids carry a digit, as real prefixed ids do.
const idArbitrary = fc.oneof(
  fc.stringMatching(/^ord_[a-z0-9]{4}[0-9][a-z0-9]{5}$/),
  fc.uuid(),
  fc.stringMatching(/^[0-9a-f]{12}$/),
  fc.integer({ min: 0, max: 1e9 }).map(String),
  fc.stringMatching(/^[a-z]{3,8}@[a-z]{3,8}\.com$/),
);

Deno.test("property: lines that differ only in identifier-shaped tokens share their message key", () => {
  fc.assert(
    fc.property(
      fc.array(fc.constantFrom("Capture", "of", "order", "failed", "after", "retry", "the"), {
        minLength: 3,
        maxLength: 8,
      }),
      fc.array(idArbitrary, { minLength: 2, maxLength: 2 }),
      fc.nat(),
      (words, [a, b], at) => {
        const i = at % (words.length + 1);
        const line = (id: string) => [...words.slice(0, i), id, ...words.slice(i)].join(" ");
        assert.equal(groupingKeys(line(a!))[0]!.key, groupingKeys(line(b!))[0]!.key);
      },
    ),
  );
});
