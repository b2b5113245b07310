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
 * Malformed input throws a `SyntaxError`, as `JSON.parse` does.
 *
 * @example
 * ```ts
 * import { parseJsonPaced } from "./paced_json.ts";
 * import assert from "node:assert/strict";
 * const text = '{"tickets": [{"id": "T-1"}, {"id": "T-2"}], "n": 2}';
 * assert.deepEqual(await parseJsonPaced(text), JSON.parse(text));
 * ```
 */
export async function parseJsonPaced(
  text: string,
  pacer: Pacer = new Pacer(),
  depth = 2,
): Promise<unknown> {
  const walk = new Walk(text, pacer);
  const value = await walk.value(depth);
  walk.skipSpace();
  if (walk.at < text.length) walk.fail("Unexpected non-whitespace character after JSON");
  return value;
}

class Walk {
  at = 0;
  readonly #text: string;
  readonly #pacer: Pacer;

  constructor(text: string, pacer: Pacer) {
    this.#text = text;
    this.#pacer = pacer;
  }

  fail(message: string): never {
    throw new SyntaxError(`${message} at position ${this.at}`);
  }

  skipSpace(): void {
    const text = this.#text;
    for (;;) {
      const code = text.charCodeAt(this.at);
      if (code !== 0x20 && code !== 0x0a && code !== 0x0d && code !== 0x09) return;
      this.at++;
    }
  }

  async value(depth: number): Promise<unknown> {
    this.skipSpace();
    const opening = this.#text[this.at];
    if (depth > 0 && (opening === "[" || opening === "{")) return await this.#container(depth);
    const start = this.at;
    this.#skipValue();
    await this.#pacer.pace();
    return JSON.parse(this.#text.slice(start, this.at));
  }

  async #container(depth: number): Promise<unknown> {
    const isArray = this.#text[this.at] === "[";
    const closing = isArray ? "]" : "}";
    this.at++;
    const array: unknown[] = [];
    const object: Record<string, unknown> = {};
    this.skipSpace();
    if (this.#text[this.at] === closing) {
      this.at++;
      return isArray ? array : object;
    }
    for (;;) {
      if (isArray) array.push(await this.value(depth - 1));
      else {
        this.skipSpace();
        if (this.#text[this.at] !== '"') this.fail("Expected a property name");
        const keyStart = this.at;
        this.#skipString();
        const key = JSON.parse(this.#text.slice(keyStart, this.at)) as string;
        this.skipSpace();
        if (this.#text[this.at] !== ":") this.fail("Expected ':' after a property name");
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
      const next = this.#text[this.at];
      this.at++;
      if (next === closing) return isArray ? array : object;
      if (next !== ",") {
        this.at--;
        this.fail(`Expected ',' or '${closing}'`);
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
      const char = text[this.at]!;
      if (char === '"') {
        this.#skipString();
        if (nesting === 0) return;
        continue;
      }
      if (char === "[" || char === "{") nesting++;
      else if (char === "]" || char === "}") {
        if (nesting === 0) return;
        nesting--;
        if (nesting === 0) {
          this.at++;
          return;
        }
      } else if (nesting === 0 && (char === "," || char === ":")) return;
      this.at++;
    }
  }

  #skipString(): void {
    const text = this.#text;
    this.at++;
    for (;;) {
      const quote = text.indexOf('"', this.at);
      if (quote < 0) {
        this.at = text.length;
        this.fail("Unterminated string in JSON");
      }
      let backslashes = 0;
      for (let i = quote - 1; i >= this.at && text.charCodeAt(i) === 0x5c; i--) backslashes++;
      this.at = quote + 1;
      if (backslashes % 2 === 0) return;
    }
  }
}
