/**
 * Console sessions: a random id in an HttpOnly, SameSite=Strict cookie maps
 * to the principal that signed in and the CSRF token its forms carry. Kept in
 * memory on purpose: a restart signs everyone out, and no token secret is
 * ever written anywhere.
 */
import type { Principal } from "../../domain/access/principal.ts";
import type { Clock } from "../../ports/clock.ts";

export interface Session {
  readonly id: string;
  readonly principal: Principal;
  /** Every state-changing form sends it back; a forged cross-site post cannot know it. */
  readonly csrf: string;
  readonly expiresAt: number;
  /** Development mode: nobody signed in, the console acts as an anonymous admin. */
  readonly anonymous: boolean;
}

/** Twelve hours: a working day, after which the token is asked for again. */
export const SESSION_TTL_MS = 12 * 3_600_000;
/** Enough for a large support team; the oldest session is dropped beyond it. */
const MAX_SESSIONS = 10_000;

export class SessionStore {
  readonly #sessions = new Map<string, Session>();
  readonly #clock: Clock;
  readonly #ttlMs: number;

  constructor(clock: Clock, ttlMs = SESSION_TTL_MS) {
    this.#clock = clock;
    this.#ttlMs = ttlMs;
  }

  create(principal: Principal, anonymous: boolean): Session {
    const session: Session = {
      anonymous,
      id: randomToken(),
      principal,
      csrf: randomToken(),
      expiresAt: this.#clock.now() + this.#ttlMs,
    };
    if (this.#sessions.size >= MAX_SESSIONS) {
      const oldest = this.#sessions.keys().next();
      if (!oldest.done) this.#sessions.delete(oldest.value);
    }
    this.#sessions.set(session.id, session);
    return session;
  }

  /** The live session of this id; undefined for an unknown or expired one. */
  get(id: string | undefined): Session | undefined {
    if (id === undefined) return undefined;
    const session = this.#sessions.get(id);
    if (session === undefined) return undefined;
    if (session.expiresAt <= this.#clock.now()) {
      this.#sessions.delete(id);
      return undefined;
    }
    return session;
  }

  drop(id: string): void {
    this.#sessions.delete(id);
  }
}

/** 256 random bits, URL-safe. */
export function randomToken(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  return btoa(String.fromCharCode(...bytes)).replaceAll("+", "-").replaceAll("/", "_")
    .replace(/=+$/, "");
}

/** Compares a presented CSRF token with the session's in time independent of where they differ. */
export function sameToken(given: string | undefined, expected: string): boolean {
  if (given === undefined || given.length !== expected.length) return false;
  let difference = 0;
  for (let i = 0; i < given.length; i++) difference |= given.charCodeAt(i) ^ expected.charCodeAt(i);
  return difference === 0;
}
