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
}
