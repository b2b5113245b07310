import assert from "node:assert/strict";
import fc from "fast-check";
import { analyze, stems } from "./text.ts";

Deno.test("stems: the same terms as analyze, in the same order, for any text", () => {
  const piece = fc.constantFrom(
    "Crash",
    "crashes",
    "ensureElementIsVisible",
    "foo_bar",
    "a.b",
    "HTTPServer",
    "x86",
    "5.8.1",
    "the",
    " ",
    "\n",
    ".",
    "_",
    "-",
    "é",
    "Ünïcode",
    "v2Beta",
    "..",
  );
  fc.assert(fc.property(fc.array(fc.oneof(piece, fc.string()), { maxLength: 12 }), (parts) => {
    const text = parts.join("");
    assert.deepEqual(stems(text), analyze(text).map((t) => t.stem));
  }));
});

Deno.test("analyze: code names split and kept whole; words stemmed; stop words out", () => {
  assert.deepEqual(stems("The nsIDOMWindow was crashing"), [
    "nsidomwindow",
    "ns",
    "idom",
    "window",
    "crash",
  ]);
});
