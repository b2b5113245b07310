/**
 * JSON text from outside (request bodies, imported files), parsed so that a
 * failure says where it broke: line and column in the message and in the
 * error's details, the same for every route and file reader. Deep nesting is
 * refused before parsing.
 *
 * @module
 */
import { LoupeError } from "../ports/errors.ts";
import type { Pacer } from "../ports/pacing.ts";
import { parseJsonPaced } from "./paced_json.ts";

/** Deepest nesting of arrays and objects accepted in any JSON document. */
export const MAX_JSON_DEPTH = 64;

/**
 * Where a JSON text goes wrong. V8's JSON.parse messages no longer carry a
 * position, and a client sending a large array needs the line: this walks
 * the grammar once, only after JSON.parse has already failed.
 */
export interface JsonErrorLocation {
  readonly line: number;
  readonly column: number;
  readonly offset: number;
}

export function locateJsonError(text: string): JsonErrorLocation | undefined {
  let i = 0;
  const fail = (): never => {
    throw i;
  };
  const space = () => {
    while (i < text.length && " \t\n\r".includes(text[i]!)) i++;
  };
  const literal = (word: string) => {
    if (text.startsWith(word, i)) i += word.length;
    else fail();
  };
  const string = () => {
    i++;
    while (i < text.length) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      if (c < 32) fail();
      if (c === 92) {
        const next = text[i + 1];
        if (next === "u") {
          if (!/^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) fail();
          i += 6;
          continue;
        }
        if (next === undefined || !'"\\/bfnrt'.includes(next)) fail();
        i += 2;
        continue;
      }
      i++;
    }
    fail();
  };
  const number = () => {
    const match = /^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?/.exec(text.slice(i, i + 400));
    if (match === null) fail();
    i += match![0].length;
  };
  const value = (): void => {
    space();
    const c = text[i];
    if (c === "{") {
      i++;
      space();
      if (text[i] === "}") {
        i++;
        return;
      }
      for (;;) {
        space();
        if (text[i] !== '"') fail();
        string();
        space();
        if (text[i] !== ":") fail();
        i++;
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "}") {
          i++;
          return;
        } else fail();
      }
    } else if (c === "[") {
      i++;
      space();
      if (text[i] === "]") {
        i++;
        return;
      }
      for (;;) {
        value();
        space();
        if (text[i] === ",") i++;
        else if (text[i] === "]") {
          i++;
          return;
        } else fail();
      }
    } else if (c === '"') string();
    else if (c === "t") literal("true");
    else if (c === "f") literal("false");
    else if (c === "n") literal("null");
    else number();
  };
  try {
    value();
    space();
    if (i < text.length) fail();
    return undefined;
  } catch (at) {
    if (typeof at !== "number") throw at;
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    return { line, column: at - before.lastIndexOf("\n"), offset: at };
  }
}

/**
 * JSON.parse behind a depth check. Deep nesting is refused before parsing:
 * V8's parser and the error locator both recurse per level.
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  checkJsonDepth(text, maxDepth);
  try {
    return JSON.parse(text);
  } catch (error) {
    throw jsonTextError(text, error);
  }
}

/**
 * {@linkcode parseJsonText} for bulk imports of tens of MB: the same value
 * and the same errors, parsed in slices (see `paced_json.ts`) so the thread
 * goes on answering other requests meanwhile.
 */
export async function parseJsonTextPaced(
  text: string | readonly string[],
  pacer: Pacer,
  maxDepth = MAX_JSON_DEPTH,
): Promise<unknown> {
  const parts = typeof text === "string" ? [text] : text;
  const scan = new DepthScan(maxDepth);
  for (const part of parts) {
    if (scan.feed(part) !== undefined) break;
    await pacer.pace();
  }
  refuseTooDeep(scan.beyond, maxDepth);
  try {
    return await parseJsonPaced(parts, pacer);
  } catch (error) {
    // Only a failure makes one string of the parts: it is located on it.
    throw jsonTextError(parts.join(""), error);
  }
}

function checkJsonDepth(text: string, maxDepth: number): void {
  refuseTooDeep(jsonDepthBeyond(text, maxDepth), maxDepth);
}

function refuseTooDeep(depth: number | undefined, maxDepth: number): void {
  if (depth !== undefined) {
    throw new LoupeError(
      "invalid_json",
      `Cannot parse JSON: nested deeper than ${maxDepth} levels (at offset ${depth})`,
      { max_depth: maxDepth, offset: depth },
    );
  }
}

function jsonTextError(text: string, error: unknown): LoupeError {
  const where = locateJsonError(text);
  const message = (error as Error).message.replace(/\s+/g, " ").slice(0, 300);
  return new LoupeError(
    "invalid_json",
    where === undefined
      ? `Cannot parse JSON: ${message}`
      : `Cannot parse JSON at line ${where.line}, column ${where.column}: ${message}`,
    where === undefined ? undefined : { line: where.line, column: where.column },
  );
}

/**
 * The offset where nesting first goes past `maxDepth`, or undefined. Brackets
 * inside strings do not count; one linear scan without recursion.
 *
 * @example
 * ```ts
 * import { jsonDepthBeyond } from "./json_text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jsonDepthBeyond('[[1]]', 2), undefined);
 * assert.equal(jsonDepthBeyond('[[[1]]]', 2), 2);
 * assert.equal(jsonDepthBeyond('["[[[["]', 2), undefined);
 * ```
 */
export function jsonDepthBeyond(text: string, maxDepth: number): number | undefined {
  return new DepthScan(maxDepth).feed(text);
}

/** {@linkcode jsonDepthBeyond} over a text fed in parts, its state carried between them. */
class DepthScan {
  readonly #maxDepth: number;
  /** Where nesting first went past the limit, once it has. */
  beyond: number | undefined;
  #offset = 0;
  #depth = 0;
  #inString = false;
  /** The part before ended on a backslash inside a string: this one's first unit is escaped. */
  #escaped = false;

  constructor(maxDepth: number) {
    this.#maxDepth = maxDepth;
  }

  feed(text: string): number | undefined {
    if (this.beyond !== undefined) return this.beyond;
    let i = 0;
    if (this.#escaped && text.length > 0) {
      this.#escaped = false;
      i = 1;
    }
    for (; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (this.#inString) {
        if (c === 92) {
          if (i + 1 === text.length) this.#escaped = true;
          i++;
        } else if (c === 34) this.#inString = false;
        continue;
      }
      if (c === 34) this.#inString = true;
      else if (c === 91 || c === 123) {
        if (++this.#depth > this.#maxDepth) return this.beyond = this.#offset + i;
      } else if (c === 93 || c === 125) this.#depth--;
    }
    this.#offset += text.length;
    return undefined;
  }
}
