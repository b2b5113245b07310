/**
 * What access control appends: tokens made and revoked, and the audit of
 * every read of one customer's data.
 *
 * @module
 */

/** One read of one customer's data by a token. */
export interface AuditEntry {
  readonly tokenId: string;
  readonly name: string;
  readonly customer: string;
  /** `GET /v1/tickets/:id`, as routed, with the concrete path apart. */
  readonly endpoint: string;
  readonly path: string;
  /** Epoch ms. */
  readonly at: number;
}

export interface TokenCreatedData {
  readonly tokenId: string;
  readonly name: string;
  readonly role: string;
  /** Hex SHA-256 of the secret. */
  readonly hash: string;
  readonly createdAt: number;
}

export interface TokenRevokedData {
  readonly tokenId: string;
  readonly revokedAt: number;
}

export interface TokenCreated {
  readonly type: "TokenCreated";
  readonly data: TokenCreatedData;
}

export interface TokenRevoked {
  readonly type: "TokenRevoked";
  readonly data: TokenRevokedData;
}

/** Reads of one customer's data, buffered and appended together. */
export interface CustomerDataRead {
  readonly type: "CustomerDataRead";
  readonly data: { readonly entries: readonly AuditEntry[] };
}

export type AccessEvent = TokenCreated | TokenRevoked | CustomerDataRead;
