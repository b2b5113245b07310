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

export interface TrendApi {
  /** The latest record's time: "now" for questions about the data. */
  asOf(): number;
  /** Throws LoupeError not_found for an unknown signature, bad_request for a range over a year. */
  series(signatureId: string, query: SeriesQuery): Series;
  /** As of the latest trustworthy record, or `asOf`. */
  trend(signatureId: string, asOf?: number): SignatureTrend;
  /** Every signature at or above a severity seen in the last week (before `asOf`), with its trend. */
  trends(minSeverity: number, asOf?: number): SignatureTrend[];
}
