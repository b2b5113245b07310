import { compareVersions } from "../trends/versions.ts";
import type { RecentShare } from "./recent.ts";

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
  /**
   * Links learned from tickets (ids the article does not name itself): how
   * many tickets behind the id this article resolved, of all the tickets
   * behind the id that taught any article. An id the article names itself is
   * sure; a learned one is as sure as its share of the id's tickets, shrunk
   * toward nothing when few tickets back it, so one agent's wrong link, or a
   * noisy signature linked to many articles, weighs little.
   */
  readonly learnedLinks?: Readonly<Record<string, LearnedLink>>;
}

/** Tickets that taught an article a link, and all tickets behind that id. */
export interface LearnedLink {
  readonly tickets: number;
  readonly ofId: number;
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
  /**
   * The log level of the signature (OpenTelemetry severity number), when
   * known: a line logged below WARN records normal work, not the fault an
   * article fixes, so it counts less as evidence.
   */
  readonly severityNumber?: number;
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
    /** Of the tickets articles answered in the days before the question, this one's share. */
    readonly kind: "recent";
    readonly days: number;
    readonly tickets: number;
    readonly of: number;
  }
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
  /**
   * For a ticket: of the tickets answered in the {@link SuggestionWeights.recentDays}
   * before it opened, how many each article answered (aligned with `articles`).
   */
  readonly recent?: readonly RecentShare[];
  readonly customerVersion: string | null;
  readonly limit: number;
  /** {@link SUGGESTION_WEIGHTS} unless given (benches compare settings). */
  readonly weights?: SuggestionWeights;
}

/**
 * How much each kind of evidence counts, and why.
 *
 * An article is scored by how well it fits the customer's words times how
 * well it fits the errors behind the question, each above a floor: many
 * problems share a symptom's words (three ways of failing to sign in) and an
 * environment often logs several errors at once, so an article has to fit
 * both to rank first, yet words alone (a free-text question) or logs alone
 * still rank. The words are BM25F, as a share of the best match. The log
 * evidence sums, for each candidate error (weighed by its rank, its log
 * level, and how well its best article fits it against the best fit of any
 * candidate's template), the article's share of the best match to the
 * error's template, cubed: a template names one problem, and the article that
 * describes it best should take most of that evidence; to it adds the best learned link
 * from a candidate's issue to the article, as sure as the share of that
 * issue's tickets the article resolved. An article a person linked to the
 * ticket's root issue comes above all of that. Not-helpful votes and a fix
 * the customer already runs push an article down.
 *
 * These settings were chosen on simulator truth (seeds 101, 202 and 303) and
 * checked on other seeds; see the README's Knowledge base section.
 */
export interface SuggestionWeights {
  /** The customer's words, as a share of the best match. */
  readonly text: number;
  /** Floor under the words: an article the logs point at still ranks without them. */
  readonly textFloor: number;
  /** A person linked the ticket to an issue the article is linked to (a tier above the rest). */
  readonly linkedIssue: number;
  /** A log candidate's issue is linked to the article. */
  readonly candidateIssue: number;
  /** Tickets of doubt added to every learned link's count (its share is tickets / (all + this)). */
  readonly linkPrior: number;
  /** The article's words match a log candidate's template. */
  readonly logText: number;
  /** The exponent on an article's share of a template's best match. */
  readonly logTextSharpness: number;
  /** Floor under the log evidence: words alone still rank. */
  readonly evidenceFloor: number;
  /** A candidate of rank r counts 1 / r^rankDecay. */
  readonly rankDecay: number;
  /** Factor on evidence from a line logged below WARN. */
  readonly quietEvidence: number;
  /** Log candidates, by rank, whose templates' words are matched against the articles. */
  readonly logTextRanks: number;
  /**
   * Pushes an article down by its share of not-helpful votes. Helpful votes
   * add nothing here: they already taught the article the ticket's words and
   * issues, and a bonus for being often helpful would lift a popular article
   * for every question, including those it does not answer.
   */
  readonly notHelpful: number;
  /** Factor on an article whose fix the customer already runs. */
  readonly versionMisfit: number;
  /** Days before a ticket whose answered tickets say which problems are going round. */
  readonly recentDays: number;
  /**
   * The exponent on an article's share of those tickets (one ticket of doubt
   * added to each count): small, so a wave lifts its article over a close
   * rival without burying an article that fits the question much better.
   */
  readonly recentSharpness: number;
}

export const SUGGESTION_WEIGHTS: SuggestionWeights = Object.freeze({
  text: 1,
  textFloor: 0.1,
  linkedIssue: 3,
  candidateIssue: 1,
  linkPrior: 1,
  logText: 1,
  logTextSharpness: 3,
  evidenceFloor: 0.5,
  rankDecay: 1,
  quietEvidence: 1 / 3,
  logTextRanks: 5,
  notHelpful: 0.4,
  versionMisfit: 0.3,
  recentDays: 7,
  recentSharpness: 0.25,
});

/** OpenTelemetry's first WARN severity number. */
const WARN = 13;

/** How much a piece of evidence counts: linked 1, a candidate by its rank, quiet lines less. */
function evidenceWeight(evidence: IssueEvidence, weights: SuggestionWeights): number {
  const byRank = evidence.linked ? 1 : Math.max(1, evidence.rank) ** -weights.rankDecay;
  const quiet = evidence.severityNumber !== undefined && evidence.severityNumber > 0 &&
    evidence.severityNumber < WARN;
  return quiet ? byRank * weights.quietEvidence : byRank;
}

/** How surely the evidence leads to the article through a link (0 when it does not). */
function linkStrength(
  article: ArticleFacts,
  evidence: IssueEvidence,
  weights: SuggestionWeights,
): number {
  const sure = (id: string) => {
    const learned = article.learnedLinks?.[id];
    return learned === undefined ? 1 : learned.tickets / (learned.ofId + weights.linkPrior);
  };
  let best = 0;
  if (evidence.issueId !== null && article.issues.includes(evidence.issueId)) {
    best = sure(evidence.issueId);
  }
  if (article.signatures.includes(evidence.signatureId)) {
    best = Math.max(best, sure(evidence.signatureId));
  }
  return best;
}

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
  const weights = input.weights ?? SUGGESTION_WEIGHTS;
  let maxText = 0;
  for (let i = 0; i < input.articles.length; i++) {
    maxText = Math.max(maxText, input.textScores[i] ?? 0);
  }
  const logText = (input.logText ?? []).map(({ evidence, scores }) => {
    let max = 0;
    for (let i = 0; i < input.articles.length; i++) max = Math.max(max, scores[i] ?? 0);
    return { evidence, scores, max, weight: evidenceWeight(evidence, weights) };
  });
  // A template no article describes well (a generic timeout among the
  // candidates) still hands its best article a full share; how well that best
  // article fits, against the best fit of any candidate's template, says how
  // much the template tells about which article answers.
  const bestOfTemplates = logText.reduce((best, l) => Math.max(best, l.max), 0);
  for (const l of logText) l.weight *= bestOfTemplates > 0 ? l.max / bestOfTemplates : 0;
  const found: {
    article: ArticleFacts;
    reasons: Reason[];
    match: number;
    linked: number;
    issueCameBack: boolean;
  }[] = [];
  let bestMatch = 0;
  input.articles.forEach((article, index) => {
    const reasons: Reason[] = [];
    let words = 0;
    let logs = 0;
    let linked = 0;
    const text = input.textScores[index] ?? 0;
    // A share that rounds to nothing is no reason to show an article.
    if (text > 0 && maxText > 0 && round(text / maxText) > 0) {
      const share = text / maxText;
      words = weights.text * share;
      reasons.push({
        kind: "text",
        score: round(share),
        terms: input.matchedTerms?.(index) ?? [],
      });
    }
    for (const { evidence, scores, max, weight } of logText) {
      const value = scores[index] ?? 0;
      if (value <= 0 || max <= 0 || round(value / max) === 0) continue;
      const share = value / max;
      logs += weights.logText * share ** weights.logTextSharpness * weight;
      reasons.push({
        kind: "log_text",
        issueId: evidence.issueId,
        signatureId: evidence.signatureId,
        rank: evidence.rank,
        score: round(share),
      });
    }
    let issueCameBack = false;
    let candidate = 0;
    for (const evidence of input.evidence) {
      const strength = linkStrength(article, evidence, weights);
      if (strength === 0) continue;
      issueCameBack = true;
      if (evidence.linked) {
        linked = Math.max(linked, weights.linkedIssue * strength);
        reasons.push({
          kind: "linked_issue",
          issueId: evidence.issueId,
          signatureId: evidence.signatureId,
        });
      } else {
        candidate = Math.max(
          candidate,
          weights.candidateIssue * strength * evidenceWeight(evidence, weights),
        );
        reasons.push({
          kind: "candidate_issue",
          issueId: evidence.issueId,
          signatureId: evidence.signatureId,
          rank: evidence.rank,
        });
      }
    }
    if (words + logs + candidate + linked === 0) return;
    let match = (weights.textFloor + words) * (weights.evidenceFloor + logs + candidate);
    const recent = input.recent?.[index];
    if (recent !== undefined && recent.of > 0) {
      match *= ((recent.tickets + 1) / (recent.of + 1)) ** weights.recentSharpness;
      reasons.push({ kind: "recent", days: weights.recentDays, ...recent });
    }
    bestMatch = Math.max(bestMatch, match);
    found.push({ article, reasons, match, linked, issueCameBack });
  });
  const out: Suggestion[] = found.map(({ article, reasons, match, linked, issueCameBack }) => {
    // A person's link lifts the article above whatever words and logs say of the others.
    let score = match + linked * (1 + bestMatch);
    const votes = article.helpful + article.notHelpful;
    if (votes > 0) {
      score -= weights.notHelpful * article.notHelpful / (votes + 2);
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
      if (!fits) score *= weights.versionMisfit;
    }
    return { articleId: article.articleId, title: article.title, score: round(score), reasons };
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
