/**
 * What can go wrong with a real ticketing API, on demand: 429 with or
 * without Retry-After, 5xx, slow answers, and a rate limit whose headers
 * ride on every answer. Shared by the fake servers.
 */
export interface Chaos {
  /**
   * Calls allowed per window (a fixed window from its first call). Every
   * answer says what is left in the remote's own headers; a call over it is
   * refused with 429 and Retry-After. Set it with `limitRate`.
   */
  quota: { limit: number; windowMs: number; windowStart: number; used: number };
  /** 429s served because the quota was spent. */
  rateLimited: number;
  /** Refusals served, in order, before answering normally again. */
  readonly queue: { status: number; retryAfterSeconds?: number }[];
  /** Every n-th request (n > 1) is refused with 429 while set. */
  storm: { every: number; retryAfterSeconds?: number; until: number } | null;
  /** Added to every answer. */
  delayMs: number;
  /** Requests seen, refusals included. */
  requests: number;
}

/** Generous by default: the headers are there, the limit binds only where a test sets one. */
const DEFAULT_QUOTA = { limit: 100_000, windowMs: 60_000 };

export function newChaos(): Chaos {
  return {
    quota: { ...DEFAULT_QUOTA, windowStart: 0, used: 0 },
    rateLimited: 0,
    queue: [],
    storm: null,
    delayMs: 0,
    requests: 0,
  };
}

/** A new quota, its window starting with the next call. */
export function limitRate(chaos: Chaos, limit: number, windowMs: number): void {
  chaos.quota = { limit, windowMs, windowStart: 0, used: 0 };
}

/**
 * How each remote spells its rate limit. Zendesk: `X-Rate-Limit`,
 * `X-Rate-Limit-Remaining` and the newer `ratelimit-limit|remaining|reset`
 * (reset in seconds); Jira Cloud: `X-RateLimit-Limit|Remaining`,
 * `X-RateLimit-Reset` (ISO 8601) and `X-RateLimit-NearLimit` under a fifth
 * left; a plain receiver: the IETF draft's `RateLimit-Limit|Remaining|Reset`.
 */
export type RateLimitStyle = "zendesk" | "jira" | "draft";

/** Counts the call against the quota: refuses it when spent, else answers with the headers. */
export async function metered(
  chaos: Chaos,
  style: RateLimitStyle,
  answer: () => Promise<Response>,
): Promise<Response> {
  const quota = chaos.quota;
  const now = Date.now();
  if (now >= quota.windowStart + quota.windowMs) {
    quota.windowStart = now;
    quota.used = 0;
  }
  const resetAt = quota.windowStart + quota.windowMs;
  if (quota.used >= quota.limit) {
    chaos.requests++;
    chaos.rateLimited++;
    const refused = json({ error: "TooManyRequests" }, 429);
    refused.headers.set("retry-after", String(Math.ceil((resetAt - now) / 1000)));
    setRateLimitHeaders(refused.headers, style, quota.limit, 0, resetAt, now);
    return refused;
  }
  quota.used++;
  const response = await answer();
  // A refusal the chaos made up (a storm) says only what it says: it is not the quota.
  if (response.status !== 429) {
    setRateLimitHeaders(
      response.headers,
      style,
      quota.limit,
      quota.limit - quota.used,
      resetAt,
      now,
    );
  }
  return response;
}

function setRateLimitHeaders(
  headers: Headers,
  style: RateLimitStyle,
  limit: number,
  remaining: number,
  resetAt: number,
  now: number,
): void {
  const resetSeconds = String(Math.max(0, Math.ceil((resetAt - now) / 1000)));
  switch (style) {
    case "zendesk":
      headers.set("x-rate-limit", String(limit));
      headers.set("x-rate-limit-remaining", String(remaining));
      headers.set("ratelimit-limit", String(limit));
      headers.set("ratelimit-remaining", String(remaining));
      headers.set("ratelimit-reset", resetSeconds);
      return;
    case "jira":
      headers.set("x-ratelimit-limit", String(limit));
      headers.set("x-ratelimit-remaining", String(remaining));
      headers.set("x-ratelimit-reset", new Date(resetAt).toISOString());
      headers.set("x-ratelimit-nearlimit", String(remaining < limit / 5));
      return;
    case "draft":
      headers.set("ratelimit-limit", String(limit));
      headers.set("ratelimit-remaining", String(remaining));
      headers.set("ratelimit-reset", resetSeconds);
      return;
  }
}

/** The refusal to serve for this request, if any (after the delay). */
export async function chaosAnswer(chaos: Chaos): Promise<Response | undefined> {
  chaos.requests++;
  if (chaos.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, chaos.delayMs));
  const queued = chaos.queue.shift();
  if (queued !== undefined) return refusal(queued.status, queued.retryAfterSeconds);
  const storm = chaos.storm;
  if (storm !== null && Date.now() < storm.until && chaos.requests % storm.every === 0) {
    return refusal(429, storm.retryAfterSeconds);
  }
  return undefined;
}

function refusal(status: number, retryAfterSeconds: number | undefined): Response {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (retryAfterSeconds !== undefined) headers["retry-after"] = String(retryAfterSeconds);
  return new Response(JSON.stringify({ error: status === 429 ? "TooManyRequests" : "Failure" }), {
    status,
    headers,
  });
}

export function json(body: unknown, status = 200): Response {
  return new Response(JSON.stringify(body), {
    status,
    headers: { "content-type": "application/json" },
  });
}

export function basicAuthOk(request: Request, user: string, password: string): boolean {
  return request.headers.get("authorization") === `Basic ${btoa(`${user}:${password}`)}`;
}

export interface FakeServer {
  readonly url: string;
  close(): Promise<void>;
}

/** Serves `handler` on 127.0.0.1 (port 0 unless given). */
export function serveFake(
  handler: (request: Request) => Promise<Response>,
  port = 0,
): FakeServer {
  const server = Deno.serve({ hostname: "127.0.0.1", port, onListen: () => {} }, handler);
  return {
    url: `http://127.0.0.1:${server.addr.port}`,
    close: () => server.shutdown(),
  };
}

/**
 * The HMAC-SHA256 of `text`'s UTF-8 bytes under `secret`, as the remotes sign
 * their webhooks. Computed here, not with Loupe's own `adapters/hmac.ts`, so
 * that a wrong key in Loupe is not mirrored by the peers it is tested against.
 */
export async function hmacSha256(secret: string, text: string): Promise<Uint8Array> {
  const key = await crypto.subtle.importKey(
    "raw",
    new TextEncoder().encode(secret),
    { name: "HMAC", hash: "SHA-256" },
    false,
    ["sign"],
  );
  return new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(text)));
}
