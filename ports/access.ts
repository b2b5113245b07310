/**
 * Driven port: the token store behind authentication. Only a hash of each
 * token is kept; `authenticate` compares in constant time.
 */
import type { Principal, Role } from "../domain/access/principal.ts";

export interface TokenInfo {
  readonly tokenId: string;
  readonly name: string;
  readonly role: Role;
  readonly createdAt: number;
  readonly revokedAt: number | null;
}

export interface Authenticator {
  /** The principal a presented secret stands for; null for no such (or a revoked) token. */
  authenticate(secret: string): Promise<Principal | null>;
  /**
   * False only in development mode (no `LOUPE_API_KEY` and no token ever
   * created): then every caller acts as an anonymous admin, as before tokens.
   */
  required(): boolean;
}
