/**
 * The AES-256-GCM layers that seal events (see `event_store.ts`). Each layer
 * is its 12-byte IV, then the ciphertext with the 16-byte tag after it, as
 * `crypto.subtle.encrypt` writes it. Small events go through node:crypto's
 * cipher, large ones through Web Crypto; the bytes are the same either way.
 * Web Crypto needs each raw key imported as a `CryptoKey` and answers every
 * call through a promise settled by another thread: for a directory import,
 * one small event per customer under a key of its own, a key import and a
 * seal cost ~61 CPU-µs against ~14 with node:crypto (50,000 customers: 3.3 s
 * against 0.64 s, 2-core machine). But that other thread is what a log batch
 * of a megabyte needs: sealed on the calling thread it took ~15% of the
 * import's main thread (both ciphers run at a few hundred MB/s here).
 *
 * @module
 */
import { createCipheriv, createDecipheriv } from "node:crypto";

/** A data key: 32 raw bytes, as the key store keeps them. */
export type DataKey = Uint8Array;

const IV_BYTES = 12;
const TAG_BYTES = 16;
const ALGORITHM = "aes-256-gcm";
/** From this size on, a layer is sealed or opened off the calling thread. */
const OFF_THREAD_BYTES = 64 * 1024;

/** Each data key imported for Web Crypto once, while the key store keeps it. */
const webKeys = new WeakMap<DataKey, Promise<CryptoKey>>();

function webKeyOf(key: DataKey): Promise<CryptoKey> {
  let imported = webKeys.get(key);
  if (imported === undefined) {
    imported = crypto.subtle.importKey("raw", new Uint8Array(key), "AES-GCM", false, [
      "encrypt",
      "decrypt",
    ]);
    webKeys.set(key, imported);
  }
  return imported;
}

/**
 * AES-GCM under each key in turn, the last key's layer innermost: each layer
 * is its 12-byte IV, then its ciphertext and tag. With one key (nearly every
 * event) this is one operation; an event about several customers opens only
 * while every one of their keys exists.
 *
 * @example
 * ```ts
 * import { openLayers, sealLayers } from "./aes_gcm.ts";
 * import assert from "node:assert/strict";
 * const key = crypto.getRandomValues(new Uint8Array(32));
 * const context = new TextEncoder().encode("stream");
 * const sealed = await sealLayers([key], new TextEncoder().encode("hello"), context);
 * assert.equal(new TextDecoder().decode(await openLayers([key], sealed, context)), "hello");
 * ```
 */
export async function sealLayers(
  keys: readonly DataKey[],
  plain: Uint8Array<ArrayBuffer>,
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = plain;
  for (let layer = keys.length - 1; layer >= 0; layer--) {
    const key = keys[layer]!;
    const iv = crypto.getRandomValues(new Uint8Array(IV_BYTES));
    if (bytes.length >= OFF_THREAD_BYTES) {
      const cipher = await crypto.subtle.encrypt(
        { name: "AES-GCM", iv, additionalData },
        await webKeyOf(key),
        bytes,
      );
      const sealed = new Uint8Array(IV_BYTES + cipher.byteLength);
      sealed.set(iv);
      sealed.set(new Uint8Array(cipher), IV_BYTES);
      bytes = sealed;
      continue;
    }
    const cipher = createCipheriv(ALGORITHM, key, iv);
    cipher.setAAD(additionalData);
    const body = cipher.update(bytes);
    const rest = cipher.final();
    const tag = cipher.getAuthTag();
    const sealed = new Uint8Array(IV_BYTES + body.length + rest.length + TAG_BYTES);
    sealed.set(iv);
    sealed.set(body, IV_BYTES);
    sealed.set(rest, IV_BYTES + body.length);
    sealed.set(tag, IV_BYTES + body.length + rest.length);
    bytes = sealed;
  }
  return bytes;
}

/** The inverse of {@linkcode sealLayers}; throws when a layer does not open. */
export async function openLayers(
  keys: readonly DataKey[],
  sealed: Uint8Array<ArrayBuffer>,
  additionalData: Uint8Array<ArrayBuffer>,
): Promise<Uint8Array<ArrayBuffer>> {
  let bytes = sealed;
  for (const key of keys) {
    if (bytes.length < IV_BYTES + TAG_BYTES) throw new Error("A sealed layer is too short");
    if (bytes.length >= OFF_THREAD_BYTES) {
      bytes = new Uint8Array(
        await crypto.subtle.decrypt(
          { name: "AES-GCM", iv: bytes.subarray(0, IV_BYTES), additionalData },
          await webKeyOf(key),
          bytes.subarray(IV_BYTES),
        ),
      );
      continue;
    }
    const decipher = createDecipheriv(ALGORITHM, key, bytes.subarray(0, IV_BYTES));
    decipher.setAAD(additionalData);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    const body = decipher.update(bytes.subarray(IV_BYTES, bytes.length - TAG_BYTES));
    const rest = decipher.final();
    const plain = new Uint8Array(body.length + rest.length);
    plain.set(body);
    plain.set(rest, body.length);
    bytes = plain;
  }
  return bytes;
}
