/**
 * The seam between sync and Loupe's issues (one real problem: the
 * signatures grouped under it), so the outbox and the timeline never read
 * the issue layer's projections themselves.
 */
import type { SignatureDetail } from "../../ports/application.ts";
import type { IssueApi } from "../../ports/issues.ts";
import type { ImpactApi } from "../../ports/impact.ts";
import { LoupeError } from "../../ports/errors.ts";

export interface IssueFacts {
  readonly issueId: string;
  readonly signatureIds: readonly string[];
  readonly title: string;
  readonly detectedAt: number | null;
  readonly firstSeen: number | null;
  readonly lastSeen: number | null;
  /**
   * The time the facts are about: the latest trustworthy record time (the
   * issue layer's "as of"). Timeline steps are decided against it, never
   * against the wall clock.
   */
  readonly asOf: number;
  readonly customers: readonly {
    readonly customer: string;
    readonly tier: string | null;
    readonly environments: readonly string[];
    readonly versions: readonly string[];
    /** When each version first logged the issue for this customer. */
    readonly versionsSeen: readonly { readonly version: string; readonly firstSeen: number }[];
  }[];
  readonly trend: string | null;
  readonly knowledgeBaseArticle: string | null;
  readonly predictedResolution: string | null;
  readonly exampleLines: readonly string[];
}

export interface IssueFactsSource {
  /** undefined for an issue Loupe does not know. */
  facts(issueId: string): IssueFacts | undefined;
  /** The issue a signature belongs to, if it is one. */
  issueOfSignature(signatureId: string): string | undefined;
  /** What each of the customer's environments runs now, from its latest records. */
  currentVersions(customer: string): readonly {
    readonly environment: string;
    readonly version: string | null;
    readonly lastSeen: number;
  }[];
}

export function issueFactsOver(
  issues: IssueApi,
  signature: (signatureId: string) => SignatureDetail,
  impact: ImpactApi,
): IssueFactsSource {
  const view = (issueId: string) => {
    try {
      return issues.issue(issueId);
    } catch (error) {
      if (error instanceof LoupeError && error.code === "not_found") return undefined;
      throw error;
    }
  };
  return {
    facts(issueId) {
      const issue = view(issueId);
      if (issue === undefined) return undefined;
      let examples: string[] = [];
      try {
        examples = signature(issue.signatureId).examples.slice(0, 3).map((e) => e.message);
      } catch { /* a signature without examples still makes an issue */ }
      return {
        issueId: issue.issueId,
        signatureIds: issue.signatures.map((s) => s.signatureId),
        title: issue.template,
        detectedAt: issue.detection?.detectedAt ?? null,
        firstSeen: issue.firstSeen,
        lastSeen: issue.lastSeen,
        asOf: issue.asOf,
        customers: issue.affected.map((a) => ({
          customer: a.customer,
          tier: a.tier,
          environments: a.environments.map((e) => e.environment),
          versions: a.versions.map((v) => v.version).filter((v) => v !== ""),
          versionsSeen: a.versions.filter((v) => v.version !== "").map((v) => ({
            version: v.version,
            firstSeen: v.firstSeen,
          })),
        })),
        trend: issue.detection?.kind === "surge"
          ? `surge: ${issue.detection.reason}; ${issue.trend.class}: ${issue.trend.reason}`
          : `${issue.trend.class}: ${issue.trend.reason}`,
        knowledgeBaseArticle: null,
        predictedResolution: null,
        exampleLines: examples,
      };
    },
    currentVersions(customer) {
      try {
        // Only the environments are wanted: no signature passes FATAL + 1.
        return impact.customerImpact(customer, { minSeverity: 25, limit: 0 }).environments;
      } catch (error) {
        if (error instanceof LoupeError && error.code === "not_found") return [];
        throw error;
      }
    },
    issueOfSignature(signatureId) {
      try {
        return issues.issueOfSignature(signatureId);
      } catch (error) {
        if (error instanceof LoupeError && error.code === "not_found") return undefined;
        throw error;
      }
    },
  };
}
