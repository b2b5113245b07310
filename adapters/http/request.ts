/**
 * What every route reads from a request, read the same way everywhere:
 * bodies (bytes within a limit, UTF-8 text, JSON), paging parameters and
 * the acting user. Values other edges share too (times, severities,
 * labels) are in `../params.ts`.
 *
 * Bodies are read defensively: the media type and the size are checked
 * before the text is read, and `parseJsonText` checks the nesting depth
 * before JSON.parse sees it, so neither a 300 MiB comment nor `[` × 100,000
 * can cost more than the limit allows.
 *
 * @module
 */
import { Pacer } from "../../ports/pacing.ts";
import type { Context } from "hono";
import { z } from "zod";
import { ANONYMOUS } from "../../domain/access/policy.ts";
import { LoupeError } from "../../ports/errors.ts";
import { concatBytes } from "../log_sources/lines.ts";
import { MAX_JSON_DEPTH, parseJsonText } from "../json_text.ts";
import { principalOf } from "./access.ts";
import { expectedVersionOf } from "./versions.ts";

/**
 * A request body's chunks, refused as soon as they pass the limit, so a huge
 * upload is never buffered whole. Chunks already received resolve as
 * microtasks, which never let a timer or another request in: the pacer gives
 * the event loop its turns while a large body streams in.
 */
async function* bodyChunks(
  request: Request,
  limitBytes: number,
  pacer: Pacer,
): AsyncGenerator<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  if (request.body === null) return;
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) return;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    yield value;
    await pacer.pace();
  }
}

/**
 * Reads a request body as bytes within its limit. Bytes, not text: the text
 * decoder would replace invalid UTF-8 that must be quarantined instead.
 */
export async function readBodyLimited(
  request: Request,
  limitBytes: number,
  pacer: Pacer = new Pacer(),
): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(request, limitBytes, pacer)) {
    chunks.push(chunk);
    size += chunk.byteLength;
  }
  if (chunks.length === 0) return new Uint8Array(0);
  return chunks.length === 1 ? chunks[0]! : concatBytes(chunks, size);
}

function tooLarge(limitBytes: number): LoupeError {
  return new LoupeError(
    "payload_too_large",
    `Request body is larger than the limit of ${limitBytes} bytes`,
    {
      limit_bytes: limitBytes,
    },
  );
}
/**
 * A body that must be UTF-8 text (CSV, Markdown, JSON lines), read within
 * its limit; invalid UTF-8 is refused rather than replaced with U+FFFD.
 */
export async function readTextBody(request: Request, limitBytes: number): Promise<string> {
  const decode = strictDecoder();
  return decode(await readBodyLimited(request, limitBytes)) + decode();
}

/**
 * {@linkcode readTextBody} for bulk imports, as the parts it arrived in: each
 * chunk is decoded as it arrives, pacing between chunks, and never joined,
 * since making one string of tens of MB alone holds the thread for ~100 ms
 * (CSV readers take the parts as they are; see `csv_slices.ts`).
 */
export async function readTextPartsPaced(
  request: Request,
  limitBytes: number,
  pacer: Pacer,
): Promise<string[]> {
  const decoder = strictDecoder();
  const parts: string[] = [];
  for await (const chunk of bodyChunks(request, limitBytes, pacer)) parts.push(decoder(chunk));
  parts.push(decoder());
  return parts;
}

/** The text of a body already read as bytes, as parts decoded a slice at a time. */
export async function textPartsOf(bytes: Uint8Array, pacer: Pacer): Promise<string[]> {
  const decoder = strictDecoder();
  const parts: string[] = [];
  for (let at = 0; at < bytes.length; at += DECODE_SLICE_BYTES) {
    parts.push(decoder(bytes.subarray(at, at + DECODE_SLICE_BYTES)));
    await pacer.pace();
  }
  parts.push(decoder());
  return parts;
}

const DECODE_SLICE_BYTES = 64 * 1024;

/** A streaming UTF-8 decoder that refuses invalid bytes with a 400; call it without bytes to end. */
function strictDecoder(): (chunk?: Uint8Array) => string {
  const decoder = new TextDecoder("utf-8", { fatal: true });
  return (chunk) => {
    try {
      return decoder.decode(chunk, { stream: chunk !== undefined });
    } catch {
      throw notUtf8();
    }
  };
}

function notUtf8(): LoupeError {
  return new LoupeError("bad_request", "Cannot read the body: it is not valid UTF-8");
}

/** Largest JSON document a ticket
, comment, link, resolution or rules route reads. */
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
 * import { readJsonBody } from "./request.ts";
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

/** How many items a page holds: `limit`, from 1 to `max`. */
export function limitParam(max: number, byDefault: number) {
  return z.coerce.number().int().min(1).max(max).default(byDefault);
}

/** How many items to skip before the page starts. */
export const offsetParam = z.coerce.number().int().min(0).default(0);

/**
 * Who a write is by: a token's own name; for the shared admin key or a
 * service without tokens, what `X-Actor` (or its older name `X-Loupe-User`)
 * says. Every route names the actor through this one function.
 */
export function actorOf(c: Context): string | undefined {
  const principal = principalOf(c);
  if (principal !== ANONYMOUS && principal.tokenId !== "api-key") return principal.name;
  const name = c.req.header("x-actor") === undefined ? "X-Loupe-User" : "X-Actor";
  const by = c.req.header(name)?.trim();
  if (by !== undefined && by.length > 200) {
    throw new LoupeError("validation_failed", `Invalid ${name}: at most 200 characters`);
  }
  return by === "" ? undefined : by;
}

/**
 * Who writes and the version they saw (`If-Match`): what a write through
 * the ticket and rule routes carries.
 */
export function writeOptionsOf(c: Context): { by?: string; expectedVersion?: number } {
  const by = actorOf(c);
  const expectedVersion = expectedVersionOf(c);
  return {
    ...(by ? { by } : {}),
    ...(expectedVersion === undefined ? {} : { expectedVersion }),
  };
}
