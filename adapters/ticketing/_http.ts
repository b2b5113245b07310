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
}

/**
 * One call to a remote API. 429, 5xx and network failures are retryable;
 * other refusals are not. The credentials never appear in an error.
 */
export async function callRemote(request: RemoteRequest): Promise<unknown> {
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
  const text = await response.text();
  if (!response.ok) {
    const status = response.status;
    throw new RemoteError(
      `Remote refused ${request.method} ${pathOf(request.url)}: ${status} ${text.slice(0, 200)}`,
      status,
      status === 429 || status >= 500 || status === 408,
      retryAfterMs(response.headers),
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

export function basicAuth(user: string, password: string): string {
  return `Basic ${btoa(`${user}:${password}`)}`;
}

function pathOf(url: string): string {
  return new URL(url).pathname;
}
