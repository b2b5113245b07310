import {
  classifyTrend,
  TREND_HISTORY_HOURS,
  type TrendVerdict,
  type VersionVerdict,
  versionVerdict,
} from "../../domain/trends/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import type {
  IssueTrend,
  Series,
  SeriesQuery,
  SignatureTrend,
  TrendApi,
} from "../../ports/trends.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { type Attribution, originKey } from "../customers/attribution.ts";
import {
  ENVIRONMENT_TABLES,
  environmentLogProjection,
  type EnvTally,
} from "../projections/environment_logs.ts";
import { hourCounts } from "../projections/hour_rows.ts";
import { SIGNATURE_ORIGIN_TABLES } from "../projections/signature_origins.ts";
import {
  autoIssueId,
  ISSUE_GROUP_TABLES,
  type IssueIndex,
  issueIndex,
  issueIndexVersion,
  issueOfSignature,
} from "../projections/issue_groups.ts";
import {
  type CatalogEntry,
  dataAsOf,
  type OriginTally,
  recentSignatures,
  signatureProjection,
  TABLES,
} from "../projections/signatures.ts";
import { directoryVersion } from "../projections/customers.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";

/** Signatures the list answers for an explicit "as of": seen in the week (and a day) before it. */
const RECENT_MS = 8 * DAY_MS;
const BUCKET_MS = { hour: HOUR_MS, day: DAY_MS, week: 7 * DAY_MS } as const;
/** Issue trends kept between queries at most (see trendOf). */
const TREND_OFS_KEPT = 10_000;
/** The longest range a series answers. */
const MAX_RANGE_MS = 366 * DAY_MS;
/** Hours the trend test reads: three weeks for a slow burn, a baseline week and the last day. */

/**
 * Occurrence series, trend classes and version correlation, all read from
 * hourly rollups the signatures projection keeps.
 */
export class TrendService implements TrendApi {
  readonly #reader: ProjectionStore;
  readonly #attribution: Attribution;
  #cache: { at: number; trends: Map<string, SignatureTrend> } | undefined;
  #issueTrends:
    | { at: number; version: string; trends: Map<string, IssueTrend> }
    | undefined;
  #index: { readonly version: string; readonly index: IssueIndex } | undefined;
  #trendOfs: { at: string; verdicts: Map<string, TrendVerdict> } | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#cache = undefined;
    this.#trendOfs = undefined;
    this.#issueTrends = undefined;
    this.#index = undefined;
  }

  constructor(reader: ProjectionStore, attribution: Attribution) {
    this.#reader = reader;
    this.#attribution = attribution;
  }

  asOf(): number {
    return dataAsOf(this.#reader);
  }

  series(signatureId: string, query: SeriesQuery): Series {
    this.#entry(signatureId);
    const size = BUCKET_MS[query.bucket];
    const to = alignUp(query.to ?? this.asOf() + 1, HOUR_MS);
    // A version's lines are counted by day: its series starts at a midnight.
    const alignment = query.version === undefined ? HOUR_MS : DAY_MS;
    const from = Math.floor((query.from ?? to - 30 * DAY_MS) / alignment) * alignment;
    if (to - from > MAX_RANGE_MS) {
      throw new LoupeError("bad_request", "Cannot answer a series over more than 366 days");
    }
    const counts = new Map<number, number>();
    const addHour = (hour: number, n: number) => {
      const start = from + Math.floor((hour - from) / size) * size;
      counts.set(start, (counts.get(start) ?? 0) + n);
    };
    const scoped = query.customer !== undefined || query.environment !== undefined;
    if (query.version !== undefined && scoped) {
      throw new LoupeError(
        "bad_request",
        "Cannot filter a series by version together with customer or environment",
      );
    }
    if (query.version !== undefined) {
      if (query.bucket === "hour") {
        throw new LoupeError(
          "bad_request",
          "Cannot give a version's series by hour: versions are counted by day (use bucket=day or week)",
        );
      }
      for (
        const { key, value } of this.#reader.range<number>(TABLES.versionDaily, {
          prefix: [signatureId, query.version],
          start: [signatureId, query.version, from],
          end: [signatureId, query.version, to],
        })
      ) addHour(key[2] as number, value);
    } else if (!scoped) {
      for (
        const [hour, n] of hourCounts(this.#reader, TABLES.hourlyTotal, [signatureId], from, to)
      ) {
        addHour(hour, n);
      }
    } else {
      const origins = query.customer === undefined
        ? this.#originsOf(signatureId).filter((o) => o.environment === query.environment)
        : this.#attribution.originsOf(query.customer, query.environment);
      for (const origin of origins) {
        const prefix = [signatureId, ...originKey(origin)];
        for (const [hour, n] of hourCounts(this.#reader, TABLES.hourly, prefix, from, to)) {
          addHour(hour, n);
        }
      }
    }
    const points: { start: number; count: number }[] = [];
    let total = 0;
    for (let start = from; start < to; start += size) {
      const count = counts.get(start) ?? 0;
      total += count;
      points.push({ start, count });
    }
    return { signatureId, bucket: query.bucket, from, to, total, points };
  }

  /** The trend of a signature as of the latest data (or `asOf`), with its version verdict. */
  trend(signatureId: string, asOf?: number): SignatureTrend {
    const entry = this.#entry(signatureId);
    const now = asOf ?? this.asOf();
    if (asOf === undefined) {
      const cached = this.#cached().get(signatureId);
      // The issue is read fresh: a person's merge must show before the next hour of data.
      if (cached !== undefined) return { ...cached, issueId: this.#issueOf(signatureId) };
    }
    // Complete hours only: the one under way is not over yet.
    const end = Math.floor(now / HOUR_MS) * HOUR_MS;
    const start = end - TREND_HISTORY_HOURS * HOUR_MS;
    const observedFrom = Math.max(start, Math.floor(this.#dataSince() / HOUR_MS) * HOUR_MS);
    const counts = new Array<number>((end - start) / HOUR_MS).fill(0);
    for (
      const [hour, n] of hourCounts(this.#reader, TABLES.hourlyTotal, [signatureId], start, end)
    ) {
      counts[(hour - start) / HOUR_MS] = n;
    }
    // Hours before any data are unobserved, not zeros.
    const skip = Math.max(0, (observedFrom - start) / HOUR_MS);
    const verdict = classifyTrend(
      { start: start + skip * HOUR_MS, counts: counts.slice(skip) },
      { now: end },
    );
    const trend: SignatureTrend = {
      signatureId,
      issueId: this.#issueOf(signatureId),
      template: entry.template,
      severityNumber: entry.severityNumber,
      asOf: now,
      trend: verdict,
      versions: this.versions(signatureId),
    };
    if (asOf === undefined) this.#cache!.trends.set(signatureId, trend);
    return trend;
  }

  /**
   * Its lines per version against each version's traffic. Lines that carry
   * no version (a log4j pattern without it, an access log) are given the
   * version their environment ran at that hour, from the versions the
   * environment's other records name.
   */
  versions(signatureId: string): VersionVerdict {
    return this.versionsOf([signatureId]);
  }

  /** The version verdict of several signatures taken together: one issue's. */
  versionsOf(signatureIds: readonly string[]): VersionVerdict {
    const counts = new Map<string, number>();
    for (const signatureId of signatureIds) {
      for (
        const { key, value } of this.#reader.range<number>(TABLES.versionTotals, {
          prefix: [signatureId],
        })
      ) {
        const version = String(key[1]);
        if (version !== "") counts.set(version, (counts.get(version) ?? 0) + value);
      }
      for (const [version, n] of this.#inferredVersions(signatureId)) {
        counts.set(version, (counts.get(version) ?? 0) + n);
      }
    }
    const rates = [...counts].map(([version, count]) => ({
      version,
      count,
      traffic: this.#reader.get<number>(TABLES.versionTrafficTotals, [version]) ?? 0,
    }));
    // A version that ran without ever logging it is evidence too.
    for (const { key, value } of this.#reader.range<number>(TABLES.versionTrafficTotals)) {
      const version = String(key[0]);
      if (version !== "" && !counts.has(version)) rates.push({ version, count: 0, traffic: value });
    }
    return versionVerdict(rates);
  }

  /**
   * The trend of several signatures' lines taken together (one issue's), as
   * of a time. Kept while the hourly counts and the origins stay as they are:
   * the issues page asks it of the same issues in the ranking and in each row.
   */
  trendOf(signatureIds: readonly string[], asOf: number): TrendVerdict {
    const end = Math.floor(asOf / HOUR_MS) * HOUR_MS;
    const at = `${this.#reader.checkpoint(signatureProjection.name)}/${
      this.#reader.checkpoint(environmentLogProjection.name)
    }/${directoryVersion(this.#reader)}`;
    // Asked as of many times, it starts again rather than grow without bound.
    if (this.#trendOfs?.at !== at || this.#trendOfs.verdicts.size >= TREND_OFS_KEPT) {
      this.#trendOfs = { at, verdicts: new Map() };
    }
    const key = `${end}\n${signatureIds.join("\n")}`;
    const cached = this.#trendOfs.verdicts.get(key);
    if (cached !== undefined) return cached;
    const verdict = this.#trendOfNow(signatureIds, end);
    this.#trendOfs.verdicts.set(key, verdict);
    return verdict;
  }

  #trendOfNow(signatureIds: readonly string[], end: number): TrendVerdict {
    const start = end - TREND_HISTORY_HOURS * HOUR_MS;
    const observedFrom = Math.max(start, Math.floor(this.#dataSince() / HOUR_MS) * HOUR_MS);
    const counts = new Array<number>((end - start) / HOUR_MS).fill(0);
    for (const signatureId of signatureIds) {
      for (
        const [hour, n] of hourCounts(this.#reader, TABLES.hourlyTotal, [signatureId], start, end)
      ) {
        counts[(hour - start) / HOUR_MS]! += n;
      }
    }
    const skip = Math.max(0, (observedFrom - start) / HOUR_MS);
    return classifyTrend(
      { start: start + skip * HOUR_MS, counts: counts.slice(skip) },
      { now: end },
    );
  }

  /** The signature's unversioned lines, per version their origin ran when they were logged. */
  #inferredVersions(signatureId: string): Map<string, number> {
    const inferred = new Map<string, number>();
    // Only the origins that logged it without a version: most name their version in every line.
    for (
      const { key } of this.#reader.range(SIGNATURE_ORIGIN_TABLES.unversioned, {
        prefix: [signatureId],
      })
    ) {
      const value = this.#reader.get<OriginTally>(TABLES.byOrigin, key);
      if (value === undefined) continue;
      const unversioned = value.versions.find((v) => v[0] === "")?.[1] ?? 0;
      if (unversioned === 0) continue;
      const origin = { owner: String(key[1]), tenant: String(key[2]), environment: String(key[3]) };
      const versions = [
        ...this.#reader.range<EnvTally>(ENVIRONMENT_TABLES.versions, { prefix: originKey(origin) }),
      ].filter(({ key: k }) => String(k[3]) !== "");
      const records = versions.reduce((sum, { value: v }) => sum + v.count, 0);
      // A version a handful of stray or corrupt lines name never ran here.
      const timeline = versions
        .filter(({ value: v }) => v.count >= Math.max(10, records * 0.01))
        .map(({ key: k, value: v }) => [String(k[3]), v.firstSeen] as const)
        .sort((a, b) => a[1] - b[1]);
      if (timeline.length === 0) continue;
      // Mixed origins (some lines with a version) share out only the unversioned part.
      const share = unversioned / value.count;
      const prefix = [signatureId, ...originKey(origin)];
      for (const [hour, n] of hourCounts(this.#reader, TABLES.hourly, prefix)) {
        const middle = hour + HOUR_MS / 2;
        let running: string | undefined;
        for (const [version, since] of timeline) {
          if (since <= middle) running = version;
          else break;
        }
        if (running !== undefined) inferred.set(running, (inferred.get(running) ?? 0) + n * share);
      }
    }
    for (const [version, n] of inferred) inferred.set(version, Math.round(n));
    return inferred;
  }

  /**
   * Every issue with a signature at or above a severity seen in the last
   * week, with the trend of its signatures' summed hourly lines.
   */
  trends(minSeverity: number, asOf?: number): IssueTrend[] {
    return [...this.#recentIssues(minSeverity, asOf)].map(([issueId, signatureIds]) =>
      this.#issueTrend(issueId, signatureIds, asOf)
    );
  }

  /**
   * {@linkcode trends} as of the latest data, worked out one issue at a time
   * with a pause after each: the background warm-up of a new hour runs it
   * paced, so a request that arrives meanwhile waits for one issue's trend,
   * not for every issue's (up to ~375 ms at 90 days in one go).
   */
  *warmTrends(minSeverity: number): Generator<void, void, void> {
    for (const [issueId, signatureIds] of this.#recentIssues(minSeverity)) {
      this.#issueTrend(issueId, signatureIds);
      yield;
    }
  }

  /** Each issue with a signature at or above a severity seen in the week to `asOf`, with its signatures. */
  *#recentIssues(
    minSeverity: number,
    asOf?: number,
  ): Generator<[string, readonly string[]], void, void> {
    const recent: CatalogEntry[] = [];
    if (asOf === undefined) recent.push(...recentSignatures(this.#reader, minSeverity));
    else {
      for (const { value } of this.#reader.range<CatalogEntry>(TABLES.signatures)) {
        if (value.severityNumber < minSeverity || value.count === 0) continue;
        if ((value.firstSeen ?? Infinity) > asOf) continue;
        if ((value.lastSeen ?? -Infinity) < asOf - RECENT_MS) continue;
        recent.push(value);
      }
    }
    const { issueOf, members } = this.#issueIndex();
    const seen = new Set<string>();
    for (const entry of recent) {
      const issueId = issueOf.get(entry.signatureId) ?? autoIssueId(entry.signatureId);
      if (seen.has(issueId)) continue;
      seen.add(issueId);
      yield [issueId, members.get(issueId) ?? [entry.signatureId]];
    }
  }

  /** One issue's trend; as of the latest data, kept until a new hour of data or a regrouping. */
  #issueTrend(issueId: string, signatureIds: readonly string[], asOf?: number): IssueTrend {
    const cache = asOf === undefined ? this.#issueCache() : undefined;
    const cached = cache?.get(issueId);
    if (cached !== undefined) return cached;
    const entries = signatureIds
      .map((id) => this.#reader.get<CatalogEntry>(TABLES.signatures, [id]))
      .filter((e): e is CatalogEntry => e !== undefined && e.count > 0)
      .sort((a, b) => b.count - a.count || (a.signatureId < b.signatureId ? -1 : 1));
    const ids = entries.map((e) => e.signatureId);
    const busiest = entries[0]!;
    const now = asOf ?? this.asOf();
    const trend: IssueTrend = {
      issueId,
      signatureId: busiest.signatureId,
      signatureIds: ids,
      template: busiest.template,
      severityNumber: Math.max(...entries.map((e) => e.severityNumber)),
      asOf: now,
      trend: this.trendOf(ids, now),
      versions: this.versionsOf(ids),
    };
    cache?.set(issueId, trend);
    return trend;
  }

  /** Issue trends as of the latest data: {@linkcode #cached}'s, also keyed on the grouping. */
  #issueCache(): Map<string, IssueTrend> {
    const at = Math.floor(this.asOf() / HOUR_MS);
    const version = issueIndexVersion(this.#reader);
    if (this.#issueTrends?.at !== at || this.#issueTrends.version !== version) {
      this.#issueTrends = { at, version, trends: new Map() };
    }
    return this.#issueTrends.trends;
  }

  /** Signature -> issue and issue -> signatures, rebuilt when a signature or a correction arrives. */
  #issueIndex(): IssueIndex {
    const version = issueIndexVersion(this.#reader);
    if (this.#index?.version !== version) {
      this.#index = { version, index: issueIndex(this.#reader) };
    }
    return this.#index.index;
  }

  /**
   * Trends as of the latest data, kept until a new hour of data begins: the
   * test reads complete hours only, so within an hour its verdict cannot
   * change (the version rates may trail by that hour's lines).
   */
  #cached(): Map<string, SignatureTrend> {
    const at = Math.floor(this.asOf() / HOUR_MS);
    if (this.#cache?.at !== at) this.#cache = { at, trends: new Map() };
    return this.#cache.trends;
  }

  #issueOf(signatureId: string): string | null {
    return this.#reader.get(ISSUE_GROUP_TABLES.signatures, [signatureId]) === undefined
      ? null
      : issueOfSignature(this.#reader, signatureId);
  }

  #dataSince(): number {
    let since = Infinity;
    for (const origin of this.#attribution.origins()) since = Math.min(since, origin.firstSeen);
    return since;
  }

  #originsOf(signatureId: string) {
    return [...this.#reader.range<OriginTally>(TABLES.byOrigin, { prefix: [signatureId] })]
      .map(({ key }) => ({
        owner: String(key[1]),
        tenant: String(key[2]),
        environment: String(key[3]),
      }));
  }

  #entry(signatureId: string): CatalogEntry {
    const entry = this.#reader.get<CatalogEntry>(TABLES.signatures, [signatureId]);
    if (entry === undefined) {
      throw new LoupeError("not_found", `Cannot find signature ${signatureId}`);
    }
    return entry;
  }
}

function alignUp(millis: number, size: number): number {
  return Math.ceil(millis / size) * size;
}
