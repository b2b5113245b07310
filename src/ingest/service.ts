import {
  INGEST_STREAM,
  type LogBatchIngestedData,
  type StoredRecord,
  storedRecordOf,
} from "../../domain/events.ts";
import type { MineResult, MinerEvent } from "../../domain/mining/miner_events.ts";
import type { SkeletonBatch } from "../../domain/mining/skeletons.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import {
  type AppendResult,
  type EventStore,
  fingerprintDiffers,
  IdempotencyKeyReusedError,
  type NewEvent,
  type Preencoded,
} from "../../ports/event_store.ts";
import type { IngestReceipt, IngestRequest } from "../../ports/application.ts";
import {
  type EncodedRecords,
  type PartOrigin,
  recordsByOrigin,
  type SourcedLog,
} from "../../ports/log_source.ts";
import type { SourceContext } from "../../domain/log_record.ts";
import type { Origin } from "../../domain/customers/mod.ts";

/** The part of the signature miner ingest needs. */
export interface Miner {
  mine(messages: readonly string[]): MineResult;
  mineSkeletons(batch: SkeletonBatch): MineResult;
}

interface Pending {
  readonly request: IngestRequest;
  readonly resolve: (receipt: IngestReceipt) => void;
  readonly reject: (error: unknown) => void;
}

export interface IngestDeps {
  readonly store: EventStore;
  readonly clock: Clock;
  readonly newId: NewId;
  /** Builds a miner from what it learned before (all committed miner events, in order). */
  readonly restoreMiner: (events: readonly MinerEvent[]) => Miner;
  readonly committedMinerEvents: readonly MinerEvent[];
  /**
   * The customer records from `owner`, naming `tenant`, in `environment` are
   * (the directory's answer), null when it cannot tell: each customer's
   * records are stored apart, sealed under that customer's key. Without it,
   * records belong to the owner their source names.
   */
  readonly customerOf?: (owner: string, tenant: string, environment: string) => string | null;
}

/** Requests taken into one group: their appends share one LMDB commit. */
const GROUP_LIMIT = 64;
/**
 * Groups mined and appended while earlier ones wait for their flush to disk:
 * mining overlaps the fsync instead of waiting for it.
 */
const PIPELINE_DEPTH = 3;

interface InFlight {
  readonly pending: Pending;
  readonly minerEvents: readonly MinerEvent[];
  readonly append: Promise<IngestReceipt>;
}

/**
 * Turns parsed logs into durable events: mines signatures, then appends the
 * miner's discoveries and the batch atomically. The miner is stateful and its
 * state must follow exactly what was committed, so requests are mined one by
 * one in append order; appends of queued requests share a commit.
 */
export class IngestService {
  readonly #deps: IngestDeps;
  readonly #committed: MinerEvent[];
  #miner: Miner;
  readonly #queue: Pending[] = [];
  #working = false;
  /** The work loop while it runs. */
  #worked: Promise<void> = Promise.resolve();
  /** While held (a customer being forgotten), requests wait in the queue. */
  #held = 0;
  /**
   * Per signature, the origins whose lines it learned from so far: its
   * template and facets may hold their words, so each event that changes it
   * is sealed under all of theirs (see `learnedWithOrigins`).
   */
  #contributors = new Map<string, Map<string, Origin>>();

  constructor(deps: IngestDeps) {
    this.#deps = deps;
    this.#committed = [...deps.committedMinerEvents];
    this.#miner = deps.restoreMiner(this.#committed);
    this.#contributors = contributorsOf(this.#committed);
  }

  /** The miner, and who its signatures learned from, as the committed events say. */
  #restore(): void {
    this.#miner = this.#deps.restoreMiner(this.#committed);
    this.#contributors = contributorsOf(this.#committed);
  }

  ingest(request: IngestRequest): Promise<IngestReceipt> {
    return new Promise((resolve, reject) => {
      this.#queue.push({ request, resolve, reject });
      if (!this.#working && this.#held === 0) this.#worked = this.#work();
    });
  }

  /**
   * Runs `work` with ingest stopped: requests in flight finish first, new
   * ones wait in the queue until it is done.
   */
  async held<T>(work: () => Promise<T>): Promise<T> {
    this.#held++;
    try {
      while (this.#working) await this.#worked;
      return await work();
    } finally {
      this.#held--;
      if (this.#held === 0 && !this.#working && this.#queue.length > 0) {
        this.#worked = this.#work();
      }
    }
  }

  /**
   * Starts the miner again from these events: after the log lost some (a
   * customer forgotten), it must not keep what it learned from them. Call
   * it inside {@linkcode held}.
   */
  relearn(committed: readonly MinerEvent[]): void {
    this.#committed.splice(0, this.#committed.length, ...committed);
    this.#restore();
  }

  async #work(): Promise<void> {
    this.#working = true;
    const settling: Promise<boolean>[] = [];
    try {
      while ((this.#queue.length > 0 && this.#held === 0) || settling.length > 0) {
        if (this.#queue.length === 0 || this.#held > 0 || settling.length >= PIPELINE_DEPTH) {
          if (!(await settling.shift()!)) {
            // The miner learned from a batch that was not stored: once every
            // group in flight has settled, bring it back to what the log holds.
            for (const later of settling.splice(0)) await later;
            this.#restore();
          }
          continue;
        }
        const group = this.#queue.splice(0, GROUP_LIMIT);
        const earlier = await this.#earlierAppends(group);
        settling.push(this.#settle(this.#submit(group, earlier)));
      }
    } finally {
      this.#working = false;
    }
  }

  /** Duplicates are answered before mining so a retry cannot move the miner. */
  #earlierAppends(group: readonly Pending[]): Promise<(AppendResult | undefined)[]> {
    return Promise.all(
      group.map((p) =>
        p.request.idempotencyKey === undefined
          ? undefined
          : this.#deps.store.findAppend(INGEST_STREAM, p.request.idempotencyKey)
      ),
    );
  }

  /** Mines the group and issues its appends, synchronously, in queue order. */
  #submit(group: readonly Pending[], earlier: readonly (AppendResult | undefined)[]): InFlight[] {
    const { store } = this.#deps;
    const keysInGroup = new Map<string, string | undefined>();
    return group.map((pending, index): InFlight => {
      const { request } = pending;
      const key = request.idempotencyKey;
      const previous = earlier[index];
      if (
        (previous !== undefined && fingerprintDiffers(previous, request.fingerprint)) ||
        (key !== undefined && keysInGroup.has(key) &&
          request.fingerprint !== keysInGroup.get(key))
      ) {
        const reused = Promise.reject(new IdempotencyKeyReusedError(INGEST_STREAM));
        return { pending, minerEvents: [], append: reused };
      }
      if (previous !== undefined || (key !== undefined && keysInGroup.has(key))) {
        const receipt = previous === undefined
          ? store.findAppend(INGEST_STREAM, key!).then((found) => duplicateReceipt(request, found))
          : Promise.resolve(duplicateReceipt(request, previous));
        return { pending, minerEvents: [], append: receipt };
      }
      if (key !== undefined) keysInGroup.set(key, request.fingerprint);
      if (recordCount(request) === 0 && request.quarantined.length === 0) {
        const nothing = { batchId: "", accepted: 0, quarantined: 0, position: 0, duplicate: false };
        return { pending, minerEvents: [], append: Promise.resolve(nothing) };
      }
      const { minerEvents, events, batchId } = this.#prepare(request);
      const append = store.append(INGEST_STREAM, events, {
        expectedVersion: "any",
        ...(key === undefined ? {} : { idempotencyKey: key }),
        ...(request.fingerprint === undefined ? {} : { fingerprint: request.fingerprint }),
      }).then((result) => receiptOf(request, batchId, result));
      return { pending, minerEvents, append };
    });
  }

  /**
   * Answers each request of a group; false when the miner's state no longer
   * matches the log (an append failed, or a retry raced its original).
   */
  async #settle(inFlight: readonly InFlight[]): Promise<boolean> {
    const results = await Promise.allSettled(inFlight.map((f) => f.append));
    let consistent = true;
    results.forEach((result, index) => {
      const { pending, minerEvents } = inFlight[index]!;
      if (result.status === "fulfilled") {
        if (!result.value.duplicate) this.#committed.push(...minerEvents);
        else if (minerEvents.length > 0) consistent = false;
        pending.resolve(result.value);
      } else {
        // A key refused before mining left the miner as it was.
        const refusedUnmined = result.reason instanceof IdempotencyKeyReusedError &&
          minerEvents.length === 0;
        if (!refusedUnmined) consistent = false;
        pending.reject(result.reason);
      }
    });
    return consistent;
  }

  /**
   * Mines the request and makes its events: the miner's discoveries, then
   * one batch per part of its records (one per origin, nearly always one;
   * more for over 10,000 records), each with the customer the directory
   * attributes it to now and its origin, whose key seals it: which customer
   * an origin is may be learned or change later, and forgetting asks the
   * directory then. The records are mined together, as they arrived, so a
   * split changes no signature; when a batch is split, each template learned
   * names the origin of the first record it was learned from, and is sealed
   * with that origin's key (it holds their text). The batch's quarantined
   * lines go with its first part.
   */
  #prepare(
    request: IngestRequest,
  ): { minerEvents: MinerEvent[]; events: NewEvent[]; batchId: string } {
    const { clock, newId } = this.#deps;
    const receivedAt = clock.now();
    const batchId = newId();
    const { records: given, context } = request;
    const encoded = Array.isArray(given) ? undefined : given as EncodedRecords;
    const parsed = given as readonly SourcedLog[];
    const mined = encoded === undefined
      ? this.#miner.mine(parsed.map((r) => r.parsed.message))
      : this.#miner.mineSkeletons(encoded.skeletons);
    const signatureIds = mined.signatureIds;
    const parts: {
      origin: PartOrigin;
      positions: ArrayLike<number> | null;
      stored: (ids: readonly string[]) => readonly StoredRecord[] | Preencoded;
    }[] = encoded === undefined
      ? recordsByOrigin(parsed, context).map(({ origin, records, positions }) => ({
        origin,
        positions,
        stored: (ids) =>
          records.map((sourced, index) =>
            storedRecordOf(
              sourced.parsed,
              context,
              receivedAt,
              sourced.line,
              sourced.offset,
              ids[index]!,
            )
          ),
      }))
      : encoded.parts.map((part) => ({
        origin: part.origin,
        positions: part.positions,
        stored: (ids) => part.withSignatures(ids, receivedAt),
      }));
    const origins = parts.map((part) => originOfPart(part.origin, context));
    const customers = origins.map((origin) => this.#customerOf(origin));
    const minerEvents = [...mined.events];
    const learned = learnedWithOrigins(
      minerEvents,
      signatureIds,
      parts,
      origins,
      customers,
      this.#contributors,
    );
    const batches = parts.map((part, index): BatchEvent => {
      const customer = customers[index];
      const origin = origins[index]!;
      const ids = part.positions === null
        ? signatureIds
        : Array.from(part.positions, (position) => signatureIds[position]!);
      return {
        type: "LogBatchIngested",
        data: {
          batchId,
          source: request.source,
          format: request.format,
          context,
          ...(customer === undefined ? {} : { customer, origin }),
          receivedAt,
          records: part.stored(ids),
          quarantined: index === 0 ? request.quarantined : [],
        },
      };
    });
    return { minerEvents, events: [...learned, ...batches], batchId };
  }

  /** Whose records these are, as the directory says on arrival, else their source's owner. */
  #customerOf(origin: Origin): string | undefined {
    const customer = this.#deps.customerOf?.(origin.owner, origin.tenant, origin.environment) ??
      origin.owner;
    return customer === "" ? undefined : customer;
  }
}

/** The origin of a part's records, as the views count them (`originOf`). */
function originOfPart(origin: PartOrigin, context: SourceContext): Origin {
  return {
    owner: origin.customer ?? context.customer ?? "",
    tenant: origin.tenant,
    environment: origin.environment ?? context.environment ?? "",
  };
}

/**
 * The miner's events, in the order it emitted them (a restore replays them
 * in that order), each naming the origin (and customer) of the first record
 * of its signature in the batch, whose key seals it, and the other origins
 * whose words it may hold (`coOrigins`): every origin the signature learned
 * from before, and the batch's other parts with lines of it. A template
 * generalized by one customer's line keeps the template it replaces and the
 * words seen so far, which may be another customer's; sealed under all of
 * their keys, forgetting any of them takes it along. Updates `contributors`.
 */
function learnedWithOrigins(
  events: readonly MinerEvent[],
  signatureIds: readonly string[],
  parts: readonly { readonly positions: ArrayLike<number> | null }[],
  origins: readonly Origin[],
  customers: readonly (string | undefined)[],
  contributors: Map<string, Map<string, Origin>>,
): NewEvent[] {
  if (events.length === 0) return [];
  const partAt = new Int32Array(signatureIds.length);
  parts.forEach((part, index) => {
    const positions = part.positions ?? [];
    for (let i = 0; i < positions.length; i++) partAt[positions[i]!] = index;
  });
  // Per signature, the parts with lines of it, the first one's first.
  const partsOf = new Map<string, Set<number>>();
  signatureIds.forEach((id, position) => {
    let seen = partsOf.get(id);
    if (seen === undefined) partsOf.set(id, seen = new Set());
    seen.add(partAt[position]!);
  });
  return events.map((event) => {
    const id = event.data.signatureId;
    const inBatch = [...(partsOf.get(id) ?? [0])];
    const part = inBatch[0]!;
    const customer = customers[part];
    const origin = origins[part]!;
    let known = contributors.get(id);
    if (known === undefined) contributors.set(id, known = new Map());
    for (const other of inBatch) known.set(originKeyOf(origins[other]!), origins[other]!);
    const ownKey = originKeyOf(origin);
    const coOrigins = [...known].filter(([key]) => key !== ownKey).map(([, o]) => o);
    if (customer === undefined) return event;
    return {
      ...event,
      data: { ...event.data, customer, origin, ...(coOrigins.length > 0 ? { coOrigins } : {}) },
    };
  });
}

/** Who each signature learned from, as its committed events name them. */
function contributorsOf(committed: readonly MinerEvent[]): Map<string, Map<string, Origin>> {
  const contributors = new Map<string, Map<string, Origin>>();
  for (const event of committed) {
    const data = event.data as { origin?: unknown; coOrigins?: unknown };
    const named = [data.origin, ...(Array.isArray(data.coOrigins) ? data.coOrigins : [])]
      .filter(isOrigin);
    if (named.length === 0) continue;
    let known = contributors.get(event.data.signatureId);
    if (known === undefined) contributors.set(event.data.signatureId, known = new Map());
    for (const origin of named) known.set(originKeyOf(origin), origin);
  }
  return contributors;
}

function isOrigin(value: unknown): value is Origin {
  const o = value as Partial<Origin> | null;
  return o !== null && typeof o === "object" && typeof o.owner === "string" &&
    typeof o.tenant === "string" && typeof o.environment === "string";
}

function originKeyOf(origin: Origin): string {
  return `${origin.owner}\u0000${origin.environment}\u0000${origin.tenant}`;
}

/** A `LogBatchIngested` as ingest writes it: its records may come encoded. */
type BatchEvent = NewEvent<
  "LogBatchIngested",
  Omit<LogBatchIngestedData, "records"> & { records: readonly StoredRecord[] | Preencoded }
>;

function recordCount(request: IngestRequest): number {
  const { records } = request;
  return Array.isArray(records) ? records.length : (records as EncodedRecords).count;
}

function receiptOf(request: IngestRequest, batchId: string, result: AppendResult): IngestReceipt {
  return {
    batchId,
    accepted: recordCount(request),
    quarantined: request.quarantined.length,
    position: result.position,
    duplicate: result.duplicate,
  };
}

function duplicateReceipt(request: IngestRequest, found: AppendResult | undefined): IngestReceipt {
  return {
    batchId: "",
    accepted: recordCount(request),
    quarantined: request.quarantined.length,
    position: found?.position ?? 0,
    duplicate: true,
  };
}
