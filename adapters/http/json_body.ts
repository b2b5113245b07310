/**
 * JSON request bodies, read defensively: the media type, the size and the
 * nesting depth are checked before JSON.parse ever sees the text, so neither
 * a 300 MiB comment nor `[` × 100,000 can cost more than the limit allows.
 *
 * @module
 */
import { LoupeError } from "../../ports/errors.ts";
import { readBodyLimited } from "./body.ts";
import { locateJsonError } from "./json_error.ts";

/** Largest JSON document a ticket, comment, link, resolution or rules route reads. */
export const DEFAULT_JSON_BODY_BYTES = 1024 * 1024;
/** Deepest nesting of arrays and objects accepted in any JSON body. */
export const MAX_JSON_DEPTH = 64;

export interface JsonBodyLimits {
  readonly maxBytes: number;
  readonly maxDepth?: number;
}

/** The media type of a request, lower case without parameters; undefined when absent. */
export function mediaTypeOf(request: Request): string | undefined {
  const header = request.headers.get("content-type");
  if (header === null) return undefined;
  return header.split(";")[0]!.trim().toLowerCase();
}

/**
 * The body of a JSON route: `application/json` (or `+json`) only; an empty
 * body reads as `{}` so routes without required fields accept it.
 *
 * @example
 * ```ts
 * import { readJsonBody } from "./json_body.ts";
 * import assert from "node:assert/strict";
 * const request = new Request("http://x/", {
 *   method: "POST",
 *   headers: { "content-type": "application/json" },
 *   body: '{"a":[1]}',
 * });
 * assert.deepEqual(await readJsonBody(request, { maxBytes: 100 }), { a: [1] });
 * ```
 */
export async function readJsonBody(request: Request, limits: JsonBodyLimits): Promise<unknown> {
  const mediaType = mediaTypeOf(request);
  const hasBody = request.body !== null &&
    request.headers.get("content-length") !== "0";
  if (hasBody && mediaType !== undefined && !isJsonMediaType(mediaType)) {
    throw new LoupeError(
      "unsupported_media_type",
      `Cannot read a ${mediaType} body: send application/json`,
      { content_type: mediaType },
    );
  }
  const bytes = await readBodyLimited(request, limits.maxBytes);
  if (bytes.length > 0 && mediaType === undefined) {
    throw new LoupeError(
      "unsupported_media_type",
      "Cannot read a body without a Content-Type: send application/json",
    );
  }
  const text = decodeUtf8(bytes);
  if (text.trim() === "") return {};
  return parseJsonText(text, limits.maxDepth ?? MAX_JSON_DEPTH);
}

export function isJsonMediaType(mediaType: string): boolean {
  return mediaType === "application/json" || mediaType.endsWith("+json");
}

export function decodeUtf8(bytes: Uint8Array): string {
  try {
    return new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    throw new LoupeError("invalid_json", "Cannot parse JSON: the body is not valid UTF-8");
  }
}

/**
 * JSON.parse behind a depth check. Deep nesting is refused before parsing:
 * V8's parser and the error locator both recurse per level.
 */
export function parseJsonText(text: string, maxDepth = MAX_JSON_DEPTH): unknown {
  const depth = jsonDepthBeyond(text, maxDepth);
  if (depth !== undefined) {
    throw new LoupeError(
      "invalid_json",
      `Cannot parse JSON: nested deeper than ${maxDepth} levels (at offset ${depth})`,
      { max_depth: maxDepth, offset: depth },
    );
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    const where = locateJsonError(text);
    const message = (error as Error).message.replace(/\s+/g, " ").slice(0, 300);
    throw new LoupeError(
      "invalid_json",
      where === undefined
        ? `Cannot parse JSON: ${message}`
        : `Cannot parse JSON at line ${where.line}, column ${where.column}: ${message}`,
      where === undefined ? undefined : { line: where.line, column: where.column },
    );
  }
}

/**
 * The offset where nesting first goes past `maxDepth`, or undefined. Brackets
 * inside strings do not count; one linear scan without recursion.
 *
 * @example
 * ```ts
 * import { jsonDepthBeyond } from "./json_body.ts";
 * import assert from "node:assert/strict";
 * assert.equal(jsonDepthBeyond('[[1]]', 2), undefined);
 * assert.equal(jsonDepthBeyond('[[[1]]]', 2), 2);
 * assert.equal(jsonDepthBeyond('["[[[["]', 2), undefined);
 * ```
 */
export function jsonDepthBeyond(text: string, maxDepth: number): number | undefined {
  let depth = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 92) i++;
      else if (c === 34) inString = false;
      continue;
    }
    if (c === 34) inString = true;
    else if (c === 91 || c === 123) {
      if (++depth > maxDepth) return i;
    } else if (c === 93 || c === 125) depth--;
  }
  return undefined;
}
