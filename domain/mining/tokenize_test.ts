import assert from "node:assert/strict";
import fc from "fast-check";
import { hashKey, maskToken, Skeleton, skeletonKey, tokenize } from "./_tokenize.ts";

Deno.test("maskToken masks values by class and keeps the punctuation around them", () => {
  const cases: [string, string][] = [
    ["42", "<*>"],
    ["-17", "<*>"],
    ["3.14159", "<*>"],
    ["0x1f2e", "<*>"],
    ["10.251.73.220:50010", "<*>"],
    ["/10.10.34.11:45307", "<*>"],
    ["2607:f140:6000:8:c6b3:1ff:fecd:467f", "<*>"],
    ["5c:50:15:4c:18:13", "<*>"],
    ["b9000564-fe1a-409b-b8cc-1e88b294cd1d", "<*>"],
    ["a489c868f0c37da93b76227c91bb03908ac0e742", "<*>"],
    ["2017-05-16", "<*>"],
    ["17:41:44,747", "<*>"],
    ["(0x0185)", "(<*>)"],
    ["'0x00660011':", "'<*>':"],
    ["200,", "<*>,"],
    ["/var/lib/nova/instances/_base", "<*>"],
    ["(/var/lib/x):", "(<*>):"],
    ["https://example.com/a?b=1", "<*>"],
    ["./runtime_malloc:", "<*>:"],
    ["path:/var/run/mDNSResponder", "path:<*>"],
    ["blk_-6952295868487656571", "blk_<*>"],
    ["blk_38865049064139660", "blk_<*>"],
    ["part-00590.", "part-<*>."],
    ["attempt_1445144423722_0020_m_000000_0", "attempt_<*>_<*>_m_<*>_<*>"],
    ["taskID[2019352994]", "taskID[<*>]"],
    ["totalCalories=126775", "totalCalories=<*>"],
    ["core.2275", "core.<*>"],
    ["12ms", "<*>"],
    ["3.5s", "<*>"],
    ["12KB,", "<*>,"],
    // Identifiers by their shape, from the first time they are seen.
    ["ord_a1qd3ktmny", "ord_<*>"],
    ["ord_aqqdktmnyn", "ord_<*>"],
    ["cus_Nf3rFeUfNVHib", "cus_<*>"],
    ["Xk3fP9aQ", "<*>"],
    ["dana.kowalski@northwind.example", "<*>"],
    ["<a3f9e1b2c4d5@mail.internal>", "<<*>>"],
    ["redis-0.internal:6379", "<*>"],
    ["proxy.cse.example.edu:5070", "<*>"],
    ["com.example.payments:", "<*>:"],
    ["NameSystem.delete:", "NameSystem.delete:"],
    ['"alt0"', '"<*>"'],
    ["'magic-link',", "'<*>',"],
    ["<email:7f3a9c>", "<*>"],
    ["(<user:0a1b2c>)", "(<*>)"],
    ["<*>", "<*>"],
    ["<1", "<*>"],
    ["products_v4", "products_v<*>"],
    ["po-iqukhp504", "po-<*>"],
    ["Package_for_KB2928120~31bf3856ad364e35~amd64", "Package_for_<*>~<*>~amd<*>"],
    ['HTTP/1.1"', 'HTTP/<*>"'],
    ["v6(en0:fe80::1ff:fe23:4567:890a)", "v6(en0:<*>)"],
    // Words, and words with one glued digit (names, not values), stay.
    ["Connection", "Connection"],
    ["IPV6", "IPV6"],
    ["en0:", "en0:"],
    ["ssh2", "ssh2"],
    ["hi/lo", "hi/lo"],
    ["dcbf.........0", "dcbf.........<*>"],
    ["max_connections", "max_connections"],
    ["handshake-timeout", "handshake-timeout"],
    ["e.g.", "e.g."],
    ["workerEnv.init()", "workerEnv.init()"],
  ];
  for (const [raw, masked] of cases) assert.equal(maskToken(raw), masked, raw);
});

Deno.test("month and weekday names next to numbers are part of a date", () => {
  assert.equal(
    skeletonKey("changed at Fri Jul 01 08:16:53 PDT 2005 by x"),
    "changed at <*> PDT <*> by x",
  );
  assert.equal(skeletonKey("Jul 1 09:00:55 up"), "<*> up");
  // Not next to a number: a word.
  assert.equal(skeletonKey("May I help"), "May I help");
});

Deno.test("runs of identical masked tokens collapse and remember their length", () => {
  assert.deepEqual(tokenize("to delete blk_1 blk_-2 blk_3 now"), {
    tokens: ["to", "delete", "blk_<*>", "now"],
    runs: [1, 1, 3, 1],
  });
  assert.equal(skeletonKey("REPORT : 7007 5002 150089 240"), "REPORT : <*>");
});

Deno.test("a bracketed segment of values is left out of the skeleton", () => {
  assert.equal(skeletonKey("sent 1190 bytes (1.16 KB) ok"), "sent <*> bytes ok");
  assert.equal(skeletonKey("sent 403 bytes ok"), "sent <*> bytes ok");
  assert.equal(skeletonKey("parity error (0x1f), corrected"), "parity error corrected");
  // Words inside keep it: `(size: 22.6 KB)` is part of the message.
  assert.equal(skeletonKey("stored (size: 22.6 KB)"), "stored (size: <*> KB)");
});

Deno.test("a line break makes a message multi-line for the skeleton", () => {
  assert.equal(skeletonKey("a\nb"), undefined);
  assert.equal(skeletonKey("a\r b \t c"), "a b c");
  assert.equal(skeletonKey(""), "");
});

Deno.test("skeletonKey is tokenize joined, and the piecewise hash is hashKey of the key", () => {
  const token = fc.oneof(
    fc.constantFrom("alpha", "Beta", "x=1", "blk_-12", "0x1f", "10.0.0.1:80", "/a/b", "Jul", "12"),
    fc.string({ maxLength: 6 }),
  );
  const sep = fc.constantFrom(" ", "  ", "\t", " \r ");
  fc.assert(
    fc.property(fc.array(fc.tuple(token, sep), { maxLength: 12 }), (parts) => {
      const message = parts.map(([t, s]) => t + s).join("");
      if (message.includes("\n")) return;
      const key = skeletonKey(message)!;
      assert.equal(key, tokenize(message).tokens.join(" "));
      const sk = new Skeleton();
      assert.ok(sk.read(message));
      assert.equal(sk.hash, hashKey(key));
      assert.ok(sk.equals(key));
      assert.equal(sk.equals(key + " x"), false);
    }),
    { numRuns: 300 },
  );
});

Deno.test("the fast paths of the skeleton agree with the general masking of a token", () => {
  const chars = fc.constantFrom(
    ..."0123456789abcdefxXgzAFGZ.:,-_+/\\#%()[]{}<>\"'=@|;!?~*".split(""),
  );
  fc.assert(
    fc.property(fc.array(chars, { minLength: 1, maxLength: 12 }), (cs) => {
      const token = cs.join("");
      const masked = maskToken(token);
      // A bracketed value alone (`(0x1f)`, `[<*>],`) is a value segment: the skeleton leaves it out.
      const segment = /^(?:\(<\*>\)|\[<\*>\])[,.;:]*$/.test(masked);
      assert.equal(skeletonKey(token), segment ? "" : masked, token);
    }),
    // A separator and six random letters (`_GfFXFz`) is the shortest prefixed id.
    { numRuns: 3000, examples: [["_GfFXFz".split("")]] },
  );
});
