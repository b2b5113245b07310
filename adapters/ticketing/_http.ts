import type { z } from "zod";
import { RemoteError } from "../../ports/ticketing.ts";

/** Longest a remote call may take before it counts as failed (and is retried). */
const TIMEOUT_MS = 15_000;

export interface RemoteRequest {
  readonly method: string;
  readonly url: string;
  readonly authorization: string;
  readonly body?: unknown;
  /** Sent as it is (already serialized: a signature covers these bytes). */
  readonly rawBody?: string;
  readonly headers?: Record<string, string>;
  /** Told of every answer's rate-limit headers. */
  readonly rateLimit?: RateLimitGate;
  /**
   * A write (or a read on a write's behalf): held back, without calling,
   * while the remote's rate limit is spent. Loupe's own reads (webhooks,
   * catch-up) are not: they use the reserve the writes leave.
   */
  readonly outgoing?: boolean;
}

/**
 * One call to a remote API. 429, 5xx and network failures are retryable;
 * other refusals are not. The credentials never appear in an error.
 */
export async function callRemote(request: RemoteRequest): Promise<unknown> {
  if (request.outgoing === true) request.rateLimit?.check(request.method, request.url);
  let response: Response;
  try {
    response = await fetch(request.url, {
      method: request.method,
      headers: {
        ...(request.authorization === "" ? {} : { authorization: request.authorization }),
        accept: "application/json",
        ...(request.body === undefined && request.rawBody === undefined
          ? {}
          : { "content-type": "application/json" }),
        ...request.headers,
      },
      ...(request.rawBody !== undefined
        ? { body: request.rawBody }
        : request.body === undefined
        ? {}
        : { body: JSON.stringify(request.body) }),
      signal: AbortSignal.timeout(TIMEOUT_MS),
    });
  } catch (error) {
    throw new RemoteError(
      `Cannot reach ${request.method} ${pathOf(request.url)}: ${(error as Error).message}`,
      0,
      true,
    );
  }
  request.rateLimit?.observe(response.headers);
  const text = await response.text();
  if (!response.ok) {
    const status = response.status;
    throw new RemoteError(
      `Remote refused ${request.method} ${pathOf(request.url)}: ${status} ${text.slice(0, 200)}`,
      status,
      status === 429 || status >= 500 || status === 408,
      retryAfterMs(response.headers),
      request.rateLimit?.waitMs() || null,
    );
  }
  if (text.length === 0) return null;
  try {
    return JSON.parse(text);
  } catch {
    throw new RemoteError(
      `Cannot parse the answer to ${request.method} ${pathOf(request.url)}: not JSON`,
      response.status,
      true,
    );
  }
}

/** Retry-After in seconds or as an HTTP date; null when absent or unreadable. */
export function retryAfterMs(headers: Headers, now = Date.now()): number | null {
  const value = headers.get("retry-after");
  if (value === null) return null;
  const seconds = Number(value);
  if (Number.isFinite(seconds) && seconds >= 0) return seconds * 1000;
  const date = Date.parse(value);
  return Number.isNaN(date) ? null : Math.max(0, date - now);
}

/** A reset further away than this is read as this far: a misread header never stalls delivery for days. */
export const MAX_QUOTA_WAIT_MS = 60 * 60_000;

/**
 * What one answer says of the remote's rate limit. Vendors name the headers
 * differently, and not every name is verified (see the reference on the
 * ticketing APIs), so every spelling is read:
 * - remaining: `X-Rate-Limit-Remaining` (Zendesk), `X-RateLimit-Remaining`
 *   (Jira Cloud), `RateLimit-Remaining` (Zendesk's newer headers, the IETF draft);
 * - limit: `X-Rate-Limit`, `X-RateLimit-Limit`, `RateLimit-Limit`;
 * - reset: `RateLimit-Reset`, `X-RateLimit-Reset`, `X-Rate-Limit-Reset`, as
 *   seconds from now, epoch seconds or milliseconds, or a date (Jira: ISO 8601);
 * - `X-RateLimit-NearLimit: true` (Jira: under a fifth left).
 *
 * `spent` is true when the quota is exhausted or nearly so: `remaining` is
 * at most a twentieth of the limit (at least 1, kept for Loupe's own reads),
 * or the remote says it is near its limit.
 */
export interface RateLimitInfo {
  /** The fewest calls left among the limits the answer reports; null when it says none. */
  readonly remaining: number | null;
  readonly spent: boolean;
  /** Milliseconds until the quota resets; null when the answer does not say. */
  readonly resetMs: number | null;
}

const RATE_LIMIT_PAIRS: readonly (readonly [remaining: string, limit: string])[] = [
  ["x-rate-limit-remaining", "x-rate-limit"],
  ["x-ratelimit-remaining", "x-ratelimit-limit"],
  ["ratelimit-remaining", "ratelimit-limit"],
];
const RESET_HEADERS = ["ratelimit-reset", "x-ratelimit-reset", "x-rate-limit-reset"];

export function rateLimitOf(headers: Headers, now = Date.now()): RateLimitInfo {
  let remaining: number | null = null;
  let spent = headers.get("x-ratelimit-nearlimit")?.trim().toLowerCase() === "true";
  for (const [remainingHeader, limitHeader] of RATE_LIMIT_PAIRS) {
    const left = leadingNumber(headers.get(remainingHeader));
    if (left === null) continue;
    const limit = leadingNumber(headers.get(limitHeader));
    const reserve = limit === null ? 1 : Math.max(1, Math.floor(limit / 20));
    if (left <= reserve) spent = true;
    remaining = remaining === null ? left : Math.min(remaining, left);
  }
  let resetMs: number | null = null;
  for (const name of RESET_HEADERS) {
    const value = headers.get(name);
    const ms = value === null ? null : resetOf(value, now);
    if (ms !== null) resetMs = Math.max(resetMs ?? 0, ms);
  }
  return { remaining, spent, resetMs };
}

/** `700`, or the draft's `100, 100;w=60`: the first number. */
function leadingNumber(value: string | null): number | null {
  if (value === null) return null;
  const match = /^\s*(\d+(?:\.\d+)?)/.exec(value);
  return match === null ? null : Number(match[1]);
}

function resetOf(value: string, now: number): number | null {
  const trimmed = value.trim();
  let ms: number;
  if (/^\d+(\.\d+)?$/.test(trimmed)) {
    const n = Number(trimmed);
    ms = n >= 1e12 ? n - now : n >= 1e9 ? n * 1000 - now : n * 1000;
  } else {
    const at = Date.parse(trimmed);
    if (Number.isNaN(at)) return null;
    ms = at - now;
  }
  return Math.min(MAX_QUOTA_WAIT_MS, Math.max(0, ms));
}

/**
 * One remote's rate limit as its answers tell it. When an answer says the
 * quota is spent and when it resets, outgoing calls are held back until
 * then; an answer with room left lifts the hold (the window was reset). A
 * spent quota with no reset given holds nothing: the next call finds out,
 * and a 429 says how long to wait (Retry-After) or the backoff decides.
 */
export class RateLimitGate {
  readonly #now: () => number;
  #until = 0;

  constructor(now: () => number = () => Date.now()) {
    this.#now = now;
  }

  observe(headers: Headers): void {
    const now = this.#now();
    const info = rateLimitOf(headers, now);
    if (info.spent && info.resetMs !== null) {
      this.#until = Math.max(this.#until, now + info.resetMs);
    } else if (!info.spent && info.remaining !== null) this.#until = 0;
  }

  /** How long outgoing calls are held back from now; 0 when they may go. */
  waitMs(): number {
    return Math.max(0, this.#until - this.#now());
  }

  /** Throws a retryable 429 (no call made) while the quota is spent. */
  check(method: string, url: string): void {
    const wait = this.waitMs();
    if (wait === 0) return;
    throw new RemoteError(
      `Held back ${method} ${pathOf(url)}: the remote's rate limit is spent until ${
        new Date(this.#until).toISOString()
      }`,
      429,
      true,
      wait,
      wait,
    );
  }
}

export function basicAuth(user: string, password: string): string {
  return `Basic ${btoa(`${user}:${password}`)}`;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}

/**
 * `value`, a remote's answer, checked against `schema`; one that does not fit
 * is a RemoteError (not worth retrying) naming `what`, the `system` and where
 * it broke.
 */
export function parseRemote<T>(
  schema: z.ZodType<T>,
  value: unknown,
  what: string,
  system: string,
): T {
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new RemoteError(
      `Cannot read ${what} from ${system}: ${issue.path.join(".")}: ${issue.message}`,
      200,
      false,
    );
  }
  return parsed.data;
}
