import type { ProjectionReader } from "../../ports/projection_store.ts";
import {
  type IssueIndex,
  issueIndex,
  issueIndexVersion,
  resolveIssue,
} from "../projections/issue_groups.ts";
import { type CatalogEntry, TABLES } from "../projections/signatures.ts";

/**
 * The one seam between the knowledge base and what an issue is: the issue
 * layer's groups of signatures (one real problem), so an article linked to
 * an issue fits every fragment of it.
 */
export interface IssueLinks {
  /** The issue a signature belongs to, or null for a signature Loupe does not know. */
  issueOf(signatureId: string): string | null;
  /** The signatures of an issue id (a signature id stands for itself); [] when unknown. */
  signaturesOf(issueId: string): string[];
  /** The words of the issue's templates, for text matching. */
  textOf(issueId: string): string;
}

export function currentIssueLinks(reader: ProjectionReader): IssueLinks {
  const template = (signatureId: string) =>
    reader.get<CatalogEntry>(TABLES.signatures, [signatureId])?.template ?? "";
  let cached: { readonly version: string; readonly index: IssueIndex } | undefined;
  const index = () => {
    const version = issueIndexVersion(reader);
    if (cached?.version !== version) cached = { version, index: issueIndex(reader) };
    return cached.index;
  };
  return {
    issueOf: (signatureId) => index().issueOf.get(signatureId) ?? null,
    signaturesOf(issueId) {
      const members = index().members.get(resolveIssue(reader, issueId));
      if (members !== undefined) return [...members];
      return reader.get<CatalogEntry>(TABLES.signatures, [issueId]) === undefined ? [] : [issueId];
    },
    textOf(issueId) {
      return this.signaturesOf(issueId).map(template).join("\n");
    },
  };
}
