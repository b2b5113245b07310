/**
 * API tokens as events: `TokenCreated` and `TokenRevoked` on one stream.
 * Only the SHA-256 of each secret is stored; a secret has 256 random bits,
 * so its hash cannot be reversed or guessed, and no salt is needed. The
 * tokens are held in memory by hash, so authenticating costs one hash and
 * one constant-time comparison, and a revocation is seen by the next request.
 */
import { Buffer } from "node:buffer";
import { createHash, timingSafeEqual } from "node:crypto";
import { parseRole, type Principal, type Role, roleText } from "../../domain/access/principal.ts";
import type { Authenticator, CreatedToken, TokenInfo, TokenStore } from "../../ports/access.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import { type EventStore, loupeEvents } from "../../ports/event_store.ts";
import type {
  TokenCreated,
  TokenCreatedData,
  TokenRevoked,
  TokenRevokedData,
} from "../../domain/access/events.ts";
import type { LoupeEvent } from "../../domain/events.ts";

export const TOKENS_STREAM = "access-tokens";

/** What every secret starts with, so a leaked one is recognisable (and scanners can find it). */
export const SECRET_PREFIX = "loupe_";

/** The principal `LOUPE_API_KEY` stands for. */
export const API_KEY_PRINCIPAL: Principal = {
  tokenId: "api-key",
  name: "api-key",
  role: { kind: "admin" },
};

interface Held {
  info: TokenInfo;
  readonly hash: Buffer;
}

export interface TokenStoreDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly newId: NewId;
  /** `LOUPE_API_KEY`: always an admin token, never stored. */
  readonly apiKey?: string;
  /** Fills a buffer with secure random bytes (tests may pin it). */
  readonly randomBytes?: (bytes: Uint8Array) => Uint8Array;
}

const MAX_NAME = 200;

export class EventTokenStore implements TokenStore, Authenticator {
  readonly #deps: TokenStoreDeps;
  readonly #byId = new Map<string, Held>();
  readonly #byHash = new Map<string, Held>();
  readonly #apiKeyHash: Buffer | undefined;
  #version = 0;

  private constructor(deps: TokenStoreDeps) {
    this.#deps = deps;
    this.#apiKeyHash = deps.apiKey === undefined ? undefined : sha256(deps.apiKey);
  }

  /** Reads every token event so far. */
  static async open(deps: TokenStoreDeps): Promise<EventTokenStore> {
    const tokens = new EventTokenStore(deps);
    await tokens.reload();
    return tokens;
  }

  /**
   * Reads the tokens again from the log: once a customer is forgotten, the
   * tokens scoped to them are unreadable, so they no longer let anyone in.
   */
  async reload(): Promise<void> {
    const events = loupeEvents(await this.#deps.store.readStream(TOKENS_STREAM));
    this.#byId.clear();
    this.#byHash.clear();
    for (const event of events) this.#apply(event, event.streamVersion);
  }

  required(): boolean {
    // Revoked tokens count: revoking the last token must not open the service.
    return this.#apiKeyHash !== undefined || this.#byId.size > 0;
  }

  authenticate(secret: string): Promise<Principal | null> {
    const hash = sha256(secret);
    if (this.#apiKeyHash !== undefined && timingSafeEqual(hash, this.#apiKeyHash)) {
      return Promise.resolve(API_KEY_PRINCIPAL);
    }
    // The map finds the candidate by its hash (what an attacker cannot choose
    // without the secret); the comparison itself is constant-time.
    const held = this.#byHash.get(hash.toString("hex"));
    if (held === undefined || !timingSafeEqual(hash, held.hash)) return Promise.resolve(null);
    if (held.info.revokedAt !== null) return Promise.resolve(null);
    const { tokenId, name, role } = held.info;
    return Promise.resolve({ tokenId, name, role });
  }

  async create(grant: { readonly name: string; readonly role: Role }): Promise<CreatedToken> {
    const name = grant.name.trim();
    if (name.length === 0 || name.length > MAX_NAME) {
      throw new LoupeError(
        "validation_failed",
        `Invalid token name: give 1 to ${MAX_NAME} characters`,
      );
    }
    const random = this.#deps.randomBytes ?? ((b: Uint8Array) => crypto.getRandomValues(b));
    const secret = SECRET_PREFIX + base64url(random(new Uint8Array(32)));
    const data: TokenCreatedData = {
      tokenId: this.#deps.newId(),
      name,
      role: roleText(grant.role),
      hash: sha256(secret).toString("hex"),
      createdAt: this.#deps.clock.now(),
    };
    await this.#append({ type: "TokenCreated", data });
    return { token: this.#byId.get(data.tokenId)!.info, secret };
  }

  list(): readonly TokenInfo[] {
    return [...this.#byId.values()].map((held) => held.info);
  }

  async revoke(tokenId: string): Promise<TokenInfo | null> {
    const held = this.#byId.get(tokenId);
    if (held === undefined) return null;
    if (held.info.revokedAt !== null) return held.info;
    const data: TokenRevokedData = { tokenId, revokedAt: this.#deps.clock.now() };
    await this.#append({ type: "TokenRevoked", data });
    return this.#byId.get(tokenId)!.info;
  }

  async #append(event: TokenCreated | TokenRevoked) {
    const result = await this.#deps.store.append(TOKENS_STREAM, [event], {
      expectedVersion: this.#version,
    });
    this.#apply(event, result.streamVersion);
  }

  #apply(event: LoupeEvent & { readonly unreadable?: string }, streamVersion: number): void {
    this.#version = streamVersion;
    if (event.unreadable !== undefined) return;
    if (event.type === "TokenCreated") {
      const data = event.data;
      const role = parseRole(data.role);
      // A grant this version cannot read grants nothing.
      if (role === null) return;
      const held: Held = {
        info: {
          tokenId: data.tokenId,
          name: data.name,
          role,
          createdAt: data.createdAt,
          revokedAt: null,
        },
        hash: Buffer.from(data.hash, "hex"),
      };
      this.#byId.set(data.tokenId, held);
      this.#byHash.set(data.hash, held);
    } else if (event.type === "TokenRevoked") {
      const data = event.data;
      const held = this.#byId.get(data.tokenId);
      if (held !== undefined && held.info.revokedAt === null) {
        held.info = { ...held.info, revokedAt: data.revokedAt };
      }
    }
  }
}

function sha256(text: string): Buffer {
  return createHash("sha256").update(text).digest();
}

function base64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString("base64url");
}
