/**
 * A receiver of Loupe's plain webhooks: checks the signature, keeps each
 * delivery once by `X-Loupe-Delivery` (retries repeat it), and can refuse.
 */
import {
  type Chaos,
  chaosAnswer,
  type FakeServer,
  json,
  metered,
  newChaos,
  serveFake,
} from "./chaos.ts";
import { signWebhook } from "../../adapters/ticketing/webhook.ts";

export class FakeWebhookReceiver {
  readonly chaos: Chaos = newChaos();
  /** Delivery id -> body, first copy kept. */
  readonly received = new Map<string, Record<string, unknown>>();
  /** Every accepted POST, repeats included. */
  posts = 0;
  readonly #server: FakeServer;
  readonly #secret: string;

  constructor(secret: string, port = 0) {
    this.#secret = secret;
    this.#server = serveFake(
      (request) => metered(this.chaos, "draft", () => this.#handle(request)),
      port,
    );
  }

  get url(): string {
    return `${this.#server.url}/hooks/loupe`;
  }

  close(): Promise<void> {
    return this.#server.close();
  }

  async #handle(request: Request): Promise<Response> {
    const refused = await chaosAnswer(this.chaos);
    if (refused !== undefined) return refused;
    const body = await request.text();
    const timestamp = request.headers.get("x-loupe-timestamp") ?? "";
    const expected = await signWebhook(this.#secret, timestamp, body);
    if (request.headers.get("x-loupe-signature") !== expected) {
      return json({ error: "bad signature" }, 401);
    }
    this.posts++;
    const id = request.headers.get("x-loupe-delivery") ?? "";
    if (!this.received.has(id)) this.received.set(id, JSON.parse(body));
    return json({ ok: true });
  }
}
