/**
 * The application's access API: the token store behind authentication and
 * the audit of reads (src/access implements both). Only a hash of each
 * token is kept; `authenticate` compares in constant time. The HTTP adapter
 * also implements `Authenticator` for `LOUPE_API_KEY` alone.
 */
import type { Principal, Role } from "../domain/access/principal.ts";
import type { AuditEntry } from "../domain/access/events.ts";

export type { AuditEntry };

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

/** A token just created: its secret is shown this once and never stored. */
export interface CreatedToken {
  readonly token: TokenInfo;
  readonly secret: string;
}

/** Driven port: tokens created, listed and revoked (admins, the `tokens` CLI). */
export interface TokenStore {
  create(grant: { readonly name: string; readonly role: Role }): Promise<CreatedToken>;
  /** Every token ever created, revoked ones too, oldest first. */
  list(): readonly TokenInfo[];
  /** Revokes a token at once; null when there is no such token. Revoking twice keeps the first time. */
  revoke(tokenId: string): Promise<TokenInfo | null>;
}

export interface AuditQuery {
  readonly customer?: string;
  readonly tokenId?: string;
  /** Epoch ms, inclusive. */
  readonly from?: number;
  /** Epoch ms, exclusive. */
  readonly to?: number;
  readonly limit: number;
  /** Where the previous page ended (opaque). */
  readonly cursor?: string;
}

export interface AuditPage {
  readonly items: readonly AuditEntry[];
  /** Null on the last page. */
  readonly nextCursor: string | null;
}

/** Driven port: who read which customer's data. Records are buffered; `flush` stores them. */
export interface AuditLog {
  record(entry: AuditEntry): void;
  /** Newest first. */
  query(query: AuditQuery): Promise<AuditPage>;
  flush(): Promise<void>;
}
