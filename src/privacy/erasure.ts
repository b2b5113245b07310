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
import { type EventStore, loupeEvents } from "../../ports/event_store.ts";
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
import {
  type Customer,
  CUSTOMERS_STREAM,
  Directory,
  type Origin,
} from "../../domain/customers/mod.ts";
import {
  customerOfOrigin,
  keyOwnersOfCustomer,
  ORIGIN_OWNER_MARK,
  originOfOwner,
} from "../../domain/privacy/ownership.ts";

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
  /**
   * The directory in force: which customer each origin of log records is.
   * Records are sealed under their origin's keys, and the directory at the
   * time of forgetting (not at the time they arrived) says whose they are.
   */
  readonly directory: () => Directory;
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
        const origins = await this.#originsOf(customerId);
        const { keysDeleted } = await shred({ customer: customerId, origins });
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
      const settings = this.#withOrigins(
        retentionSettings(await store.readStream(RETENTION_STREAM)),
        owners,
      );
      const now = clock.now();
      const plan = retentionPlan(now, owners, settings, this.#deps.defaultRetentionDays);
      const dropped: RetentionDrop[] = [];
      const drop = async () => {
        for (const { customerId, beforeDay, owners } of this.#byCustomer(plan)) {
          const [first, ...origins] = owners;
          const { keysDeleted } = await shred({ customer: first!, origins, beforeDay });
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

  /**
   * The key owners of the origins whose records are the customer's: those
   * the directory in force gives them, or, for a customer removed from the
   * directory since, those its last record gave it that nobody has now.
   */
  async #originsOf(customerId: string): Promise<string[]> {
    const { store } = this.#deps;
    const owners = (await store.keyOwners?.() ?? []).filter((o) => o.startsWith(ORIGIN_OWNER_MARK));
    if (owners.length === 0) return [];
    const directory = this.#deps.directory();
    const former = directory.customer(customerId) === undefined
      ? await lastRecordOf(store, customerId)
      : undefined;
    const formerly = former === undefined ? undefined : new Directory([former]);
    return keyOwnersOfCustomer(customerId, owners, directory, formerly).slice(1);
  }

  /**
   * A retention plan by key owner, as a customer's drops: an origin's keys
   * go with those of the customer the directory says it is (a person reads
   * the receipt by customer), and an origin nobody has is named as itself.
   */
  #byCustomer(
    plan: readonly { customerId: string; beforeDay: number }[],
  ): { customerId: string; beforeDay: number; owners: string[] }[] {
    const directory = this.#deps.directory();
    const groups = new Map<string, { customerId: string; beforeDay: number; owners: string[] }>();
    for (const { customerId: owner, beforeDay } of plan) {
      const origin = originOfOwner(owner);
      const customerId = origin === undefined
        ? owner
        : customerOfOrigin(origin, directory) ?? originText(origin);
      const id = `${beforeDay}\u0000${customerId}`;
      const group = groups.get(id);
      if (group === undefined) groups.set(id, { customerId, beforeDay, owners: [owner] });
      else group.owners.push(owner);
    }
    return [...groups.values()];
  }

  /** The retention settings with each origin's set to its customer's, where it has one. */
  #withOrigins(
    settings: ReadonlyMap<string, number>,
    owners: readonly string[],
  ): ReadonlyMap<string, number> {
    const directory = this.#deps.directory();
    const all = new Map(settings);
    for (const owner of owners) {
      const origin = originOfOwner(owner);
      if (origin === undefined) continue;
      const customer = customerOfOrigin(origin, directory);
      const days = customer === null ? undefined : settings.get(customer);
      if (days !== undefined) all.set(owner, days);
    }
    return all;
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

/**
 * A customer's last record in the directory's history (it may have been
 * removed since). Reads the whole directory stream: only for a customer the
 * directory does not hold now.
 */
async function lastRecordOf(store: EventStore, customerId: string): Promise<Customer | undefined> {
  let last: Customer | undefined;
  for (const event of loupeEvents(await store.readStream(CUSTOMERS_STREAM))) {
    if (event.unreadable !== undefined) continue;
    if (event.type !== "CustomerRegistered" && event.type !== "CustomerChanged") continue;
    if (event.data.customer.customerId === customerId) last = event.data.customer;
  }
  return last;
}

/** An origin as a person reads it: `owner/environment`, and its tenant. */
function originText(origin: Origin): string {
  const where = `${origin.owner}/${origin.environment}`;
  return origin.tenant === "" ? where : `${where} tenant ${origin.tenant}`;
}

function checkCustomerId(customerId: string): void {
  if (customerId.startsWith(ORIGIN_OWNER_MARK)) {
    throw new LoupeError(
      "validation_failed",
      "Cannot erase: a customer id does not start with a control character",
      { field: "customer" },
    );
  }
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
