/**
 * The authenticator while only `LOUPE_API_KEY` exists: that one key stands
 * for an admin; without it, development mode (no sign-in, anonymous admin).
 * The token store replaces it when it lands.
 */
import { createHash, timingSafeEqual } from "node:crypto";
import type { Principal } from "../../domain/access/principal.ts";
import type { Authenticator } from "../../ports/access.ts";

export function apiKeyAuthenticator(apiKey: string | undefined): Authenticator {
  const expected = apiKey === undefined ? undefined : digest(apiKey);
  const admin: Principal = { tokenId: "api-key", name: "admin", role: { kind: "admin" } };
  return {
    authenticate: (secret) =>
      Promise.resolve(
        expected !== undefined && timingSafeEqual(digest(secret), expected) ? admin : null,
      ),
    required: () => expected !== undefined,
  };
}

function digest(secret: string): Uint8Array {
  return createHash("sha256").update(secret).digest();
}
