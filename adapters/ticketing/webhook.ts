/**
 * A plain outbound webhook (chat tools, anything else): each action is a
 * signed JSON POST. `X-Loupe-Signature` is `sha256=` + hex HMAC-SHA256 over
 * `X-Loupe-Timestamp` + raw body; `X-Loupe-Delivery` is the same on every
 * retry of one action, so the receiver can drop repeats.
 */
import type { DeliveryResult, OutboundAction, TicketingSystem } from "../../ports/ticketing.ts";
import { callRemote, RateLimitGate } from "./_http.ts";
import { hmacSha256 } from "../hmac.ts";

export interface WebhookConfig {
  readonly url: string;
  readonly secret: string;
}

export class WebhookAdapter implements TicketingSystem {
  readonly system = "webhook" as const;
  readonly #config: WebhookConfig;
  readonly #now: () => number;
  /** A receiver (a chat tool) may answer with rate-limit headers too. */
  readonly #rateLimit: RateLimitGate;

  constructor(config: WebhookConfig, now: () => number = () => Date.now()) {
    this.#config = config;
    this.#now = now;
    this.#rateLimit = new RateLimitGate(now);
  }

  async deliver(action: OutboundAction): Promise<DeliveryResult> {
    const body = JSON.stringify({ delivery: action.marker, ...action });
    const timestamp = String(Math.floor(this.#now() / 1000));
    await callRemote({
      method: "POST",
      url: this.#config.url,
      authorization: "",
      rateLimit: this.#rateLimit,
      outgoing: true,
      headers: {
        "x-loupe-delivery": action.marker,
        "x-loupe-timestamp": timestamp,
        "x-loupe-signature": await signWebhook(this.#config.secret, timestamp, body),
      },
      rawBody: body,
    });
    return { remoteId: null, alreadyDone: false, quotaWaitMs: this.#rateLimit.waitMs() || null };
  }
}

/** `sha256=` + hex HMAC-SHA256 of timestamp + body: how receivers check a Loupe webhook. */
export async function signWebhook(
  secret: string,
  timestamp: string,
  body: string,
): Promise<string> {
  const mac = await hmacSha256(secret, timestamp + body);
  return `sha256=${[...mac].map((b) => b.toString(16).padStart(2, "0")).join("")}`;
}
