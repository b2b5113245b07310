import assert from "node:assert/strict";
import fc from "fast-check";
import { facetsOf, SignatureMiner } from "./miner.ts";

// Constant words: plain words, no month or weekday name, no digits.
const WORDS = [
  "Payment",
  "capture",
  "aborted",
  "after",
  "amount",
  "scale",
  "mismatch",
  "session",
  "rejected",
  "token",
  "expired",
  "request",
  "failed",
  "retrying",
  "queue",
  "webhook",
  "delivery",
  "dropped",
  "export",
  "truncated",
  "at",
  "status:",
];

const lower = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz".split(""));
const digit = fc.constantFrom(..."0123456789".split(""));
const base36 = fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789".split(""));
const hexChar = fc.constantFrom(..."0123456789abcdef".split(""));
const str = (chars: fc.Arbitrary<string>, min: number, max: number) =>
  fc.array(chars, { minLength: min, maxLength: max }).map((a) => a.join(""));
/**
 * A base36 id that switches between letters and digits at least twice
 * (`a1qd3k...`), as random ids of eight characters or more nearly always do;
 * one switch reads as a name with a number (`node12`), by design.
 */
const mixedId = fc.tuple(str(base36, 4, 14), lower, digit, lower, fc.nat(3)).map(
  ([s, l, d, l2, at]) => {
    const i = Math.min(at, s.length);
    return s.slice(0, i) + l + d + l2 + s.slice(i);
  },
);
const word = str(lower, 3, 8);

/** Identifier-shaped values, each by its shape alone. */
const IDS: Record<string, fc.Arbitrary<string>> = {
  mixed: mixedId,
  hex: str(hexChar, 12, 40).filter((s) => /\d/.test(s) && /[a-f]/.test(s)),
  uuid: fc.uuid(),
  email: fc.tuple(word, word, word).map(([a, b, d]) => `${a}.${b}@${d}.example`),
  host: fc.tuple(word, fc.nat(9), word, fc.integer({ min: 1, max: 65535 })).map(([a, n, b, p]) =>
    `${a}-${n}.${b}.internal:${p}`
  ),
  path: fc.array(word, { minLength: 2, maxLength: 4 }).map((p) => "/" + p.join("/")),
  withUnit: fc.tuple(fc.nat(100_000), fc.constantFrom("ms", "s", "KB", "MB", "GB")).map(
    ([n, u]) => `${n}${u}`,
  ),
  quoted: word.map((w) => `"${w}"`),
  placeholder: fc.tuple(fc.constantFrom("email", "user", "ip"), str(hexChar, 4, 8)).map(
    ([t, h]) => `<${t}:${h}>`,
  ),
  masked: fc.constant("<*>"),
};
const KINDS = Object.keys(IDS);
/** A prefixed id slot: the prefix belongs to the template (`ord_`), the rest varies. */
const prefixedSlot = fc.tuple(str(lower, 2, 5), fc.constantFrom("_", "-")).map(([p, s]) =>
  `{prefixed:${p}${s}}`
);

/** A template: constant words and identifier slots, at least two words. */
const template = fc.array(
  fc.oneof(
    { arbitrary: fc.constantFrom(...WORDS), weight: 3 },
    { arbitrary: fc.constantFrom(...KINDS).map((k) => `{${k}}`), weight: 1 },
    { arbitrary: prefixedSlot, weight: 1 },
  ),
  { minLength: 2, maxLength: 10 },
).filter((t) => t.filter((x) => !x.startsWith("{")).length >= 2);

function fill(t: readonly string[]): fc.Arbitrary<string> {
  return fc.tuple(...t.map((x) => {
    if (!x.startsWith("{")) return fc.constant(x);
    const [kind, prefix] = x.slice(1, -1).split(":");
    return kind === "prefixed" ? mixedId.map((id) => prefix + id) : IDS[kind!]!;
  })).map((parts) => parts.join(" "));
}

Deno.test("lines that differ only in identifier-shaped tokens share a signature from the first line on", () => {
  fc.assert(
    fc.property(
      template.chain((t) => fc.tuple(fill(t), fill(t))),
      ([a, b]) => {
        const miner = new SignatureMiner();
        const first = miner.mine([a]);
        const second = miner.mine([b]);
        assert.equal(second.signatureIds[0], first.signatureIds[0], `${a}\n${b}`);
        // Right from the first line: the second one teaches the miner nothing.
        assert.deepEqual(second.events, [], `${a}\n${b}`);
      },
    ),
    { numRuns: 500 },
  );
});

Deno.test("a small enum after a preposition is a variable, with its values kept as facets", () => {
  const miner = new SignatureMiner();
  const ids: string[] = [];
  const currencies = ["CHF", "JPY", "CHF", "EUR", "CHF", "JPY"];
  const events = [];
  for (const [i, c] of currencies.entries()) {
    // One line per batch: each is rare when it comes.
    const r = miner.mine([
      `Payment capture for order ord_${i}x${i}qz aborted after amount scale mismatch for ${c}`,
    ]);
    ids.push(r.signatureIds[0]!);
    events.push(...r.events);
  }
  assert.equal(new Set(ids).size, 1);
  assert.equal(
    miner.template(ids[0]!),
    "Payment capture for order ord_<*> aborted after amount scale mismatch for <*>",
  );
  assert.deepEqual(miner.facets(ids[0]!), [{
    position: 11,
    values: [
      { value: "CHF", count: 3 },
      { value: "JPY", count: 2 },
      { value: "EUR", count: 1 },
    ],
    other: 0,
  }]);
  // The projection reads the facets as of the last event.
  const last = events[events.length - 1]!;
  assert.equal(last.type, "SignatureGeneralized");
  assert.deepEqual(facetsOf(last.data.state)[0]!.values.map((v) => v.value), ["CHF", "JPY"]);
});

Deno.test("words that tell events apart outside argument slots stay constant", () => {
  const miner = new SignatureMiner();
  const a = miner.mine(["Accepted password for root from 10.0.0.1 port 22"]).signatureIds[0];
  const b = miner.mine(["Failed password for root from 10.0.0.1 port 22"]).signatureIds[0];
  assert.notEqual(a, b);
});

Deno.test("an optional value segment does not split an event", () => {
  const miner = new SignatureMiner();
  const { signatureIds } = miner.mine([
    "proxy close, 403 bytes sent, 1190 bytes (1.16 KB) received, lifetime <1 sec",
    "proxy close, 2048 bytes (2.00 KB) sent, 426 bytes received, lifetime 00:02",
  ]);
  assert.equal(signatureIds[0], signatureIds[1]);
});
