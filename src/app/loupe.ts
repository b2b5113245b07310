import type {
  IngestReceipt,
  IngestRequest,
  LoupeApplication,
  QuarantinePage,
  ServiceStatus,
  SignatureDetail,
  SignaturePage,
  SignatureQuery,
} from "../../ports/application.ts";
import type { Clock, NewId } from "../../ports/clock.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { SignatureMiner } from "../../domain/mining/mod.ts";
import type { MinerEvent } from "../../domain/mining/miner_events.ts";
import { IngestService, type Miner } from "../ingest/service.ts";
import { Projector } from "./projector.ts";
import type { Projection } from "../projections/projection.ts";
import {
  SKIPPED_TABLE,
  type SkippedEvents,
  skippedEventsProjection,
} from "../projections/screen.ts";
import {
  type IngestTotals,
  minerLog,
  signatureProjection,
  TABLES,
} from "../projections/signatures.ts";
import { listSignatures, quarantinePage, signatureDetail } from "../signatures/queries.ts";
import { TICKET_PROJECTIONS } from "../tickets/mod.ts";
import { Attribution } from "../customers/attribution.ts";
import { type ErasureDeps, ErasureService } from "../privacy/erasure.ts";
import { CustomerService } from "../customers/service.ts";
import { customerProjection } from "../projections/customers.ts";
import { issueProjection } from "../projections/issues.ts";
import { signatureOriginProjection } from "../projections/signature_origins.ts";
import { asOfProjection } from "../projections/as_of.ts";
import { issueGroupProjection } from "../projections/issue_groups.ts";
import { kbProjection } from "../kb/projection.ts";
import { ticketWordsProjection } from "../kb/ticket_words.ts";
import { auditProjection } from "../access/audit.ts";

export interface LoupeDeps {
  readonly store: EventStore;
  readonly projectionStore: ProjectionStore;
  readonly clock: Clock;
  readonly newId: NewId;
  readonly restoreMiner?: (events: readonly MinerEvent[]) => Miner;
  readonly onProgress?: (position: number) => void;
}

/** Every projection Loupe keeps, in the order they are applied. */
export const PROJECTIONS: readonly Projection[] = [
  signatureProjection,
  signatureOriginProjection,
  customerProjection,
  issueProjection,
  ...TICKET_PROJECTIONS,
  skippedEventsProjection,
  asOfProjection,
  issueGroupProjection,
  kbProjection,
  ticketWordsProjection,
  auditProjection,
];

/** The application: ingest, projections kept up to date, and the queries on them. */
export class Loupe implements LoupeApplication {
  readonly projector: Projector;
  /** Which customer each origin of records is, as the directory says now. */
  readonly attribution: Attribution;
  readonly #deps: LoupeDeps;
  readonly #ingest: IngestService;

  private constructor(
    deps: LoupeDeps,
    projector: Projector,
    ingest: IngestService,
    attribution: Attribution,
  ) {
    this.#deps = deps;
    this.projector = projector;
    this.#ingest = ingest;
    this.attribution = attribution;
  }

  /**
   * Brings projections up to the log's head first: the miner is restored from
   * what the catalogue holds, so it must hold everything.
   */
  static async start(deps: LoupeDeps): Promise<Loupe> {
    const projector = new Projector(deps.store, deps.projectionStore, PROJECTIONS, {
      ...(deps.onProgress === undefined ? {} : { onProgress: deps.onProgress }),
    });
    await projector.catchUp();
    // Keys were deleted and the process stopped before every view was
    // rebuilt without what they sealed: rebuild now, before anything reads.
    if (erasuresPending(deps.store, deps.projectionStore)) {
      await projector.reset();
      await projector.catchUp();
      await markErasuresApplied(deps.store, deps.projectionStore);
    }
    const attribution = new Attribution(deps.projectionStore);
    const ingest = new IngestService({
      store: deps.store,
      clock: deps.clock,
      newId: deps.newId,
      restoreMiner: deps.restoreMiner ?? ((events) => SignatureMiner.restore(events)),
      committedMinerEvents: minerLog(deps.projectionStore),
      customerOf: (owner, tenant, environment) =>
        attribution.customerOf({ owner, tenant, environment }),
    });
    return new Loupe(deps, projector, ingest, attribution);
  }

  /** Acknowledged once durable and visible in every projection. */
  async ingest(request: IngestRequest): Promise<IngestReceipt> {
    const receipt = await this.#ingest.ingest(request);
    await this.projector.catchUp();
    return receipt;
  }

  /** Acknowledged once durable; projections follow on their own. */
  ingestDurably(request: IngestRequest): Promise<IngestReceipt> {
    return this.#ingest.ingest(request);
  }

  listSignatures(query: SignatureQuery): SignaturePage {
    return listSignatures(this.#deps.projectionStore, this.attribution, query);
  }

  signature(signatureId: string): SignatureDetail {
    return signatureDetail(this.#deps.projectionStore, this.attribution, signatureId);
  }

  quarantine(limit: number, offset: number): QuarantinePage {
    return quarantinePage(this.#deps.projectionStore, limit, offset);
  }

  status(): ServiceStatus {
    const reader = this.#deps.projectionStore;
    const totals = reader.get<IngestTotals>(TABLES.totals, ["all"]) ??
      { records: 0, quarantined: 0, batches: 0 };
    const head = this.#deps.store.headPosition();
    const position = this.projector.position();
    return {
      recordsIngested: totals.records,
      linesQuarantined: totals.quarantined,
      batchesIngested: totals.batches,
      signatures: reader.count(TABLES.signatures),
      storeBytes: this.#deps.store.sizeBytes(),
      headPosition: head,
      projectionPosition: position,
      projectionLag: head - position,
      skippedEvents: [...reader.range<SkippedEvents>(SKIPPED_TABLE)].map(({ value }) => ({
        reason: value.reason,
        count: value.count,
      })),
      writes: this.#deps.store.writeHealth?.() ?? { state: "ok", reason: null, since: null },
    };
  }

  /** The customer directory, writing to this Loupe's log and waiting on its projections. */
  customerService(): CustomerService {
    return new CustomerService({
      store: this.#deps.store,
      projections: this.#deps.projectionStore,
      attribution: this.attribution,
      clock: this.#deps.clock,
      settled: () => this.settled(),
    });
  }

  async settled(): Promise<void> {
    await this.projector.catchUp();
  }

  /**
   * Runs `erase` (which deletes keys: a customer forgotten, data past
   * retention) with ingest held, then rebuilds every projection and the
   * signature miner from what the log still lets read, so nothing derived
   * from the erased events remains. Resolves with `erase`'s result;
   * `rebuildIf` says from it whether anything was erased at all.
   */
  async eraseAndRebuild<T>(
    erase: () => Promise<T>,
    rebuildIf: (result: T) => boolean = () => true,
  ): Promise<T> {
    return await this.#ingest.held(async () => {
      const result = await erase();
      if (!rebuildIf(result)) return result;
      await this.rebuild();
      await markErasuresApplied(this.#deps.store, this.#deps.projectionStore);
      this.attribution.forgetCaches();
      this.#ingest.relearn(minerLog(this.#deps.projectionStore));
      return result;
    });
  }

  /** Empties every projection and rebuilds it from event position 0. */
  async rebuild(): Promise<number> {
    await this.projector.reset();
    return await this.projector.catchUp();
  }
}

/**
 * Where the views say how many of the store's key deletions they were
 * rebuilt after (its checkpoint: not an event position). Lost in a crash, it
 * costs one rebuild too many at the next start, never one too few.
 */
const ERASURES_APPLIED = "erasures-applied";

function erasuresPending(store: EventStore, projections: ProjectionStore): boolean {
  return (store.shreds?.() ?? 0) > projections.checkpoint(ERASURES_APPLIED);
}

async function markErasuresApplied(store: EventStore, projections: ProjectionStore): Promise<void> {
  const shreds = store.shreds?.() ?? 0;
  if (shreds > projections.checkpoint(ERASURES_APPLIED)) {
    await projections.commit(ERASURES_APPLIED, shreds, () => {});
  }
}

/**
 * The erasure service over a running Loupe, as `serve`, `forget` and the
 * tests wire it: the rebuild is the Loupe's own unless the caller wraps it
 * (serve also drops the services' caches after it).
 */
export function erasureOf(
  loupe: Loupe,
  deps: Pick<ErasureDeps, "store" | "clock" | "defaultRetentionDays"> & {
    readonly eraseAndRebuild?: ErasureDeps["eraseAndRebuild"];
  },
): ErasureService {
  return new ErasureService({
    ...deps,
    projectionPosition: () => loupe.projector.position(),
    directory: () => loupe.attribution.directory(),
    eraseAndRebuild: deps.eraseAndRebuild ??
      ((erase, rebuildIf) => loupe.eraseAndRebuild(erase, rebuildIf)),
  });
}
