/** What the trend views answer: occurrence series, trend classes, version correlation. */
import type { TrendVerdict, VersionVerdict } from "../domain/trends/mod.ts";

export type Bucket = "hour" | "day" | "week";

export interface SeriesQuery {
  readonly bucket: Bucket;
  readonly from?: number;
  readonly to?: number;
  readonly customer?: string;
  readonly environment?: string;
  readonly version?: string;
}

export interface Series {
  readonly signatureId: string;
  readonly bucket: Bucket;
  readonly from: number;
  readonly to: number;
  readonly total: number;
  readonly points: readonly { readonly start: number; readonly count: number }[];
}

export interface SignatureTrend {
  readonly signatureId: string;
  /** The issue the signature is part of (null before the issue grouping has seen it). */
  readonly issueId?: string | null;
  readonly template: string;
  readonly severityNumber: number;
  readonly asOf: number;
  readonly trend: TrendVerdict;
  readonly versions: VersionVerdict;
}

/** One issue's trend: its signatures' hourly lines summed, and their version verdict together. */
export interface IssueTrend {
  readonly issueId: string;
  /** The issue's busiest signature (its template's), for drill-down. */
  readonly signatureId: string;
  /** Every signature of the issue with lines, the busiest first. */
  readonly signatureIds: readonly string[];
  readonly template: string;
  /** The issue's: its worst signature's. */
  readonly severityNumber: number;
  readonly asOf: number;
  readonly trend: TrendVerdict;
  readonly versions: VersionVerdict;
}

export interface TrendApi {
  /** The latest record's time: "now" for questions about the data. */
  asOf(): number;
  /** Throws LoupeError not_found for an unknown signature, bad_request for a range over a year. */
  series(signatureId: string, query: SeriesQuery): Series;
  /** As of the latest trustworthy record, or `asOf`. */
  trend(signatureId: string, asOf?: number): SignatureTrend;
  /**
   * Every issue with a signature at or above a severity seen in the last week
   * (before `asOf`), with the trend of its summed series.
   */
  trends(minSeverity: number, asOf?: number): IssueTrend[];
}
