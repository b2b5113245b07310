/**
 * Every outgoing call goes through here. A delivery is an event before it
 * is a request, so a crash loses none: on start the outbox reads its stream
 * and carries on. Retries back off exponentially with full jitter and wait
 * at least what Retry-After said; when a remote's rate-limit headers say its
 * quota is spent (or nearly) no delivery goes to it before the reset; after
 * `maxAttempts` a delivery is dead-lettered, visible and retryable. Remotes are idempotent on the action's
 * marker, so a delivery made just before a crash and made again is one effect.
 * Deliveries that share an `orderKey` (one ticket, one issue) go one at a
 * time, in the order they were queued.
 */
import type { Clock, NewId } from "../../ports/clock.ts";
import type { EventStore, StoredEvent } from "../../ports/event_store.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { OutboxEvent } from "../../domain/ticketing/events.ts";
import {
  type DeliveryResult,
  type Origin,
  type OutboundAction,
  RemoteError,
  type TicketingSystem,
} from "../../ports/ticketing.ts";
import { OUTBOX_STREAM } from "./streams.ts";

export type DeliveryStatus = "pending" | "delivered" | "failed";

export interface Delivery {
  readonly deliveryId: string;
  readonly system: TicketingSystem["system"];
  readonly action: OutboundAction;
  readonly orderKey: string;
  /** Why it was sent: the change it carries came from here. */
  readonly origin: Origin;
  readonly dedupeKey: string;
  /** Whose data its text holds: its failures, which may quote it, are sealed under them too. */
  readonly customers?: readonly string[];
  readonly queuedAt: number;
  status: DeliveryStatus;
  /** Failed attempts: these count towards the dead letter. */
  attempts: number;
  /** Refusals for rate limit (429): waited out, never a reason to give up. */
  throttled: number;
  nextAttemptAt: number;
  lastError: string | null;
  deliveredAt: number | null;
  remoteId: string | null;
  /** The remote had it already when it was delivered. */
  alreadyDone: boolean;
}

export interface OutboxConfig {
  readonly maxAttempts: number;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  /** Deliveries in flight at once (each for a different order key). */
  readonly concurrency: number;
}

export const DEFAULT_OUTBOX_CONFIG: OutboxConfig = {
  maxAttempts: 10,
  baseDelayMs: 500,
  maxDelayMs: 5 * 60_000,
  concurrency: 8,
};

export interface OutboxDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly newId: NewId;
  /** In [0, 1): the jitter. */
  readonly random: () => number;
  readonly systems: readonly TicketingSystem[];
  readonly config?: Partial<OutboxConfig>;
  /** Told of each success, e.g. to record the Jira key a creation made. */
  readonly onDelivered?: (delivery: Delivery, result: DeliveryResult) => Promise<void>;
  readonly onError?: (error: unknown) => void;
}

export interface EnqueueRequest {
  readonly system: TicketingSystem["system"];
  readonly action: OutboundAction;
  readonly orderKey: string;
  readonly origin: Origin;
  /** The same key queued twice is one delivery. */
  readonly dedupeKey: string;
  /**
   * The customers the action's text names or holds data of: the delivery is
   * sealed under each one's key, so forgetting any of them forgets it. None
   * (or absent): it names nobody, and uses the deployment's key.
   */
  readonly customers?: readonly string[];
}

export class Outbox {
  readonly #deps: OutboxDeps;
  readonly #config: OutboxConfig;
  readonly #deliveries = new Map<string, Delivery>();
  readonly #byDedupe = new Map<string, string>();
  readonly #inFlight = new Set<string>();
  readonly #busyOrderKeys = new Set<string>();
  /** A system that answered 429, or whose quota is spent, is left alone until then. */
  readonly #pausedUntil = new Map<string, number>();
  readonly #systems: Map<string, TicketingSystem>;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #running = false;
  #idleWaiters: (() => void)[] = [];

  private constructor(deps: OutboxDeps) {
    this.#deps = deps;
    this.#config = { ...DEFAULT_OUTBOX_CONFIG, ...deps.config };
    this.#systems = new Map(deps.systems.map((s) => [s.system, s]));
  }

  /** Reads what was queued before (a restart, a crash) and starts delivering. */
  static async open(deps: OutboxDeps, options: { start?: boolean } = {}): Promise<Outbox> {
    const outbox = new Outbox(deps);
    await outbox.reload();
    if (options.start ?? true) outbox.start();
    return outbox;
  }

  /**
   * Reads the deliveries again from the log: after a customer is forgotten,
   * those about them are unreadable, so they are neither kept nor sent.
   */
  async reload(): Promise<void> {
    const events = await this.#deps.store.readStream(OUTBOX_STREAM);
    this.#deliveries.clear();
    this.#byDedupe.clear();
    for (const event of events) this.#evolve(event);
  }

  /** Delivering begins (for an outbox opened with `start: false`, once its listeners are ready). */
  start(): void {
    this.#running = true;
    this.#schedule(0);
  }

  stop(): void {
    this.#running = false;
    clearTimeout(this.#timer);
  }

  /** Durable before it returns: the delivery will happen, whatever crashes next. */
  async enqueue(request: EnqueueRequest): Promise<Delivery> {
    const known = this.#byDedupe.get(request.dedupeKey);
    if (known !== undefined) return this.#deliveries.get(known)!;
    const event: OutboxEvent = {
      type: "DeliveryQueued",
      data: {
        deliveryId: this.#deps.newId(),
        system: request.system,
        action: request.action,
        orderKey: request.orderKey,
        origin: request.origin,
        dedupeKey: request.dedupeKey,
        customers: [...new Set(request.customers ?? [])].sort(),
        queuedAt: this.#deps.clock.now(),
      },
    };
    await this.#append(event, `queue:${request.dedupeKey}`);
    this.#schedule(0);
    return this.#deliveries.get(this.#byDedupe.get(request.dedupeKey)!)!;
  }

  list(status?: DeliveryStatus): Delivery[] {
    return [...this.#deliveries.values()].filter((d) =>
      status === undefined || d.status === status
    );
  }

  get(deliveryId: string): Delivery | undefined {
    return this.#deliveries.get(deliveryId);
  }

  /** A failed (dead-lettered) delivery goes back to pending with its attempts reset. */
  async retry(deliveryId: string, by: string | null = null): Promise<Delivery> {
    const delivery = this.#deliveries.get(deliveryId);
    if (delivery === undefined) {
      throw new LoupeError("not_found", `Cannot find delivery ${deliveryId}`);
    }
    if (delivery.status !== "failed") {
      throw new LoupeError(
        "conflict",
        `Cannot retry delivery ${deliveryId}: it is ${delivery.status}, not failed`,
        { status: delivery.status },
      );
    }
    await this.#append({
      type: "DeliveryRetryRequested",
      data: { deliveryId, at: this.#deps.clock.now(), by },
    });
    this.#schedule(0);
    return delivery;
  }

  /** Resolves when nothing is pending or in flight (tests and benches wait on it). */
  idle(): Promise<void> {
    if (this.#isIdle()) return Promise.resolve();
    return new Promise((resolve) => this.#idleWaiters.push(resolve));
  }

  #isIdle(): boolean {
    return this.#inFlight.size === 0 && this.list("pending").length === 0;
  }

  #schedule(delayMs: number): void {
    if (!this.#running) return;
    clearTimeout(this.#timer);
    this.#timer = setTimeout(() => this.#pump(), Math.max(0, delayMs));
  }

  /** Starts every delivery that is due and first in its order; sleeps until the next one. */
  #pump(): void {
    if (!this.#running) return;
    const now = this.#deps.clock.now();
    const firstPerKey = new Map<string, Delivery>();
    for (const delivery of this.#deliveries.values()) {
      if (delivery.status !== "pending") continue;
      const first = firstPerKey.get(delivery.orderKey);
      if (first === undefined || delivery.queuedAt < first.queuedAt) {
        firstPerKey.set(delivery.orderKey, delivery);
      }
    }
    let next = Infinity;
    for (const delivery of firstPerKey.values()) {
      if (this.#busyOrderKeys.has(delivery.orderKey)) continue;
      const due = Math.max(delivery.nextAttemptAt, this.#pausedUntil.get(delivery.system) ?? 0);
      if (due > now) {
        next = Math.min(next, due);
        continue;
      }
      if (this.#inFlight.size >= this.#config.concurrency) break;
      void this.#attempt(delivery);
    }
    if (next !== Infinity) this.#schedule(next - now);
    if (this.#isIdle()) this.#idleWaiters.splice(0).forEach((resolve) => resolve());
  }

  async #attempt(delivery: Delivery): Promise<void> {
    this.#inFlight.add(delivery.deliveryId);
    this.#busyOrderKeys.add(delivery.orderKey);
    try {
      const system = this.#systems.get(delivery.system);
      if (system === undefined) {
        throw new RemoteError(
          `Cannot deliver to ${delivery.system}: it is not configured`,
          0,
          false,
        );
      }
      const result = await system.deliver(delivery.action);
      this.#pause(delivery.system, result.quotaWaitMs ?? null);
      await this.#append({
        type: "DeliveryDelivered",
        data: {
          deliveryId: delivery.deliveryId,
          at: this.#deps.clock.now(),
          remoteId: result.remoteId,
          alreadyDone: result.alreadyDone,
        },
      });
      await this.#deps.onDelivered?.(delivery, result);
    } catch (error) {
      await this.#failed(delivery, error).catch((e) => this.#deps.onError?.(e));
    } finally {
      this.#inFlight.delete(delivery.deliveryId);
      this.#busyOrderKeys.delete(delivery.orderKey);
      this.#schedule(0);
    }
  }

  async #failed(delivery: Delivery, error: unknown): Promise<void> {
    const remote = error instanceof RemoteError ? error : undefined;
    if (remote === undefined) this.#deps.onError?.(error);
    const message = (error as Error).message ?? String(error);
    const now = this.#deps.clock.now();
    const quotaWaitMs = remote?.quotaWaitMs ?? null;
    this.#pause(delivery.system, quotaWaitMs);
    if (remote?.status === 429) {
      const throttled = delivery.throttled + 1;
      const wait = remote.retryAfterMs === null && quotaWaitMs === null
        ? null
        : Math.max(remote.retryAfterMs ?? 0, quotaWaitMs ?? 0);
      const nextAttemptAt = now + this.#delay(throttled, wait);
      // The whole system is told to wait, not only this delivery.
      this.#pause(delivery.system, nextAttemptAt - now);
      await this.#append({
        type: "DeliveryThrottled",
        data: { deliveryId: delivery.deliveryId, at: now, throttled, nextAttemptAt },
      });
      return;
    }
    const attempt = delivery.attempts + 1;
    if (remote?.retryable === false || attempt >= this.#config.maxAttempts) {
      await this.#append({
        type: "DeliveryDeadLettered",
        data: {
          deliveryId: delivery.deliveryId,
          at: now,
          error: message,
          attempts: attempt,
          ...failureOwners(delivery),
        },
      });
      return;
    }
    await this.#append({
      type: "DeliveryAttemptFailed",
      data: {
        deliveryId: delivery.deliveryId,
        attempt,
        at: now,
        error: message,
        status: remote?.status ?? 0,
        nextAttemptAt: now +
          Math.max(this.#delay(attempt, remote?.retryAfterMs ?? null), quotaWaitMs ?? 0),
        ...failureOwners(delivery),
      },
    });
  }

  /** No call to `system` for `waitMs` from now (the longest wait asked for wins). */
  #pause(system: string, waitMs: number | null): void {
    if (waitMs === null || waitMs <= 0) return;
    const until = this.#deps.clock.now() + waitMs;
    if (until > (this.#pausedUntil.get(system) ?? 0)) this.#pausedUntil.set(system, until);
  }

  /**
   * What the remote asked for (with a little jitter so waiting deliveries do
   * not all come back at once), else half-jitter over an exponential ceiling.
   */
  #delay(attempt: number, retryAfterMs: number | null): number {
    const { baseDelayMs, maxDelayMs } = this.#config;
    if (retryAfterMs !== null) {
      return retryAfterMs + this.#deps.random() * Math.min(1_000, retryAfterMs / 10 + baseDelayMs);
    }
    const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (Math.min(attempt, 30) - 1));
    return ceiling / 2 + this.#deps.random() * ceiling / 2;
  }

  async #append(event: OutboxEvent, idempotencyKey?: string): Promise<void> {
    const result = await this.#deps.store.append(OUTBOX_STREAM, [event], {
      expectedVersion: "any",
      ...(idempotencyKey === undefined ? {} : { idempotencyKey }),
    });
    if (result.duplicate) {
      // Queued by an earlier run under this key: read it back rather than lose it.
      for (
        const stored of await this.#deps.store.readStream(OUTBOX_STREAM, result.streamVersion - 1)
      ) {
        if (stored.streamVersion === result.streamVersion) this.#evolve(stored);
      }
      return;
    }
    this.#evolve(event);
  }

  #evolve(event: OutboxEvent | StoredEvent): void {
    // A delivery about a forgotten customer, or what happened to it, is skipped.
    if ("unreadable" in event && event.unreadable !== undefined) return;
    const e = event as OutboxEvent;
    switch (e.type) {
      case "DeliveryQueued": {
        if (this.#deliveries.has(e.data.deliveryId)) return;
        this.#deliveries.set(e.data.deliveryId, {
          ...e.data,
          status: "pending",
          attempts: 0,
          throttled: 0,
          nextAttemptAt: e.data.queuedAt,
          lastError: null,
          deliveredAt: null,
          remoteId: null,
          alreadyDone: false,
        });
        this.#byDedupe.set(e.data.dedupeKey, e.data.deliveryId);
        return;
      }
      case "DeliveryAttemptFailed": {
        const d = this.#deliveries.get(e.data.deliveryId);
        if (d === undefined) return;
        d.attempts = e.data.attempt;
        d.nextAttemptAt = e.data.nextAttemptAt;
        d.lastError = e.data.error;
        return;
      }
      case "DeliveryThrottled": {
        const d = this.#deliveries.get(e.data.deliveryId);
        if (d === undefined) return;
        d.throttled = e.data.throttled;
        d.nextAttemptAt = e.data.nextAttemptAt;
        return;
      }
      case "DeliveryDelivered": {
        const d = this.#deliveries.get(e.data.deliveryId);
        if (d === undefined) return;
        d.status = "delivered";
        d.deliveredAt = e.data.at;
        d.remoteId = e.data.remoteId;
        d.alreadyDone = e.data.alreadyDone;
        return;
      }
      case "DeliveryDeadLettered": {
        const d = this.#deliveries.get(e.data.deliveryId);
        if (d === undefined) return;
        d.status = "failed";
        d.attempts = e.data.attempts;
        d.lastError = e.data.error;
        return;
      }
      case "DeliveryRetryRequested": {
        const d = this.#deliveries.get(e.data.deliveryId);
        if (d === undefined) return;
        d.status = "pending";
        d.attempts = 0;
        d.nextAttemptAt = e.data.at;
        return;
      }
    }
  }
}

/** A failure's `customers`: its delivery's, when it named any (events before did not). */
function failureOwners(delivery: Delivery): { customers?: readonly string[] } {
  return delivery.customers === undefined || delivery.customers.length === 0
    ? {}
    : { customers: delivery.customers };
}
