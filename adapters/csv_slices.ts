/**
 * A CSV text cut into slices that end between rows, so a large export can be
 * parsed a slice at a time with the event loop free in between. A slice ends
 * at a line break outside quotes (an even number of `"` before it: RFC 4180
 * doubles a quote inside a field), so no row is cut, whichever parser reads
 * the slices.
 *
 * @module
 */
import { LoupeError } from "../ports/errors.ts";

/** Characters of CSV parsed between two looks at the clock. */
export const CSV_SLICE_CHARACTERS = 8 * 1024;

/**
 * Longest row (quoted line breaks included) an export may have: no CRM or
 * ticketing row comes near it, and it bounds how long one slice can hold the
 * thread (a quote never closed would otherwise make the rest one slice).
 */
export const MAX_CSV_ROW_CHARACTERS = 64 * 1024;

/**
 * The slices of a CSV text (a byte order mark dropped), each ending between
 * rows, at about `sliceCharacters` each (`Infinity`: the whole text as one).
 * The text may come in parts (as a body is decoded chunk by chunk): they are
 * never joined into one string, which for tens of MB alone holds the thread
 * for longer than a slice may. Throws a `LoupeError` (400) naming `what` when
 * a row runs past {@linkcode MAX_CSV_ROW_CHARACTERS}.
 *
 * @example
 * ```ts
 * import { csvSlices } from "./csv_slices.ts";
 * import assert from "node:assert/strict";
 * const text = 'id,note\n1,"two\nlines"\n' + "2,x\n".repeat(5_000);
 * const slices = [...csvSlices([text.slice(0, 12), text.slice(12)], "ticket CSV")];
 * assert.ok(slices.length > 1);
 * assert.equal(slices.join(""), text);
 * assert.ok(slices.every((slice) => slice.endsWith("\n")));
 * ```
 */
export function* csvSlices(
  text: string | Iterable<string>,
  what: string,
  sliceCharacters = CSV_SLICE_CHARACTERS,
): Generator<string, void, void> {
  if (sliceCharacters === Infinity) {
    const whole = typeof text === "string" ? text : [...text].join("");
    if (whole.length > 0) yield whole.replace(/^\uFEFF/, "");
    return;
  }
  /** Text not yet yielded; it always starts at a row. */
  let pending = "";
  /** How far `pending` has been scanned, and the quotes seen so far. */
  let scanned = 0;
  let quotes = 0;
  /** Where the last row that ended within the scanned part ends. */
  let rowsEnd = 0;
  let first = true;
  for (let part of typeof text === "string" ? [text] : text) {
    if (first && part.charCodeAt(0) === 0xfeff) part = part.slice(1);
    first = part.length === 0 && first;
    pending += part;
    while (scanned < pending.length) {
      const code = pending.charCodeAt(scanned++);
      if (code === 34) quotes++;
      else if (code === 10 && quotes % 2 === 0) {
        rowsEnd = scanned;
        if (rowsEnd >= sliceCharacters) {
          yield pending.slice(0, rowsEnd);
          pending = pending.slice(rowsEnd);
          scanned -= rowsEnd;
          quotes = 0;
          rowsEnd = 0;
          continue;
        }
      }
      // No row has ended this far past a slice: one row is too long.
      if (scanned - rowsEnd > sliceCharacters + MAX_CSV_ROW_CHARACTERS) {
        throw rowTooLong(pending, rowsEnd, what);
      }
    }
  }
  if (pending.length > 0) yield pending;
}

function rowTooLong(pending: string, rowStart: number, what: string): LoupeError {
  const row = pending.slice(rowStart, rowStart + 60).split("\n")[0];
  return new LoupeError(
    "bad_request",
    `Cannot read ${what}: the row starting "${row}" runs past ${MAX_CSV_ROW_CHARACTERS} ` +
      "characters (a missing line break, or a quote that is never closed)",
  );
}
