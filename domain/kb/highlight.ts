import { analyzeUntil } from "./text.ts";

/** Characters of context kept around the first match. */
const CONTEXT = 60;

/**
 * A passage of `text` around its first word whose stem is in `stems`, the
 * matching words wrapped in `<mark>`; `null` when none matches. The text is
 * not HTML-escaped: the marks are the only markup, for a client to render.
 *
 * @example
 * ```ts
 * import { highlight } from "./highlight.ts";
 * import assert from "node:assert/strict";
 * assert.equal(highlight("Login fails after upgrade", new Set(["fail"])), "Login <mark>fails</mark> after upgrade");
 * ```
 */
export function highlight(text: string, stems: ReadonlySet<string>): string | null {
  const spans: [number, number][] = [];
  // The passage ends this far past the first match: words after it are not read.
  let to = Infinity;
  analyzeUntil(text, (term) => {
    if (term.start >= to) return false;
    if (stems.has(term.stem)) {
      const end = term.start + term.word.length;
      const last = spans[spans.length - 1];
      if (last !== undefined && last[1] >= term.start) last[1] = Math.max(last[1], end);
      else spans.push([term.start, end]);
      if (spans.length === 1) to = spans[0]![1] + CONTEXT * 2;
    }
    return true;
  });
  if (spans.length === 0) return null;
  const from = Math.max(0, spans[0]![0] - CONTEXT);
  to = Math.min(text.length, spans[0]![1] + CONTEXT * 2);
  let out = from > 0 ? "…" : "";
  let at = from;
  for (const [start, end] of spans) {
    if (start >= to) break;
    out += text.slice(at, start) + "<mark>" + text.slice(start, Math.min(end, to)) + "</mark>";
    at = Math.min(end, to);
  }
  out += text.slice(at, to) + (to < text.length ? "…" : "");
  return out;
}
