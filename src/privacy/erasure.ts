/**
 * Erasure and retention on the append-only log, by crypto-shredding: the
 * store deletes keys (see `EventStore.shred`), then every projection and the
 * signature miner are rebuilt from what can still be read, so no view keeps
 * what the deleted keys sealed. Forgetting is recorded with the customer's
 * id and who asked; nothing else of theirs.
 *
 * @module
 */
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type {
  ForgetReceipt,
  PrivacyApi,
  RetentionDrop,
  RetentionReceipt,
  RetentionView,
} from "../../ports/privacy.ts";
import {
  type CustomerForgotten,
  ERASURE_STREAM,
  MAX_RETENTION_DAYS,
  RETENTION_STREAM,
  type RetentionApplied,
  retentionPlan,
  type RetentionSet,
  retentionSettings,
} from "../../domain/privacy/retention.ts";
import { DAY_MS } from "../../domain/time.ts";

export interface ErasureDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  /** Runs the deletion with ingest held, then rebuilds every view (`Loupe.eraseAndRebuild`). */
  readonly eraseAndRebuild: <T>(
    erase: () => Promise<T>,
    rebuildIf?: (result: T) => boolean,
  ) => Promise<T>;
  /** The projections' position once rebuilt. */
  readonly projectionPosition: () => number;
  /** `LOUPE_RETENTION_DAYS`: days kept for customers without their own setting; null = until forgotten. */
  readonly defaultRetentionDays: number | null;
}

export class ErasureService implements PrivacyApi {
  readonly #deps: ErasureDeps;
  /** One erasure at a time: each rebuilds every view. */
  #lane: Promise<unknown> = Promise.resolve();

  constructor(deps: ErasureDeps) {
    this.#deps = deps;
  }

  forget(customerId: string, by: string | null): Promise<ForgetReceipt> {
    const shred = this.#shredder();
    checkCustomerId(customerId);
    return this.#inLane(async () => {
      const { store, clock } = this.#deps;
      const keysDeleted = await this.#deps.eraseAndRebuild(async () => {
        const { keysDeleted } = await shred({ customer: customerId });
        const at = clock.now();
        const event: CustomerForgotten = {
          type: "CustomerForgotten",
          data: { customerId, keysDeleted, at, by },
        };
        await store.append(ERASURE_STREAM, [event], { expectedVersion: "any" });
        return keysDeleted;
      });
      return {
        customerId,
        keysDeleted,
        at: clock.now(),
        projectionPosition: this.#deps.projectionPosition(),
      };
    });
  }

  applyRetention(): Promise<RetentionReceipt> {
    const shred = this.#shredder();
    return this.#inLane(async () => {
      const { store, clock } = this.#deps;
      const owners = await store.keyOwners?.() ?? [];
      const settings = retentionSettings(await store.readStream(RETENTION_STREAM));
      const now = clock.now();
      const plan = retentionPlan(now, owners, settings, this.#deps.defaultRetentionDays);
      const dropped: RetentionDrop[] = [];
      const drop = async () => {
        for (const { customerId, beforeDay } of plan) {
          const { keysDeleted } = await shred({ customer: customerId, beforeDay });
          if (keysDeleted === 0) continue;
          dropped.push({ customerId, before: dayText(beforeDay), keysDeleted });
          const event: RetentionApplied = {
            type: "RetentionApplied",
            data: { customerId, beforeDay, keysDeleted, at: now },
          };
          await store.append(ERASURE_STREAM, [event], { expectedVersion: "any" });
        }
      };
      // A run that drops nothing (most hours) costs no rebuild.
      let rebuilt = false;
      if (plan.length > 0) {
        await this.#deps.eraseAndRebuild(async () => {
          await drop();
          rebuilt = dropped.length > 0;
        }, () => dropped.length > 0);
      }
      return { at: now, dropped, rebuilt };
    });
  }

  async retention(customerId: string): Promise<RetentionView> {
    checkCustomerId(customerId);
    const settings = retentionSettings(await this.#deps.store.readStream(RETENTION_STREAM));
    return this.#view(customerId, settings);
  }

  async setRetention(
    customerId: string,
    days: number | null,
    by: string | null,
  ): Promise<RetentionView> {
    checkCustomerId(customerId);
    if (days !== null && !(Number.isInteger(days) && days >= 1 && days <= MAX_RETENTION_DAYS)) {
      throw new LoupeError(
        "validation_failed",
        `Cannot set retention: days must be a whole number from 1 to ${MAX_RETENTION_DAYS}, or null`,
        { field: "days" },
      );
    }
    const event: RetentionSet = {
      type: "RetentionSet",
      data: { customerId, days, at: this.#deps.clock.now(), by },
    };
    await this.#deps.store.append(RETENTION_STREAM, [event], { expectedVersion: "any" });
    return await this.retention(customerId);
  }

  #view(customerId: string, settings: ReadonlyMap<string, number>): RetentionView {
    const own = settings.get(customerId);
    return own === undefined
      ? { customerId, days: this.#deps.defaultRetentionDays, source: "default" }
      : { customerId, days: own, source: "customer" };
  }

  #shredder(): NonNullable<EventStore["shred"]> {
    const { store } = this.#deps;
    if (store.shred === undefined) {
      throw new LoupeError(
        "unavailable",
        "Cannot erase: this store keeps events unencrypted, so it cannot forget (turn encryption on)",
      );
    }
    return (request) => store.shred!(request);
  }

  #inLane<T>(work: () => Promise<T>): Promise<T> {
    const run = this.#lane.then(work, work);
    this.#lane = run.catch(() => {});
    return run;
  }
}

function checkCustomerId(customerId: string): void {
  if (customerId.trim() === "" || customerId.length > 200) {
    throw new LoupeError(
      "validation_failed",
      "Cannot erase: the customer id must be 1 to 200 characters",
      { field: "customer" },
    );
  }
}

function dayText(day: number): string {
  return new Date(day * DAY_MS).toISOString().slice(0, 10);
}
