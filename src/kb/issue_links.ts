import type { ProjectionReader } from "../../ports/projection_store.ts";
import { type DetectedIssue, ISSUE_TABLES } from "../projections/issues.ts";
import { type CatalogEntry, TABLES } from "../projections/signatures.ts";

/**
 * The one seam between the knowledge base and what an "issue" is. Today an
 * issue is a detected signature (`/v1/issues`); when issues become groups of
 * signatures, only this file changes.
 */
export interface IssueLinks {
  /** The issue a signature belongs to, or null when none was detected. */
  issueOf(signatureId: string): string | null;
  /** The signatures of an issue id (a signature id stands for itself); [] when unknown. */
  signaturesOf(issueId: string): string[];
  /** The words of the issue's templates, for text matching. */
  textOf(issueId: string): string;
}

export function currentIssueLinks(reader: ProjectionReader): IssueLinks {
  const template = (signatureId: string) =>
    reader.get<CatalogEntry>(TABLES.signatures, [signatureId])?.template ?? "";
  return {
    issueOf: (signatureId) => reader.get<string>(ISSUE_TABLES.bySignature, [signatureId]) ?? null,
    signaturesOf(issueId) {
      const issue = reader.get<DetectedIssue>(ISSUE_TABLES.issues, [issueId]);
      if (issue !== undefined) return [issue.signatureId];
      return reader.get<CatalogEntry>(TABLES.signatures, [issueId]) === undefined ? [] : [issueId];
    },
    textOf(issueId) {
      return this.signaturesOf(issueId).map(template).join("\n");
    },
  };
}
