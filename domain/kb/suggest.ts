import { compareVersions } from "../trends/versions.ts";

/** What suggestion needs to know of an article besides its text. */
export interface ArticleFacts {
  readonly articleId: string;
  readonly title: string;
  readonly issues: readonly string[];
  readonly signatures: readonly string[];
  readonly fixedIn: string | null;
  /** Versions it applies to; empty for all. */
  readonly versions: readonly string[];
  readonly helpful: number;
  readonly notHelpful: number;
}

/**
 * An issue behind the question: linked to the ticket by a person (`linked`,
 * the root issue) or a log candidate the correlator ranked.
 */
export interface IssueEvidence {
  readonly issueId: string | null;
  readonly signatureId: string;
  readonly linked: boolean;
  /** The correlator's rank, from 1 (linked issues: 0). */
  readonly rank: number;
}

export type Reason =
  | { readonly kind: "text"; readonly score: number; readonly terms: readonly string[] }
  | {
    readonly kind: "linked_issue";
    readonly issueId: string | null;
    readonly signatureId: string;
  }
  | {
    readonly kind: "candidate_issue";
    readonly issueId: string | null;
    readonly signatureId: string;
    readonly rank: number;
  }
  | {
    /** The article's words match the log template of a signature behind the question. */
    readonly kind: "log_text";
    readonly issueId: string | null;
    readonly signatureId: string;
    readonly rank: number;
    readonly score: number;
  }
  | { readonly kind: "feedback"; readonly helpful: number; readonly notHelpful: number }
  | {
    readonly kind: "version";
    readonly customerVersion: string;
    readonly fixedIn: string | null;
    readonly fits: boolean;
  };

export interface Suggestion {
  readonly articleId: string;
  readonly title: string;
  readonly score: number;
  readonly reasons: readonly Reason[];
}

export interface SuggestInput {
  readonly articles: readonly ArticleFacts[];
  /** Text relevance per article, aligned with `articles` (0 where no word matches). */
  readonly textScores: ArrayLike<number>;
  /** Query terms each article matched, for the reasons. */
  readonly matchedTerms?: (article: number) => readonly string[];
  readonly evidence: readonly IssueEvidence[];
  /**
   * Text relevance of each article to the log template of an issue behind
   * the question (aligned with `articles`), for the evidence that has one.
   */
  readonly logText?: readonly {
    readonly evidence: IssueEvidence;
    readonly scores: ArrayLike<number>;
  }[];
  readonly customerVersion: string | null;
  readonly limit: number;
}

/**
 * How much each kind of evidence counts. Text is normalised to [0, 1] by the
 * best match; an article a person linked to the ticket's root issue outranks
 * any text match; a log candidate's article counts by the candidate's rank;
 * an article whose words match the template of an error behind the question
 * counts half as much as the customer's words, less for a lower-ranked one;
 * feedback nudges; a fix the customer already runs pushes an article down.
 */
export const SUGGESTION_WEIGHTS = {
  text: 1,
  linkedIssue: 3,
  candidateIssue: 1.5,
  logText: 0.5,
  feedback: 0.4,
  versionMisfit: 0.3,
} as const;

/**
 * Articles for a ticket, an issue or a text, each with its score and the
 * reasons behind it, best first (ties by article id).
 *
 * @example
 * ```ts
 * import { suggestArticles } from "./suggest.ts";
 * import assert from "node:assert/strict";
 * const facts = (articleId: string, issues: string[]) => ({
 *   articleId, title: articleId, issues, signatures: [], fixedIn: null, versions: [],
 *   helpful: 0, notHelpful: 0,
 * });
 * const [best] = suggestArticles({
 *   articles: [facts("words", []), facts("root", ["i1"])],
 *   textScores: [5, 1],
 *   evidence: [{ issueId: "i1", signatureId: "s1", linked: true, rank: 0 }],
 *   customerVersion: null,
 *   limit: 5,
 * });
 * assert.equal(best?.articleId, "root");
 * ```
 */
export function suggestArticles(input: SuggestInput): Suggestion[] {
  let maxText = 0;
  for (let i = 0; i < input.articles.length; i++) {
    maxText = Math.max(maxText, input.textScores[i] ?? 0);
  }
  const logText = (input.logText ?? []).map(({ evidence, scores }) => {
    let max = 0;
    for (let i = 0; i < input.articles.length; i++) max = Math.max(max, scores[i] ?? 0);
    return { evidence, scores, max };
  });
  const out: Suggestion[] = [];
  input.articles.forEach((article, index) => {
    const reasons: Reason[] = [];
    let score = 0;
    const text = input.textScores[index] ?? 0;
    // A share that rounds to nothing is no reason to show an article.
    if (text > 0 && maxText > 0 && round(text / maxText) > 0) {
      const share = text / maxText;
      score += SUGGESTION_WEIGHTS.text * share;
      reasons.push({
        kind: "text",
        score: round(share),
        terms: input.matchedTerms?.(index) ?? [],
      });
    }
    for (const { evidence, scores, max } of logText) {
      const value = scores[index] ?? 0;
      if (value <= 0 || max <= 0 || round(value / max) === 0) continue;
      const share = value / max;
      score += SUGGESTION_WEIGHTS.logText * share / Math.max(1, evidence.rank);
      reasons.push({
        kind: "log_text",
        issueId: evidence.issueId,
        signatureId: evidence.signatureId,
        rank: evidence.rank,
        score: round(share),
      });
    }
    const issues = new Set(article.issues);
    const signatures = new Set(article.signatures);
    let issueCameBack = false;
    let bestLink = 0;
    for (const evidence of input.evidence) {
      const matches = (evidence.issueId !== null && issues.has(evidence.issueId)) ||
        signatures.has(evidence.signatureId);
      if (!matches) continue;
      issueCameBack = true;
      if (evidence.linked) {
        bestLink = Math.max(bestLink, SUGGESTION_WEIGHTS.linkedIssue);
        reasons.push({
          kind: "linked_issue",
          issueId: evidence.issueId,
          signatureId: evidence.signatureId,
        });
      } else {
        bestLink = Math.max(bestLink, SUGGESTION_WEIGHTS.candidateIssue / evidence.rank);
        reasons.push({
          kind: "candidate_issue",
          issueId: evidence.issueId,
          signatureId: evidence.signatureId,
          rank: evidence.rank,
        });
      }
    }
    score += bestLink;
    if (score === 0) return;
    const votes = article.helpful + article.notHelpful;
    if (votes > 0) {
      score += SUGGESTION_WEIGHTS.feedback * (article.helpful - article.notHelpful) / (votes + 2);
      reasons.push({ kind: "feedback", helpful: article.helpful, notHelpful: article.notHelpful });
    }
    if (input.customerVersion !== null) {
      const fits = versionFits(article, input.customerVersion) || issueCameBack;
      if (article.fixedIn !== null || article.versions.length > 0) {
        reasons.push({
          kind: "version",
          customerVersion: input.customerVersion,
          fixedIn: article.fixedIn,
          fits,
        });
      }
      if (!fits) score *= SUGGESTION_WEIGHTS.versionMisfit;
    }
    out.push({ articleId: article.articleId, title: article.title, score: round(score), reasons });
  });
  out.sort((a, b) => b.score - a.score || (a.articleId < b.articleId ? -1 : 1));
  return out.slice(0, input.limit);
}

/** False when the customer already runs the fix, or a version the article is not about. */
export function versionFits(article: ArticleFacts, customerVersion: string): boolean {
  if (article.fixedIn !== null && compareVersions(customerVersion, article.fixedIn) >= 0) {
    return false;
  }
  if (article.versions.length > 0 && !article.versions.includes(customerVersion)) return false;
  return true;
}

function round(x: number): number {
  return Math.round(x * 10_000) / 10_000;
}
