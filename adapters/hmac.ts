/**
 * HMAC-SHA256 keyed by a shared secret's UTF-8 bytes: how Loupe signs the
 * webhooks it sends and checks the ones Zendesk and Jira send it.
 *
 * @module
 */

/** The HMAC-SHA256 key of `secret`, to sign or to verify with. */
export function hmacKey(secret: string, usage: "sign" | "verify"): Promise<CryptoKey> {
  return crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    [usage],
  );
}

/** The HMAC-SHA256 of `text`'s UTF-8 bytes under `secret`. */
export async function hmacSha256(secret: string, text: string): Promise<Uint8Array> {
  const key = await hmacKey(secret, "sign");
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}
