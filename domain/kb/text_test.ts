import assert from "node:assert/strict";
import fc from "fast-check";
import { analyze, stems } from "./text.ts";
import { highlight } from "./highlight.ts";

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

Deno.test("highlight: the passage is the one a full analysis of the text gives", () => {
  // The reference reads every term of the text; highlight stops past its passage.
  const reference = (text: string, wanted: ReadonlySet<string>): string | null => {
    const spans: [number, number][] = [];
    for (const term of analyze(text)) {
      if (!wanted.has(term.stem)) continue;
      const end = term.start + term.word.length;
      const last = spans[spans.length - 1];
      if (last !== undefined && last[1] >= term.start) last[1] = Math.max(last[1], end);
      else spans.push([term.start, end]);
    }
    if (spans.length === 0) return null;
    const from = Math.max(0, spans[0]![0] - 60);
    const to = Math.min(text.length, spans[0]![1] + 120);
    let out = from > 0 ? "…" : "";
    let at = from;
    for (const [start, end] of spans) {
      if (start >= to) break;
      out += text.slice(at, start) + "<mark>" + text.slice(start, Math.min(end, to)) + "</mark>";
      at = Math.min(end, to);
    }
    return out + text.slice(at, to) + (to < text.length ? "…" : "");
  };
  const word = fc.constantFrom(
    "login",
    "fails",
    "after",
    "the",
    "upgrade",
    "fooBarBaz",
    "foo_bar",
    "scrollbox.ensureElementIsVisible",
    "HTTPServer",
    "cache",
    "x",
  );
  fc.assert(fc.property(
    fc.array(fc.tuple(word, fc.constantFrom(" ", ", ", ". ", "\n", "")), { maxLength: 80 }),
    fc.uniqueArray(fc.constantFrom("login", "fail", "foo", "bar", "httpserver", "cach", "visibl")),
    (parts, stems) => {
      const text = parts.map(([w, sep]) => w + sep).join("");
      const wanted = new Set(stems);
      assert.equal(highlight(text, wanted), reference(text, wanted));
    },
  ));
});
