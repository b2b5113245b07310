/**
 * What can go wrong with a real ticketing API, on demand: 429 with or
 * without Retry-After, 5xx, slow answers. Shared by the fake servers.
 */
export interface Chaos {
  /** Refusals served, in order, before answering normally again. */
  readonly queue: { status: number; retryAfterSeconds?: number }[];
  /** Every n-th request (n > 1) is refused with 429 while set. */
  storm: { every: number; retryAfterSeconds?: number; until: number } | null;
  /** Added to every answer. */
  delayMs: number;
  /** Requests seen, refusals included. */
  requests: number;
}

export function newChaos(): Chaos {
  return { queue: [], storm: null, delayMs: 0, requests: 0 };
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
  if (status === 429) headers["x-rate-limit-remaining"] = "0";
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
