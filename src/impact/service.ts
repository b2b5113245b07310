import { type Customer, customerWeight, TIER_DEFAULT_VALUE } from "../../domain/customers/mod.ts";
import { impactOf, propagationOf } from "../../domain/impact/mod.ts";
import { isOpenStatus, type Ticket } from "../../domain/tickets/mod.ts";
import { classifyTrend, TREND_HISTORY_HOURS } from "../../domain/trends/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import type {
  AffectedCustomer,
  CustomerImpactQuery,
  CustomerImpactReport,
  CustomerIssue,
  ImpactApi,
  SignatureImpact,
  TrendView,
} from "../../ports/impact.ts";
import type { Key, ProjectionStore } from "../../ports/projection_store.ts";
import { Pacer, runPaced } from "../../ports/pacing.ts";
import type { TicketSummary } from "../../ports/tickets.ts";
import { type AttributedOrigin, type Attribution, originKey } from "../customers/attribution.ts";
import { ENVIRONMENT_TABLES, type EnvTally } from "../projections/environment_logs.ts";
import { directoryVersion } from "../projections/customers.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import {
  autoIssueId,
  type IssueIndex,
  issueIndex,
  issueIndexVersion,
} from "../projections/issue_groups.ts";
import {
  type CatalogEntry,
  dataAsOf,
  type OriginTally,
  recentSignatures,
  TABLES,
} from "../projections/signatures.ts";
import { indexedIds, summaryOf, TICKET_TABLES } from "../projections/tickets.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";

/** Weight of a customer the directory does not have: a standard customer's. */
const UNKNOWN_WEIGHT = TIER_DEFAULT_VALUE.standard!;
/** Hours of a customer's series the trend looks at: a baseline week and the last day. */

/**
 * Impact views over the read models: everything comes from per-origin
 * rollups and the directory, never from a scan of records.
 */
export class ImpactService implements ImpactApi {
  readonly #reader: ProjectionStore;
  readonly #attribution: Attribution;
  /** Summaries for list views, by signature: see `affectedSummary`. */
  readonly #summaries = new Map<string, KeptSummary>();
  /** Set by `keepFreshInBackground`: stale summaries are then redone a slice at a time. */
  #pacer: Pacer | undefined;
  /** The background refresh under way, and whether a summary went stale since it began. */
  #refreshing: Promise<number> | undefined;
  #refreshAgain = false;
  /** Moves when the caches are dropped: a refresh under way then keeps nothing it read before. */
  #generation = 0;

  #index: { readonly version: string; readonly index: IssueIndex } | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#summaries.clear();
    this.#index = undefined;
    this.#generation++;
  }

  constructor(reader: ProjectionStore, attribution: Attribution) {
    this.#reader = reader;
    this.#attribution = attribution;
  }

  /** The latest record's time: "now" for every question about the data. */
  asOf(): number {
    return dataAsOf(this.#reader);
  }

  signatureImpact(signatureId: string, at?: number): SignatureImpact {
    const entry = this.#entry(signatureId);
    const { affected, unattributed } = this.affected(signatureId);
    const asOf = at ?? this.asOf();
    return {
      signature: { ...entry, customers: affected.length },
      asOf,
      affected,
      unattributed,
      impact: impactOf(entry.severityNumber, affected, this.#attribution.customerCount()),
      propagation: propagationOf(affected, asOf),
    };
  }

  /**
   * The customers a signature hit and its impact score, for views that list
   * many signatures (a customer's report, issues, priorities). Recomputed
   * when a new hour of data begins, a new origin logs it or the directory
   * changes; within the hour its counts may trail by that hour's lines.
   */
  affectedSummary(
    signatureId: string,
  ): { affected: AffectedCustomer[]; customers: ReadonlySet<string>; impact: number } {
    const entry = this.#reader.get<CatalogEntry>(TABLES.signatures, [signatureId]);
    return this.#summary({
      cacheKey: signatureId,
      signatureIds: [signatureId],
      severityNumber: entry?.severityNumber ?? 0,
    });
  }

  /**
   * Fills the list views' summaries for every signature at WARN or above
   * seen in the last week, so the first request of a new hour of data does
   * not pay for them. Returns how many were computed.
   */
  warm(): number {
    const { wanted, signatures } = this.#wanted();
    for (const want of wanted) {
      const key = this.#keyOf(want.signatureIds);
      if (this.#summaries.get(want.cacheKey)?.key === key) continue;
      this.#keep(want, key, finished(this.#affectedSteps(want.signatureIds)).affected);
    }
    return signatures;
  }

  /**
   * From now on a summary gone stale (a new hour of data, a new origin, a
   * changed directory) answers as it was while `refresh` works out the new
   * one in the background, a slice at a time: an issue of 200 signatures at
   * 500 origins reads 100,000 tallies, which held the event loop (and every
   * request, `/healthz` too) for a second or more. Until a summary was
   * computed once, it is computed when asked.
   */
  keepFreshInBackground(pacer: Pacer = new Pacer()): void {
    this.#pacer = pacer;
  }

  /**
   * Works out, a slice at a time, what `warm` does and every kept summary
   * gone stale; readers meanwhile get the previous ones. One runs at a time:
   * a call during one shares it (and it goes round again if a summary went
   * stale meanwhile). Resolves with how many summaries it computed.
   */
  refresh(pacer: Pacer = this.#pacer ?? new Pacer()): Promise<number> {
    if (this.#refreshing !== undefined) {
      this.#refreshAgain = true;
      return this.#refreshing;
    }
    const running = (async () => {
      let computed = 0;
      do {
        this.#refreshAgain = false;
        computed += await this.#refreshNow(pacer);
      } while (this.#refreshAgain);
      return computed;
    })().finally(() => {
      this.#refreshing = undefined;
    });
    this.#refreshing = running;
    return running;
  }

  async #refreshNow(pacer: Pacer): Promise<number> {
    const generation = this.#generation;
    const { wanted } = this.#wanted();
    const named = new Set(wanted.map((w) => w.cacheKey));
    for (const [cacheKey, kept] of this.#summaries) {
      if (!named.has(cacheKey)) wanted.push({ cacheKey, ...kept });
    }
    let computed = 0;
    for (const want of wanted) {
      await pacer.pace();
      const key = this.#keyOf(want.signatureIds);
      if (this.#summaries.get(want.cacheKey)?.key === key) continue;
      const { affected } = await runPaced(this.#affectedSteps(want.signatureIds), pacer);
      if (generation !== this.#generation) return computed;
      this.#keep(want, key, affected);
      computed++;
    }
    return computed;
  }

  /** The summaries `warm` computes: signatures at WARN or above seen in the last week, and their issues. */
  #wanted(): { wanted: Wanted[]; signatures: number } {
    const recent = recentSignatures(this.#reader, 13);
    const wanted: Wanted[] = recent.map((entry) => ({
      cacheKey: entry.signatureId,
      signatureIds: [entry.signatureId],
      severityNumber: entry.severityNumber,
    }));
    // And their issues' summaries, which the customer reports and priorities read.
    const { issueOf, members } = this.#issueIndex();
    const issues = new Set(recent.map((e) => issueOf.get(e.signatureId)));
    for (const issueId of issues) {
      if (issueId === undefined) continue;
      const entries = (members.get(issueId) ?? [])
        .map((id) => this.#reader.get<CatalogEntry>(TABLES.signatures, [id]))
        .filter((e): e is CatalogEntry => e !== undefined && e.count > 0);
      if (entries.length === 0) continue;
      const signatureIds = entries.map((e) => e.signatureId);
      wanted.push({
        cacheKey: issueCacheKey(signatureIds),
        signatureIds,
        severityNumber: Math.max(...entries.map((e) => e.severityNumber)),
      });
    }
    return { wanted, signatures: recent.length };
  }

  /** Every attributed customer a signature hit, heaviest first, and what is unattributed. */
  affected(signatureId: string): { affected: AffectedCustomer[]; unattributed: number } {
    return this.affectedOf([signatureId]);
  }

  /**
   * The customers and impact of several signatures taken together (one
   * issue's), kept like `affectedSummary`; `severityNumber` is the issue's.
   */
  issueSummary(
    signatureIds: readonly string[],
    severityNumber: number,
  ): { affected: AffectedCustomer[]; customers: ReadonlySet<string>; impact: number } {
    return this.#summary({
      cacheKey: issueCacheKey(signatureIds),
      signatureIds,
      severityNumber,
    });
  }

  /**
   * When a summary is computed again: the hour of data, the signatures'
   * origins (summed) or the directory have changed.
   */
  #keyOf(signatureIds: readonly string[]): string {
    let origins = 0;
    for (const id of signatureIds) {
      origins += this.#reader.get<CatalogEntry>(TABLES.signatures, [id])?.origins ?? 0;
    }
    return `${Math.floor(this.asOf() / HOUR_MS)}/${origins}/${directoryVersion(this.#reader)}`;
  }

  /**
   * The summary kept under `cacheKey` for the signatures, computed again when
   * it is stale (see `#keyOf`); kept fresh in the background, a stale one
   * answers until the refresh has its successor.
   */
  #summary(want: Wanted): KeptSummary {
    const key = this.#keyOf(want.signatureIds);
    const cached = this.#summaries.get(want.cacheKey);
    if (cached?.key === key) return cached;
    if (cached !== undefined && this.#pacer !== undefined) {
      this.refresh().catch((error) => console.error("Cannot refresh impact summaries:", error));
      return cached;
    }
    return this.#keep(want, key, this.affectedOf(want.signatureIds).affected);
  }

  #keep(want: Wanted, key: string, affected: AffectedCustomer[]): KeptSummary {
    const summary: KeptSummary = {
      key,
      signatureIds: want.signatureIds,
      severityNumber: want.severityNumber,
      affected,
      customers: new Set(affected.map((a) => a.customer)),
      impact: impactOf(want.severityNumber, affected, this.#attribution.customerCount()).score,
    };
    this.#summaries.set(want.cacheKey, summary);
    return summary;
  }

  /** Every attributed customer any of the signatures hit, heaviest first, and what is unattributed. */
  affectedOf(
    signatureIds: readonly string[],
  ): { affected: AffectedCustomer[]; unattributed: number } {
    return finished(this.#affectedSteps(signatureIds));
  }

  /** `affectedOf`, a step every {@linkcode TALLIES_PER_STEP} tallies. */
  *#affectedSteps(
    signatureIds: readonly string[],
  ): Generator<void, { affected: AffectedCustomer[]; unattributed: number }, void> {
    const directory = this.#attribution.directory();
    const byCustomer = new Map<
      string,
      Span & {
        environments: Map<string, number>;
        versions: Map<string, { count: number; firstSeen: number }>;
      }
    >();
    let unattributed = 0;
    for (const signatureId of signatureIds) {
      // A page of tallies a step, each page read whole: no iterator outlives a step.
      let after: Key | undefined;
      for (let full = true; full;) {
        yield;
        const page = [
          ...this.#reader.range<OriginTally>(TABLES.byOrigin, {
            prefix: [signatureId],
            ...(after === undefined ? {} : { start: after }),
            limit: TALLIES_PER_STEP + 1,
          }),
        ];
        full = page.length === TALLIES_PER_STEP + 1;
        const tallies = after === undefined ? page : page.slice(1);
        after = page[page.length - 1]?.key;
        for (const { key, value } of tallies) {
          const environment = String(key[3]);
          const customer = directory.customerOf(String(key[1]), String(key[2]), environment);
          if (customer === null) {
            unattributed += value.count;
            continue;
          }
          const at = addSpan(byCustomer, customer, value, () => ({
            environments: new Map(),
            versions: new Map(),
          }));
          at.environments.set(
            environment,
            Math.min(at.environments.get(environment) ?? Infinity, value.firstSeen),
          );
          for (const [version, count, firstSeen] of value.versions) {
            const v = at.versions.get(version);
            at.versions.set(version, {
              count: (v?.count ?? 0) + count,
              firstSeen: Math.min(v?.firstSeen ?? Infinity, firstSeen),
            });
          }
        }
      }
    }
    const affected = [...byCustomer].map(([customer, at]): AffectedCustomer => {
      const known = directory.customer(customer);
      return {
        customer,
        name: known?.name ?? null,
        tier: known?.tier ?? null,
        weight: known === undefined ? UNKNOWN_WEIGHT : customerWeight(known),
        count: at.count,
        firstSeen: at.firstSeen,
        lastSeen: at.lastSeen,
        environments: [...at.environments].map(([environment, firstSeen]) => ({
          environment,
          firstSeen,
        })).sort((a, b) => a.firstSeen - b.firstSeen),
        versions: [...at.versions].map(([version, v]) => ({ version, ...v }))
          .sort((a, b) => a.firstSeen - b.firstSeen),
      };
    }).sort((a, b) =>
      b.weight - a.weight || b.count - a.count || (a.customer < b.customer ? -1 : 1)
    );
    return { affected, unattributed };
  }

  customerImpact(customerId: string, query: CustomerImpactQuery): CustomerImpactReport {
    const directory = this.#attribution.directory();
    const origins = this.#attribution.originsOf(customerId);
    const known = directory.customer(customerId);
    if (known === undefined && origins.length === 0) {
      throw new LoupeError("not_found", `Cannot find customer ${customerId}`);
    }
    const customer: Customer = known ?? {
      customerId,
      name: customerId,
      tier: "unknown",
      contractValue: null,
      weight: UNKNOWN_WEIGHT,
      region: null,
      deploymentModel: "single-tenant",
      environments: [],
      tenantId: null,
      primaryContact: null,
      primaryEmail: null,
    };
    const asOf = query.asOf ?? this.asOf();
    const tickets = indexedIds(this.#reader, "customer", customerId)
      .map((id) => this.#reader.get<Ticket>(TICKET_TABLES.tickets, [id]))
      .filter((t): t is Ticket => t !== undefined);
    const issues: CustomerIssue[] = [];
    const { issueOf, members } = this.#issueIndex();
    // The customer's signatures, gathered into the issues they belong to.
    const byIssue = new Map<string, string[]>();
    const own = this.#customerSignatures(origins);
    for (const signatureId of own.keys()) {
      const issueId = issueOf.get(signatureId) ?? autoIssueId(signatureId);
      const list = byIssue.get(issueId);
      if (list === undefined) byIssue.set(issueId, [signatureId]);
      else list.push(signatureId);
    }
    for (const [issueId, hitting] of byIssue) {
      // The whole issue, as /v1/issues counts it: its signatures with lines.
      const entries = (members.get(issueId) ?? hitting)
        .map((id) => this.#reader.get<CatalogEntry>(TABLES.signatures, [id]))
        .filter((e): e is CatalogEntry => e !== undefined && e.count > 0);
      if (entries.length === 0) continue;
      const severityNumber = Math.max(...entries.map((e) => e.severityNumber));
      if (severityNumber < query.minSeverity) continue;
      const busiest = busiestOf(entries);
      const ids = entries.map((e) => e.signatureId);
      const mine = hitting.map((id) => ({ id, ...own.get(id)! }))
        .sort((a, b) => b.count - a.count || (a.id < b.id ? -1 : 1));
      const series = this.#series(hitting, origins, asOf);
      const linked = tickets.filter((t) => t.signatures.some((id) => ids.includes(id)));
      const summary = this.issueSummary(ids, severityNumber);
      issues.push({
        issueId,
        signatureId: busiest.signatureId,
        signatureIds: mine.map((m) => m.id),
        template: busiest.template,
        severityNumber,
        count: mine.reduce((sum, m) => sum + m.count, 0),
        firstSeen: Math.min(...mine.map((m) => m.firstSeen)),
        lastSeen: Math.max(...mine.map((m) => m.lastSeen)),
        last24h: series.last24h,
        last7d: series.last7d,
        environments: [...new Set(mine.flatMap((m) => [...m.environments]))].sort(),
        versions: [...new Set(mine.flatMap((m) => [...m.versions]))].filter((v) => v !== "")
          .sort(),
        trend: series.trend,
        otherCustomers: summary.affected.length - (summary.customers.has(customerId) ? 1 : 0),
        impact: summary.impact,
        tickets: linked.map(summaryOf),
      });
    }
    // Still active first, then the worst, then the most frequent.
    issues.sort((a, b) =>
      Number(b.last24h > 0) - Number(a.last24h > 0) || b.severityNumber - a.severityNumber ||
      b.count - a.count || (a.issueId < b.issueId ? -1 : 1)
    );
    return {
      customer: { ...customer, weightUsed: customerWeight(customer) },
      asOf,
      environments: this.#environmentsOf(origins),
      openTickets: tickets.filter((t) => isOpenStatus(t.status)).map(summaryOf)
        .sort((a: TicketSummary, b: TicketSummary) => b.openedAt - a.openedAt),
      issues: issues.slice(0, query.limit),
    };
  }

  /** Signature -> issue and issue -> signatures, rebuilt when a signature or a correction arrives. */
  #issueIndex(): IssueIndex {
    const version = issueIndexVersion(this.#reader);
    if (this.#index?.version !== version) {
      this.#index = { version, index: issueIndex(this.#reader) };
    }
    return this.#index.index;
  }

  #entry(signatureId: string): CatalogEntry {
    const entry = this.#reader.get<CatalogEntry>(TABLES.signatures, [signatureId]);
    if (entry === undefined) {
      throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
    }
    return entry;
  }

  /** The customer's counts per signature over its origins. */
  #customerSignatures(origins: readonly AttributedOrigin[]) {
    const own = new Map<
      string,
      Span & {
        environments: Set<string>;
        versions: Set<string>;
      }
    >();
    for (const origin of origins) {
      const key = originKey(origin);
      for (const { key: found } of this.#reader.range(TABLES.originSignatures, { prefix: key })) {
        const signatureId = String(found[3]);
        const tally = this.#reader.get<OriginTally>(TABLES.byOrigin, [signatureId, ...key]);
        if (tally === undefined) continue;
        const at = addSpan(own, signatureId, tally, () => ({
          environments: new Set<string>(),
          versions: new Set<string>(),
        }));
        at.environments.add(origin.environment);
        for (const [version] of tally.versions) at.versions.add(version);
      }
    }
    return own;
  }

  /** The customer's hourly counts of signatures (one issue's, summed) over the trend's hours, and its verdict. */
  #series(signatureIds: readonly string[], origins: readonly AttributedOrigin[], asOf: number) {
    const underWay = Math.floor(asOf / HOUR_MS) * HOUR_MS;
    // The counts run to the latest record; the verdict, as the signature's own,
    // judges complete hours only.
    const end = underWay + HOUR_MS;
    const dataSince = Math.min(...origins.map((o) => o.firstSeen));
    const start = Math.max(
      underWay - TREND_HISTORY_HOURS * HOUR_MS,
      Math.floor(dataSince / HOUR_MS) * HOUR_MS,
    );
    const counts = new Array<number>(Math.max(0, (end - start) / HOUR_MS)).fill(0);
    for (const signatureId of signatureIds) {
      for (const origin of origins) {
        const prefix = [signatureId, ...originKey(origin)];
        for (const [hour, n] of hourCounts(this.#reader, TABLES.hourly, prefix, start, end)) {
          counts[(hour - start) / HOUR_MS]! += n;
        }
      }
    }
    let last24h = 0;
    let last7d = 0;
    counts.forEach((n, i) => {
      const hour = start + i * HOUR_MS;
      if (hour >= end - DAY_MS) last24h += n;
      if (hour >= end - 7 * DAY_MS) last7d += n;
    });
    const verdict = classifyTrend({ start, counts: counts.slice(0, -1) }, { now: underWay });
    const trend: TrendView = {
      class: verdict.class,
      reason: verdict.reason,
      ratio: verdict.ratio,
      pValue: verdict.pValue,
    };
    return { last24h, last7d, trend };
  }

  #environmentsOf(origins: readonly AttributedOrigin[]) {
    const byEnvironment = new Map<
      string,
      { version: string | null; at: number; lastSeen: number }
    >();
    for (const origin of origins) {
      const at = byEnvironment.get(origin.environment) ??
        { version: null, at: -Infinity, lastSeen: -Infinity };
      at.lastSeen = Math.max(at.lastSeen, origin.lastSeen);
      for (
        const { key, value } of this.#reader.range<EnvTally>(ENVIRONMENT_TABLES.versions, {
          prefix: originKey(origin),
        })
      ) {
        const version = String(key[3]);
        if (version !== "" && value.lastSeen >= at.at) {
          at.version = version;
          at.at = value.lastSeen;
        }
      }
      byEnvironment.set(origin.environment, at);
    }
    return [...byEnvironment].map(([environment, v]) => ({
      environment,
      version: v.version,
      lastSeen: v.lastSeen,
    })).sort((a, b) => (a.environment < b.environment ? -1 : 1));
  }
}

/** Origin tallies read between two steps of a summary: well under a millisecond's work. */
const TALLIES_PER_STEP = 64;

/** What a list view reads of the customers some signatures hit, kept with what it was computed from. */
interface KeptSummary {
  readonly key: string;
  readonly signatureIds: readonly string[];
  readonly severityNumber: number;
  readonly affected: AffectedCustomer[];
  readonly customers: ReadonlySet<string>;
  readonly impact: number;
}

/** A summary to keep: under which name, of which signatures, at which severity. */
interface Wanted {
  readonly cacheKey: string;
  readonly signatureIds: readonly string[];
  readonly severityNumber: number;
}

function issueCacheKey(signatureIds: readonly string[]): string {
  return `issue:${signatureIds.join(",")}`;
}

/** Runs steps to their end in one go. */
function finished<T>(steps: Generator<void, T, void>): T {
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Lines and when they were first and last seen, summed over tallies. */
interface Span {
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/**
 * Adds `tally`'s lines and times to the sum kept for `key` in `sums`, which
 * starts with `rest()` on the key's first tally; returns the sum.
 */
function addSpan<Rest extends object>(
  sums: Map<string, Span & Rest>,
  key: string,
  tally: Readonly<Span>,
  rest: () => Rest,
): Span & Rest {
  let at = sums.get(key);
  if (at === undefined) {
    at = { count: 0, firstSeen: Infinity, lastSeen: -Infinity, ...rest() };
    sums.set(key, at);
  }
  at.count += tally.count;
  at.firstSeen = Math.min(at.firstSeen, tally.firstSeen);
  at.lastSeen = Math.max(at.lastSeen, tally.lastSeen);
  return at;
}

/** The signature an issue is named and templated by: its most frequent (as /v1/issues says). */
function busiestOf(entries: readonly CatalogEntry[]): CatalogEntry {
  return [...entries].sort((a, b) =>
    b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1)
  )[0]!;
}
