import { LoupeError } from "../../ports/errors.ts";
import { concatBytes } from "../log_sources/lines.ts";

/**
 * Reads a request body as bytes, refusing it as soon as it passes the limit,
 * so a huge upload is never buffered whole. Bytes, not text: the text
 * decoder would replace invalid UTF-8 that must be quarantined instead.
 */
export async function readBodyLimited(request: Request, limitBytes: number): Promise<Uint8Array> {
  const declared = Number(request.headers.get("content-length") ?? NaN);
  if (declared > limitBytes) throw tooLarge(limitBytes);
  if (request.body === null) return new Uint8Array(0);
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = request.body.getReader();
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limitBytes) {
      await reader.cancel();
      throw tooLarge(limitBytes);
    }
    chunks.push(value);
  }
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
