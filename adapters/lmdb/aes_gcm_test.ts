import assert from "node:assert/strict";
import fc from "fast-check";
import { openLayers, sealLayers } from "./aes_gcm.ts";

const key = () => crypto.getRandomValues(new Uint8Array(32));
const text = new TextEncoder();
/** Payloads on both sides of the size at which sealing leaves the calling thread. */
const payload = fc.oneof(
  fc.uint8Array({ maxLength: 2000 }),
  fc.integer({ min: 60_000, max: 70_000 }).map((length) => new Uint8Array(length).fill(7)),
);

Deno.test("a store sealed with Web Crypto opens here, and what is sealed here opens with Web Crypto", async () => {
  await fc.assert(
    fc.asyncProperty(payload, fc.string(), async (plain, context) => {
      const raw = key();
      const additionalData = text.encode(context);
      const webKey = await crypto.subtle.importKey("raw", raw, "AES-GCM", false, [
        "encrypt",
        "decrypt",
      ]);
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const web = new Uint8Array(
        await crypto.subtle.encrypt({ name: "AES-GCM", iv, additionalData }, webKey, plain),
      );
      const storedByWebCrypto = new Uint8Array([...iv, ...web]);
      assert.deepEqual(await openLayers([raw], storedByWebCrypto, additionalData), plain);

      const sealed = await sealLayers([raw], plain, additionalData);
      const opened = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: sealed.subarray(0, 12), additionalData },
        webKey,
        sealed.subarray(12),
      );
      assert.deepEqual(new Uint8Array(opened), plain);
    }),
    { numRuns: 40 },
  );
});

Deno.test("layers open only with every key, in order, and with the same context", async () => {
  for (const plain of [text.encode("the customer's words"), new Uint8Array(100_000).fill(1)]) {
    const keys = [key(), key(), key()];
    const context = text.encode("LogBatchIngested ingest acme");
    const sealed = await sealLayers(keys, plain, context);
    assert.deepEqual(await openLayers(keys, sealed, context), plain);
    await assert.rejects(openLayers([keys[0]!, keys[2]!, keys[1]!], sealed, context));
    await assert.rejects(openLayers([keys[0]!, key(), keys[2]!], sealed, context));
    await assert.rejects(openLayers(keys, sealed, text.encode("another stream")));
    const altered = sealed.slice();
    altered[altered.length - 20]! ^= 1;
    await assert.rejects(openLayers(keys, altered, context));
    await assert.rejects(openLayers(keys, sealed.subarray(0, 20), context));
  }
});
