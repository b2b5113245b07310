import assert from "node:assert/strict";
import { Pacer } from "../../ports/pacing.ts";
import { LoupeError } from "../../ports/errors.ts";
import { readBodyLimited, readTextPartsPaced } from "./request.ts";

const readTextBodyPaced = async (request: Request, limitBytes: number, pacer: Pacer) =>
  (await readTextPartsPaced(request, limitBytes, pacer)).join("");

/** A POST whose body arrives in the given chunks, as a slow upload would. */
function streamed(chunks: Uint8Array[]): Request {
  const body = new ReadableStream<Uint8Array>({
    start(controller) {
      for (const chunk of chunks) controller.enqueue(chunk);
      controller.close();
    },
  });
  return new Request("http://loupe.test/v1/tickets/import", { method: "POST", body });
}

/** Bytes cut into pieces of `size`, cutting through multi-byte characters. */
function cut(bytes: Uint8Array, size: number): Uint8Array[] {
  const pieces: Uint8Array[] = [];
  for (let at = 0; at < bytes.length; at += size) pieces.push(bytes.subarray(at, at + size));
  return pieces;
}

Deno.test("a body streamed in many chunks lets timers run while it is read", async () => {
  const text = "é😀 ticket line\n".repeat(20_000);
  let turns = 0;
  const timer = setInterval(() => turns++, 0);
  try {
    const read = await readTextBodyPaced(
      streamed(cut(new TextEncoder().encode(text), 997)),
      1 << 30,
      new Pacer(0),
    );
    assert.equal(read, text);
  } finally {
    clearInterval(timer);
  }
  assert.ok(turns > 50, `timers ran ${turns} times`);
});

Deno.test("a character cut between two chunks is decoded whole", async () => {
  const text = "é".repeat(1 << 16) + "😀".repeat(1 << 14);
  const bytes = new TextEncoder().encode(text);
  for (const size of [1, 3, 4096, 4097]) {
    assert.equal(await readTextBodyPaced(streamed(cut(bytes, size)), 1 << 30, new Pacer()), text);
  }
  assert.deepEqual(await readBodyLimited(streamed(cut(bytes, 4097)), 1 << 30), bytes);
});

Deno.test("invalid UTF-8 and a body over the limit are refused with their reason", async () => {
  await assert.rejects(
    () => readTextBodyPaced(streamed([new Uint8Array([0x7b, 0xff, 0x7d])]), 100, new Pacer()),
    (error: unknown) => error instanceof LoupeError && /not valid UTF-8/.test(error.message),
  );
  await assert.rejects(
    () => readTextBodyPaced(streamed(cut(new Uint8Array(1000), 100)), 500, new Pacer()),
    (error: unknown) => error instanceof LoupeError && error.code === "payload_too_large",
  );
});
