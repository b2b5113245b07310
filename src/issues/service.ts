import {
  type AsOf,
  ISSUE_MIN_SEVERITY,
  lifecycleOfSpans,
  mergeSpans,
  type OriginLines,
  RESOLVED_AFTER_MS,
  type Span,
  type UpgradeVerdict,
  upgradeVerdict,
  type UpgradeWindow,
  upgradeWindowAt,
} from "../../domain/issues/mod.ts";
import {
  type IssueCorrection,
  ISSUES_STREAM,
  type IssuesMerged,
  type IssueSplit,
} from "../../domain/events.ts";
import { type Priority, rankPriorities, type SupportCost } from "../../domain/priorities/mod.ts";
import type { Ticket } from "../../domain/tickets/mod.ts";
import { isOpenStatus } from "../../domain/tickets/mod.ts";
import type { Clock } from "../../ports/clock.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type {
  IssueApi,
  IssueCorrectionReceipt,
  IssueDetail,
  IssueDetection,
  IssueFacet,
  IssueQuery,
  IssueSignature,
  IssueView,
} from "../../ports/issues.ts";
import { compareKeys, type ProjectionStore } from "../../ports/projection_store.ts";
import type { Attribution } from "../customers/attribution.ts";
import type { ImpactService } from "../impact/service.ts";
import { asOfInfo } from "../projections/as_of.ts";
import {
  ENVIRONMENT_TABLES,
  environmentLogProjection,
  type EnvTally,
} from "../projections/environment_logs.ts";
import {
  originFirstRows,
  signatureOriginProjection,
  spansOf,
} from "../projections/signature_origins.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import {
  autoIssueId,
  baseIssueOf,
  type Facet,
  firstLineTokens,
  ISSUE_GROUP_TABLES,
  type IssueIndex,
  issueIndex,
  issueIndexVersion,
  resolveIssue,
} from "../projections/issue_groups.ts";
import { type DetectedIssue, ISSUE_TABLES } from "../projections/issues.ts";
import {
  type CatalogEntry,
  dataAsOf,
  type IngestTotals,
  type OriginTally,
  signatureProjection,
  TABLES,
} from "../projections/signatures.ts";
import { summaryOf, TICKET_TABLES } from "../projections/tickets.ts";
import type { TrendService } from "../trends/service.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";

/** Issues ranked for engineering: seen within this long of "as of". */
const PRIORITY_WINDOW_MS = 30 * DAY_MS;
/** Facet values listed per position. */
const FACET_VALUES_SHOWN = 10;

/** Writing a person's corrections: absent where the service only reads (reports). */
export interface IssueCommands {
  readonly store: EventStore;
  readonly clock: Clock;
  /** Resolves when projections include everything appended so far. */
  readonly settled: () => Promise<void>;
}

/**
 * Issues: the signatures of one problem, with who they hit, how they trend,
 * when they were detected and where they stand; and what engineering should
 * fix first. Every answer is per issue; signatures stay reachable under it.
 */
export class IssueService implements IssueApi {
  readonly #reader: ProjectionStore;
  readonly #attribution: Attribution;
  readonly #impact: ImpactService;
  readonly #trends: TrendService;
  readonly #commands: IssueCommands | undefined;
  #index: { key: string; index: IssueIndex } | undefined;
  #detectionCache: { count: number; bySignature: Map<string, DetectedIssue[]> } | undefined;
  #windows: { at: number; byOrigin: ReadonlyMap<string, readonly UpgradeWindow[]> } | undefined;
  #verdicts: { at: string; bySignatures: Map<string, UpgradeVerdict> } | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#index = undefined;
    this.#detectionCache = undefined;
    this.#windows = undefined;
    this.#verdicts = undefined;
  }

  constructor(
    reader: ProjectionStore,
    attribution: Attribution,
    impact: ImpactService,
    trends: TrendService,
    commands?: IssueCommands,
  ) {
    this.#reader = reader;
    this.#attribution = attribution;
    this.#impact = impact;
    this.#trends = trends;
    this.#commands = commands;
  }

  asOfInfo(): AsOf {
    const totals = this.#reader.get<IngestTotals>(TABLES.totals, ["all"]);
    const info = asOfInfo(this.#reader, totals?.records ?? 0);
    return info.asOf === 0 ? { ...info, asOf: dataAsOf(this.#reader) } : info;
  }

  /** Signature -> issue and issue -> signatures, rebuilt when a signature or a correction arrives. */
  index(): IssueIndex {
    const key = issueIndexVersion(this.#reader);
    if (this.#index?.key === key) return this.#index.index;
    const index = issueIndex(this.#reader);
    this.#index = { key, index };
    return index;
  }

  issueOfSignature(signatureId: string): string {
    const issueId = this.index().issueOf.get(signatureId);
    if (issueId !== undefined) return issueId;
    if (this.#reader.get(TABLES.signatures, [signatureId]) === undefined) {
      throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
    }
    return autoIssueId(signatureId);
  }

  issues(query: IssueQuery): { total: number; items: IssueView[] } {
    const asOf = query.asOf ?? this.asOfInfo().asOf;
    const { issueOf } = this.index();
    const seen = new Set<string>();
    const matching: { issueId: string; detectedAt: number }[] = [];
    // What the filters ask of every issue; the whole view only of those on the page.
    for (const { key } of this.#reader.range(ISSUE_TABLES.byTime, { reverse: true })) {
      if (Number(key[0]) > asOf) continue;
      const detected = this.#reader.get<DetectedIssue>(ISSUE_TABLES.issues, [String(key[1])]);
      if (detected === undefined) continue;
      const issueId = issueOf.get(detected.signatureId) ?? autoIssueId(detected.signatureId);
      if (seen.has(issueId)) continue;
      seen.add(issueId);
      const facts = this.#facts(issueId, asOf);
      if (facts === undefined) continue;
      const { detection } = facts;
      if (detection === null) continue;
      if (query.kind !== undefined && detection.kind !== query.kind) continue;
      if (query.includeUpgradeNoise !== true && this.#upgrade(facts.signatureIds).noise) continue;
      if (query.status !== undefined && !statusMatches(facts.status(), query.status)) continue;
      if (
        query.customer !== undefined &&
        !this.#impact.issueSummary(facts.signatureIds, facts.severityNumber).customers.has(
          query.customer,
        )
      ) {
        continue;
      }
      matching.push({ issueId, detectedAt: detection.detectedAt });
    }
    // Newest detection first; ties by id so pages never overlap.
    matching.sort((a, b) => b.detectedAt - a.detectedAt || (a.issueId < b.issueId ? -1 : 1));
    return {
      total: matching.length,
      items: matching.slice(query.offset, query.offset + query.limit)
        .map(({ issueId }) => this.#view(issueId, asOf)!),
    };
  }

  issue(issueId: string, asOf?: number): IssueDetail {
    const at = asOf ?? this.asOfInfo().asOf;
    // A merged issue's id answers as the issue it joined.
    const view = this.#view(resolveIssue(this.#reader, issueId), at);
    if (view === undefined) throw new LoupeError("not_found", `Cannot find issue ${issueId}`);
    const ids = view.signatures.map((s) => s.signatureId);
    return {
      ...view,
      facets: this.#facets(view),
      trend: this.#trends.trendOf(ids, at),
      versions: this.#trends.versionsOf(ids),
    };
  }

  priorities(limit: number, minSeverity = 17, asOf?: number): { asOf: number; items: Priority[] } {
    const at = asOf ?? this.asOfInfo().asOf;
    const { members } = this.index();
    const inputs = [];
    for (const [issueId, signatureIds] of members) {
      const entries = this.#entries(signatureIds);
      const severityNumber = Math.max(0, ...entries.map((e) => e.severityNumber));
      if (severityNumber < Math.max(minSeverity, ISSUE_MIN_SEVERITY)) continue;
      const counted = entries.filter((e) => e.count > 0);
      if (counted.length === 0) continue;
      const firstSeen = Math.min(...counted.map((e) => e.firstSeen ?? Infinity));
      const lastSeen = Math.max(...counted.map((e) => e.lastSeen ?? -Infinity));
      if (firstSeen > at) continue;
      if (lastSeen < at - PRIORITY_WINDOW_MS) continue;
      const ids = counted.map((e) => e.signatureId);
      if (this.#upgrade(ids).noise) continue;
      const { affected, impact } = this.#impact.issueSummary(ids, severityNumber);
      const trend = this.#trends.trendOf(ids, at);
      const busiest = busiestOf(counted);
      inputs.push({
        issueId,
        signatures: ids.length,
        signatureId: busiest.signatureId,
        template: busiest.template,
        severityNumber,
        impact,
        customers: affected.length,
        trend: trend.class,
        trendReason: trend.reason,
        cost: supportCost(this.#linkedTickets(ids), at),
      });
    }
    return { asOf: at, items: rankPriorities(inputs).slice(0, limit) };
  }

  async merge(
    issueId: string,
    merged: readonly string[],
    by: string | null,
  ): Promise<IssueCorrectionReceipt> {
    const commands = this.#writer();
    await commands.settled();
    const target = this.#existing(issueId);
    const sources = [...new Set(merged)];
    if (sources.length === 0) {
      throw new LoupeError("validation_failed", "Cannot merge: name the issues to merge", {
        field: "issue_ids",
      });
    }
    for (const source of sources) {
      const into = this.#existing(source);
      if (into === target) {
        throw new LoupeError(
          "conflict",
          `Cannot merge issue ${source} into ${issueId}: it is the same issue`,
          {
            issue_id: source,
          },
        );
      }
    }
    const event: IssuesMerged = {
      type: "IssuesMerged",
      data: { issueId: target, merged: sources, by, at: commands.clock.now() },
    };
    return await this.#append(event, target);
  }

  async split(
    issueId: string,
    signatureIds: readonly string[],
    by: string | null,
  ): Promise<IssueCorrectionReceipt> {
    const commands = this.#writer();
    await commands.settled();
    const target = this.#existing(issueId);
    const members = this.index().members.get(target) ?? [];
    const named = [...new Set(signatureIds)];
    for (const signatureId of named) {
      if (!members.includes(signatureId)) {
        throw new LoupeError(
          "validation_failed",
          `Cannot split signature ${signatureId} off issue ${target}: it is not part of it`,
          { signature_id: signatureId },
        );
      }
    }
    if (named.length === 0) {
      const mergedIn = [...this.#reader.range<string>(ISSUE_GROUP_TABLES.aliases)]
        .some((a) => a.value === target);
      if (!mergedIn) {
        throw new LoupeError(
          "conflict",
          `Cannot split issue ${target}: nothing was merged into it; name the signature_ids to split off`,
        );
      }
    } else if (named.length === members.length) {
      throw new LoupeError(
        "validation_failed",
        `Cannot split every signature off issue ${target}: at least one must stay`,
        { field: "signature_ids" },
      );
    }
    const event: IssueSplit = {
      type: "IssueSplit",
      data: { issueId: target, signatureIds: named, by, at: commands.clock.now() },
    };
    return await this.#append(event, target);
  }

  async #append(event: IssueCorrection, issueId: string): Promise<IssueCorrectionReceipt> {
    const commands = this.#writer();
    const result = await commands.store.append(ISSUES_STREAM, [event], { expectedVersion: "any" });
    await commands.settled();
    const view = this.#view(resolveIssue(this.#reader, issueId), this.asOfInfo().asOf);
    if (view === undefined) throw new LoupeError("not_found", `Cannot find issue ${issueId}`);
    return { issue: view, position: result.position };
  }

  #writer(): IssueCommands {
    if (this.#commands === undefined) {
      throw new LoupeError("unavailable", "Cannot correct issues: this service only reads");
    }
    return this.#commands;
  }

  /** The issue an id names now (a merged one names the issue it joined); not_found otherwise. */
  #existing(issueId: string): string {
    const resolved = resolveIssue(this.#reader, issueId);
    if (!this.index().members.has(resolved)) {
      throw new LoupeError("not_found", `Cannot find issue ${issueId}`, { issue_id: issueId });
    }
    return resolved;
  }

  #entries(signatureIds: readonly string[]): CatalogEntry[] {
    return signatureIds.map((id) => this.#reader.get<CatalogEntry>(TABLES.signatures, [id]))
      .filter((e): e is CatalogEntry => e !== undefined);
  }

  #linkedTickets(signatureIds: readonly string[]): Ticket[] {
    const ids = new Set<string>();
    for (const signatureId of signatureIds) {
      for (
        const { key } of this.#reader.range(TICKET_TABLES.signatureTickets, {
          prefix: [signatureId],
        })
      ) ids.add(String(key[1]));
    }
    return [...ids].sort()
      .map((id) => this.#reader.get<Ticket>(TICKET_TABLES.tickets, [id]))
      .filter((t): t is Ticket => t !== undefined);
  }

  /**
   * What the list filters an issue by, as its view says it (see #view):
   * its detection, severity and, when asked, its status.
   */
  #facts(issueId: string, asOf: number) {
    const signatureIds = this.index().members.get(issueId);
    if (signatureIds === undefined) return undefined;
    const entries = this.#entries(signatureIds);
    if (entries.length === 0) return undefined;
    const firstSeen = Math.min(...entries.map((e) => e.firstSeen ?? Infinity));
    return {
      signatureIds,
      severityNumber: Math.max(0, ...entries.map((e) => e.severityNumber)),
      detection: this.#detection(signatureIds, firstSeen, asOf),
      status: () => this.#occurrences(signatureIds, entries, asOf).status,
    };
  }

  #view(issueId: string, asOf: number): IssueView | undefined {
    const signatureIds = this.index().members.get(issueId);
    if (signatureIds === undefined) return undefined;
    const entries = this.#entries(signatureIds);
    if (entries.length === 0) return undefined;
    const busiest = busiestOf(entries);
    const severityNumber = Math.max(0, ...entries.map((e) => e.severityNumber));
    const { count, lastHour, status } = this.#occurrences(signatureIds, entries, asOf);
    const firstSeen = Math.min(...entries.map((e) => e.firstSeen ?? Infinity));
    const lastSeen = Math.min(
      asOf,
      Math.max(...entries.map((e) => e.lastSeen ?? -Infinity)),
      lastHour + HOUR_MS - 1,
    );
    const upgrade = this.#upgrade(signatureIds);
    const { affected, impact } = this.#impact.issueSummary(signatureIds, severityNumber);
    const signatures: IssueSignature[] = entries.map((e) => ({
      signatureId: e.signatureId,
      template: e.template,
      severityNumber: e.severityNumber,
      count: e.count,
    })).sort((a, b) => b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1));
    const roots = new Set(signatureIds.map((id) => this.#root(id)));
    const reasons = [...roots].flatMap((root) =>
      this.#reader.get<string[]>(ISSUE_GROUP_TABLES.reasons, [root]) ?? []
    );
    const mergeReasons = [...new Set(reasons)];
    if (roots.size > 1 || signatureIds.some((id) => baseIssueOf(this.#reader, id) !== issueId)) {
      mergeReasons.push("merged by a person");
    }
    return {
      issueId,
      signatureId: busiest.signatureId,
      template: busiest.template,
      severityNumber,
      signatures,
      mergeReasons,
      count,
      firstSeen,
      lastSeen,
      detection: this.#detection(signatureIds, firstSeen, asOf),
      status,
      upgradeNoise: upgrade.noise,
      upgradeNote: upgrade.note,
      affected,
      impact,
      tickets: this.#linkedTickets(signatureIds).map(summaryOf),
      asOf,
    };
  }

  #root(signatureId: string): string {
    let at = signatureId;
    for (let steps = 0; steps < 10_000; steps++) {
      const up = this.#reader.get<{ parent: string }>(ISSUE_GROUP_TABLES.signatures, [at])
        ?.parent;
      if (up === undefined || up === at) return at;
      at = up;
    }
    return at;
  }

  /**
   * The issue's lines up to "as of", the start of the last hour with one
   * (-Infinity for none) and its status, from the catalogue's counts and the
   * runs of hours its signatures logged in. When "as of" is before some of
   * its lines, a signature's lines are counted from the nearer end of its
   * hours, and the last hour is looked for only within a quiet day of "as
   * of": reading every hour of an issue over a year is thousands of rows.
   */
  #occurrences(
    signatureIds: readonly string[],
    entries: readonly CatalogEntry[],
    asOf: number,
  ): { count: number; lastHour: number; status: IssueView["status"] } {
    const spans = mergeSpans(signatureIds.flatMap((id) => spansOf(this.#reader, id)));
    let count = 0;
    for (const e of entries) {
      if (e.firstSeen === null || e.lastSeen === null) continue;
      // An hour counts when it begins by "as of", as the hours' rows are read.
      const first = Math.floor(e.firstSeen / HOUR_MS) * HOUR_MS;
      const last = Math.floor(e.lastSeen / HOUR_MS) * HOUR_MS;
      if (last <= asOf) count += e.count;
      else if (first > asOf) continue;
      else if (asOf - first <= last - asOf) {
        for (
          const [, n] of hourCounts(
            this.#reader,
            TABLES.hourlyTotal,
            [e.signatureId],
            first,
            asOf + 1,
          )
        ) {
          count += n;
        }
      } else {
        let after = e.count;
        for (
          const [, n] of hourCounts(this.#reader, TABLES.hourlyTotal, [e.signatureId], asOf + 1)
        ) {
          after -= n;
        }
        count += after;
      }
    }
    // Runs are cut by a quiet day: those begun by "as of" are its runs, but
    // for the last, which may go on past it.
    const runs = spans.filter(([start]) => start <= asOf).map(([a, b]): Span => [a, b]);
    const open = runs[runs.length - 1];
    if (open !== undefined && open[1] > asOf) {
      // Its next hour after "as of" is within a quiet day of its last one before.
      const from = Math.max(open[0], Math.floor(asOf / HOUR_MS) * HOUR_MS - RESOLVED_AFTER_MS);
      let lastHour = -Infinity;
      for (const signatureId of signatureIds) {
        for (
          const [hour, n] of hourCounts(
            this.#reader,
            TABLES.hourlyTotal,
            [signatureId],
            from,
            asOf + 1,
          )
        ) {
          if (n > 0 && hour > lastHour) lastHour = hour;
        }
      }
      runs[runs.length - 1] = [open[0], lastHour];
    }
    return {
      count,
      lastHour: runs.length === 0 ? -Infinity : runs[runs.length - 1]![1],
      status: lifecycleOfSpans(runs, asOf),
    };
  }

  /**
   * The issue's detection: the earliest of its signatures' detections up to
   * "as of". A signature new in itself but of an issue seen before (one more
   * fragment of a known problem) does not make the issue new.
   */
  #detection(
    signatureIds: readonly string[],
    firstSeen: number,
    asOf: number,
  ): IssueDetection | null {
    let best: IssueDetection | null = null;
    const issueFirstHour = Math.floor(firstSeen / HOUR_MS) * HOUR_MS;
    const detections = this.#detections();
    for (const signatureId of signatureIds) {
      for (const value of detections.get(signatureId) ?? []) {
        if (value.detectedAt > asOf) continue;
        if (value.kind === "new" && value.detectedAt >= issueFirstHour + HOUR_MS) continue;
        if (best === null || value.detectedAt < best.detectedAt) {
          best = { kind: value.kind, reason: value.reason, detectedAt: value.detectedAt };
        }
      }
    }
    return best;
  }

  /** Signature -> its detections, read again when a detection is added. */
  #detections(): Map<string, DetectedIssue[]> {
    const count = this.#reader.count(ISSUE_TABLES.issues);
    if (this.#detectionCache?.count === count) return this.#detectionCache.bySignature;
    const bySignature = new Map<string, DetectedIssue[]>();
    for (const { value } of this.#reader.range<DetectedIssue>(ISSUE_TABLES.issues)) {
      const list = bySignature.get(value.signatureId);
      if (list === undefined) bySignature.set(value.signatureId, [value]);
      else list.push(value);
    }
    this.#detectionCache = { count, bySignature };
    return bySignature;
  }

  /**
   * Whether every line of the issue fell in an upgrade window of its
   * environment. Ranges over the origins of its signatures and their first
   * lines (one row a signature); an origin's last line and hours are read
   * only where they can change the verdict.
   */
  #upgrade(signatureIds: readonly string[]): UpgradeVerdict {
    const windowsByKey = this.#upgradeWindows();
    if (windowsByKey.size === 0) return { noise: false, note: null };
    // Kept while no projection it reads has moved: a page asks it of the same issue more than once.
    const at = `${windowsByKey.size}/${this.#reader.checkpoint(signatureProjection.name)}/${
      this.#reader.checkpoint(signatureOriginProjection.name)
    }/${this.#reader.checkpoint(environmentLogProjection.name)}`;
    if (this.#verdicts?.at !== at) this.#verdicts = { at, bySignatures: new Map() };
    const cacheKey = signatureIds.join("\n");
    const cached = this.#verdicts.bySignatures.get(cacheKey);
    if (cached !== undefined) return cached;
    const verdict = this.#upgradeNow(signatureIds, windowsByKey);
    this.#verdicts.bySignatures.set(cacheKey, verdict);
    return verdict;
  }

  #upgradeNow(
    signatureIds: readonly string[],
    windowsByKey: ReadonlyMap<string, readonly UpgradeWindow[]>,
  ): UpgradeVerdict {
    /** Origin -> its key, first line and the first of the issue's signatures that logged there. */
    const byOrigin = new Map<
      string,
      { key: readonly string[]; firstSeen: number; since: number; sigs: string[] }
    >();
    const rows = signatureIds.map((signatureId) => originFirstRows(this.#reader, signatureId));
    rows.forEach((pages, since) => {
      for (const row of pages) {
        for (let i = 0; i + 3 < row.length; i += 4) {
          const id = `${row[i]}/${row[i + 1]}/${row[i + 2]}`;
          const firstSeen = row[i + 3] as number;
          const at = byOrigin.get(id);
          if (at === undefined) {
            const key = [String(row[i]), String(row[i + 1]), String(row[i + 2])];
            byOrigin.set(id, { key, firstSeen, since, sigs: [] });
          } else {
            if (firstSeen < at.firstSeen) at.firstSeen = firstSeen;
            if (since === at.since && compareKeys(row.slice(i, i + 3) as string[], at.key) < 0) {
              // Two origins one id names: the first in key order names it, as a scan in key order did.
              at.key = row.slice(i, i + 3) as string[];
            }
          }
        }
      }
    });
    const windows = new Map<string, readonly UpgradeWindow[]>();
    for (const [origin, { key }] of byOrigin) {
      const own = windowsByKey.get(key.join("\u0000"));
      if (own !== undefined) windows.set(origin, own);
    }
    if (windows.size === 0) return { noise: false, note: null };
    // Origins whose first line fell in a window first, in the order of their
    // signatures and then of their keys (the note names the first that
    // persisted); the verdict only counts the others.
    const origins = [...byOrigin];
    const inWindow = origins.filter(([origin, { firstSeen }]) =>
      upgradeWindowAt(windows.get(origin) ?? [], firstSeen) !== undefined
    ).sort(([, a], [, b]) => a.since - b.since || compareKeys(a.key, b.key));
    const ordered = inWindow.length === 0
      ? origins
      : [...inWindow, ...origins.filter(([, at]) => !inWindow.some(([, o]) => o === at))];
    // The signatures that logged at each origin whose last line and hours the verdict may read.
    const candidates = new Set(inWindow.map(([origin]) => origin));
    rows.forEach((pages, index) => {
      for (const row of pages) {
        for (let i = 0; i + 3 < row.length && candidates.size > 0; i += 4) {
          const id = `${row[i]}/${row[i + 1]}/${row[i + 2]}`;
          if (candidates.has(id)) byOrigin.get(id)!.sigs.push(signatureIds[index]!);
        }
      }
    });
    const reader = this.#reader;
    const lines: OriginLines[] = ordered.map(([origin, { key, firstSeen, sigs }]) => ({
      origin,
      // Read only if the verdict needs them (see OriginLines): the issues list asks this of every issue.
      hours: {
        *[Symbol.iterator]() {
          for (const signatureId of sigs) {
            for (const [hour] of hourCounts(reader, TABLES.hourly, [signatureId, ...key])) {
              yield hour;
            }
          }
        },
      },
      firstSeen,
      lastSeen: () =>
        Math.max(
          ...sigs.map((signatureId) =>
            reader.get<OriginTally>(TABLES.byOrigin, [signatureId, ...key])?.lastSeen ??
              -Infinity
          ),
        ),
    }));
    return upgradeVerdict(lines, windows);
  }

  /**
   * Every origin's upgrade windows: when each version after the first began
   * there (versions a handful of stray lines name left out); origins without
   * one are absent. Kept until the environments' projection moves.
   */
  #upgradeWindows(): ReadonlyMap<string, readonly UpgradeWindow[]> {
    const at = this.#reader.checkpoint(environmentLogProjection.name);
    if (this.#windows?.at === at) return this.#windows.byOrigin;
    const byOrigin = new Map<string, UpgradeWindow[]>();
    let key: string[] | undefined;
    let versions: { version: string; tally: EnvTally }[] = [];
    const close = () => {
      if (key === undefined) return;
      const origin = key.join("/");
      const records = versions.reduce((sum, { tally }) => sum + tally.count, 0);
      const timeline = versions
        .filter(({ tally }) => tally.count >= Math.max(10, records * 0.01))
        .map(({ version, tally }) => ({ origin, version, at: tally.firstSeen }))
        .sort((a, b) => a.at - b.at);
      if (timeline.length > 1) byOrigin.set(key.join("\u0000"), timeline.slice(1));
    };
    for (const { key: k, value } of this.#reader.range<EnvTally>(ENVIRONMENT_TABLES.versions)) {
      const origin = [String(k[0]), String(k[1]), String(k[2])];
      if (key === undefined || compareKeys(origin, key) !== 0) {
        close();
        key = origin;
        versions = [];
      }
      if (String(k[3]) !== "") versions.push({ version: String(k[3]), tally: value });
    }
    close();
    this.#windows = { at, byOrigin };
    return byOrigin;
  }

  /**
   * Values at the variable positions of the issue's template: the values its
   * lines had there, and the constants its signatures differ by at the same
   * position (a currency the miner kept as a word).
   */
  #facets(view: IssueView): IssueFacet[] {
    const shape = firstLineTokens(view.template);
    const positions = new Map<number, Map<string, number>>();
    const other = new Map<number, number>();
    const add = (i: number, value: string, n: number) => {
      let values = positions.get(i);
      if (values === undefined) positions.set(i, values = new Map());
      values.set(value, (values.get(value) ?? 0) + n);
    };
    for (const signature of view.signatures) {
      const tokens = firstLineTokens(signature.template);
      if (tokens.length !== shape.length) continue;
      for (let i = 0; i < tokens.length; i++) {
        const token = tokens[i]!;
        if (token.includes("<*>")) {
          const facet = this.#reader.get<Facet>(ISSUE_GROUP_TABLES.facets, [
            signature.signatureId,
            i,
          ]);
          if (facet === undefined) continue;
          for (const [value, n] of facet.values) add(i, value, n);
          other.set(i, (other.get(i) ?? 0) + facet.other);
        } else if (token !== shape[i] || shape[i]!.includes("<*>")) {
          add(i, token, signature.count);
        } else if (positions.has(i)) add(i, token, signature.count);
      }
    }
    // A constant every signature shares is no facet; one that differs among them is.
    for (const [i, values] of positions) {
      const constant = !shape[i]!.includes("<*>");
      if (constant && values.size < 2) positions.delete(i);
    }
    for (const signature of view.signatures) {
      const tokens = firstLineTokens(signature.template);
      if (tokens.length !== shape.length) continue;
      for (const [i, values] of positions) {
        const token = tokens[i]!;
        if (!token.includes("<*>") && token === shape[i] && !values.has(token)) {
          values.set(token, signature.count);
        }
      }
    }
    return [...positions].sort((a, b) => a[0] - b[0]).map(([position, values]) => {
      const sorted = [...values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
      const hidden = sorted.slice(FACET_VALUES_SHOWN).reduce((sum, [, n]) => sum + n, 0);
      return {
        position,
        template: shape.map((t, i) => (i === position ? "{…}" : t)).join(" "),
        values: sorted.slice(0, FACET_VALUES_SHOWN).map(([value, count]) => ({ value, count })),
        other: (other.get(position) ?? 0) + hidden,
      };
    });
  }
}

function statusMatches(status: IssueView["status"], wanted: IssueView["status"]): boolean {
  return wanted === "active" ? status !== "resolved" : status === wanted;
}

function busiestOf(entries: readonly CatalogEntry[]): CatalogEntry {
  return [...entries].sort((a, b) =>
    b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1)
  )[0]!;
}

/**
 * What a recurring issue costs support: its linked tickets, the hours they
 * were open (to `now` for those still open) and their escalations.
 */
export function supportCost(tickets: readonly Ticket[], now: number): SupportCost {
  let handlingMs = 0;
  let open = 0;
  let escalations = 0;
  for (const ticket of tickets) {
    const end = ticket.closedAt ?? Math.max(now, ticket.updatedAt);
    handlingMs += Math.max(0, end - ticket.openedAt);
    if (isOpenStatus(ticket.status)) open++;
    escalations += ticket.escalations ?? 0;
  }
  return {
    tickets: tickets.length,
    openTickets: open,
    handlingHours: handlingMs / HOUR_MS,
    escalations,
  };
}
