import fc from "fast-check";

/**
 * Pieces of JSON text, valid and broken (brackets, escapes, a lone quote or
 * backslash, `__proto__`): texts joined from them are JSON or nearly so,
 * which is where a hand-written JSON reader goes wrong.
 */
export const jsonFragments = fc.constantFrom(
  "[",
  "]",
  "{",
  "}",
  ",",
  ":",
  '"a"',
  '"\\""',
  '"\\\\"',
  "1",
  "-2.5e3",
  "true",
  "null",
  " ",
  "\n",
  "x",
  '"',
  "\\",
  '"__proto__"',
);

/** `text` cut at the given places (taken modulo its length), empty parts and all. */
export function cutText(text: string, at: readonly number[]): string[] {
  const places = at.map((place) => place % (text.length + 1)).sort((a, b) => a - b);
  const parts: string[] = [];
  let from = 0;
  for (const place of places) {
    parts.push(text.slice(from, place));
    from = place;
  }
  parts.push(text.slice(from));
  return parts;
}
