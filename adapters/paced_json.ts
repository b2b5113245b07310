/**
 * Bulk import bodies (tens of MB of tickets or articles) parsed without
 * holding the thread that answers `/healthz`: the document's outer containers are walked by hand while each of their
 * members is handed to `JSON.parse` on its own, pacing in between.
 *
 * Written here rather than taken from a streaming parser: `@streamparser/json`
 * took 1.0–1.6 s for a 7 MB ticket export that `JSON.parse` reads in 75–250 ms,
 * with 75 ms chunks; this walk costs about what `JSON.parse` does, because
 * `JSON.parse` still does all the parsing.
 *
 * @module
 */
import { Pacer } from "../ports/pacing.ts";

/**
 * `JSON.parse(text)`, pacing between the members of the outer `depth`
 * levels of arrays and objects (2 covers `[...]` and `{"tickets": [...]}`).
 * The text may come as the parts it was decoded in: they are never joined
 * (one string of 11 MB took ~50 ms to make here, all of it on the thread
 * that answers /healthz); only each member's own text is, for `JSON.parse`.
 * Malformed input throws a `SyntaxError`, as `JSON.parse` does.
 *
 * @example
 * ```ts
 * import { parseJsonPaced } from "./paced_json.ts";
 * import assert from "node:assert/strict";
 * const text = '{"tickets": [{"id": "T-1"}, {"id": "T-2"}], "n": 2}';
 * assert.deepEqual(await parseJsonPaced(text), JSON.parse(text));
 * assert.deepEqual(await parseJsonPaced(['{"tickets": [{"id": "T', '-1"}], "n": 1}']), {
 *   tickets: [{ id: "T-1" }],
 *   n: 1,
 * });
 * ```
 */
export async function parseJsonPaced(
  text: string | readonly string[],
  pacer: Pacer = new Pacer(),
  depth = 2,
): Promise<unknown> {
  const parts = new TextParts(typeof text === "string" ? [text] : text);
  const walk = new Walk(parts, pacer);
  const value = await walk.value(depth);
  walk.skipSpace();
  if (walk.at < parts.length) walk.fail("Unexpected non-whitespace character after JSON");
  return value;
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const COMMA = 0x2c;
const COLON = 0x3a;

/**
 * A text as the parts it came in, read by position. Reads go forward nearly
 * always, so the part last read answers almost every one of them.
 */
class TextParts {
  readonly length: number;
  readonly #parts: readonly string[];
  /** Where each part starts in the whole text. */
  readonly #starts: number[] = [];
  #index = 0;
  #part: string;
  #start = 0;
  #end: number;

  constructor(parts: readonly string[]) {
    this.#parts = parts;
    let at = 0;
    for (const part of parts) {
      this.#starts.push(at);
      at += part.length;
    }
    this.length = at;
    this.#part = parts[0] ?? "";
    this.#end = this.#part.length;
  }

  /** The UTF-16 code at `at`; NaN past the end, as `String.prototype.charCodeAt` answers. */
  codeAt(at: number): number {
    if (at >= this.#start && at < this.#end) return this.#part.charCodeAt(at - this.#start);
    if (!this.#seek(at)) return Number.NaN;
    return this.#part.charCodeAt(at - this.#start);
  }

  /** The text from `from` to `to`, joined from its parts only when it spans several. */
  slice(from: number, to: number): string {
    if (from >= this.#start && to <= this.#end) {
      return this.#part.slice(from - this.#start, to - this.#start);
    }
    const pieces: string[] = [];
    for (let at = from; at < to;) {
      if (!this.#seek(at)) break;
      const piece = this.#part.slice(at - this.#start, Math.min(to, this.#end) - this.#start);
      pieces.push(piece);
      at += piece.length;
    }
    return pieces.join("");
  }

  /** The next `"` at or after `from`, or -1. */
  nextQuote(from: number): number {
    for (let at = from; this.#seek(at);) {
      const found = this.#part.indexOf('"', at - this.#start);
      if (found >= 0) return this.#start + found;
      at = this.#end;
    }
    return -1;
  }

  /** Makes the part holding `at` the current one; false past the end. */
  #seek(at: number): boolean {
    if (at < 0 || at >= this.length) return false;
    if (at >= this.#start && at < this.#end) return true;
    let index = this.#index;
    if (at >= this.#end) {
      while (this.#starts[index + 1] !== undefined && this.#starts[index + 1]! <= at) index++;
    } else {
      while (index > 0 && this.#starts[index]! > at) index--;
    }
    // Empty parts start where the next one does: step past them.
    while (this.#parts[index]!.length === 0) index++;
    this.#index = index;
    this.#part = this.#parts[index]!;
    this.#start = this.#starts[index]!;
    this.#end = this.#start + this.#part.length;
    return true;
  }
}

class Walk {
  at = 0;
  readonly #text: TextParts;
  readonly #pacer: Pacer;

  constructor(text: TextParts, pacer: Pacer) {
    this.#text = text;
    this.#pacer = pacer;
  }

  fail(message: string): never {
    throw new SyntaxError(`${message} at position ${this.at}`);
  }

  skipSpace(): void {
    const text = this.#text;
    for (;;) {
      const code = text.codeAt(this.at);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.at++;
    }
  }

  async value(depth: number): Promise<unknown> {
    this.skipSpace();
    const opening = this.#text.codeAt(this.at);
    if (depth > 0 && (opening === OPEN_ARRAY || opening === OPEN_OBJECT)) {
      return await this.#container(depth);
    }
    const start = this.at;
    this.#skipValue();
    await this.#pacer.pace();
    return JSON.parse(this.#text.slice(start, this.at));
  }

  async #container(depth: number): Promise<unknown> {
    const isArray = this.#text.codeAt(this.at) === OPEN_ARRAY;
    const closing = isArray ? CLOSE_ARRAY : CLOSE_OBJECT;
    this.at++;
    const array: unknown[] = [];
    const object: Record<string, unknown> = {};
    this.skipSpace();
    if (this.#text.codeAt(this.at) === closing) {
      this.at++;
      return isArray ? array : object;
    }
    for (;;) {
      if (isArray) array.push(await this.value(depth - 1));
      else {
        this.skipSpace();
        if (this.#text.codeAt(this.at) !== QUOTE) this.fail("Expected a property name");
        const keyStart = this.at;
        this.#skipString();
        const key = JSON.parse(this.#text.slice(keyStart, this.at)) as string;
        this.skipSpace();
        if (this.#text.codeAt(this.at) !== COLON) this.fail("Expected ':' after a property name");
        this.at++;
        const member = await this.value(depth - 1);
        // As JSON.parse does: a "__proto__" key is an own property, not the prototype.
        Object.defineProperty(object, key, {
          value: member,
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      this.skipSpace();
      const next = this.#text.codeAt(this.at);
      this.at++;
      if (next === closing) return isArray ? array : object;
      if (next !== COMMA) {
        this.at--;
        this.fail(`Expected ',' or '${String.fromCharCode(closing)}'`);
      }
    }
  }

  /** Moves past one value of any kind; JSON.parse checks what it holds. */
  #skipValue(): void {
    const text = this.#text;
    let nesting = 0;
    for (;;) {
      if (this.at >= text.length) {
        if (nesting > 0) this.fail("Unexpected end of JSON input");
        return;
      }
      const code = text.codeAt(this.at);
      if (code === QUOTE) {
        this.#skipString();
        if (nesting === 0) return;
        continue;
      }
      if (code === OPEN_ARRAY || code === OPEN_OBJECT) nesting++;
      else if (code === CLOSE_ARRAY || code === CLOSE_OBJECT) {
        if (nesting === 0) return;
        nesting--;
        if (nesting === 0) {
          this.at++;
          return;
        }
      } else if (nesting === 0 && (code === COMMA || code === COLON)) return;
      this.at++;
    }
  }

  #skipString(): void {
    const text = this.#text;
    this.at++;
    for (;;) {
      const quote = text.nextQuote(this.at);
      if (quote < 0) {
        this.at = text.length;
        this.fail("Unterminated string in JSON");
      }
      let backslashes = 0;
      for (let i = quote - 1; i >= this.at && text.codeAt(i) === BACKSLASH; i--) backslashes++;
      this.at = quote + 1;
      if (backslashes % 2 === 0) return;
    }
  }
}
