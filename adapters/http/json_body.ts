/**
 * JSON request bodies, read defensively: the media type and the size are
 * checked before the text is read, and `parseJsonText` checks the nesting
 * depth before JSON.parse sees it, so neither a 300 MiB comment nor
 * `[` × 100,000 can cost more than the limit allows.
 *
 * @module
 */
import { LoupeError } from "../../ports/errors.ts";
import { readBodyLimited } from "./body.ts";
import { MAX_JSON_DEPTH, parseJsonText } from "../json_text.ts";

/** Largest JSON document a ticket, comment, link, resolution or rules route reads. */
export const DEFAULT_JSON_BODY_BYTES = 1024 * 1024;

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
