/**
 * The knowledge base as the application offers it: articles, search,
 * suggestions for tickets, issues and text, and feedback.
 */
import type {
  Article,
  ArticleContent,
  ArticleStatus,
  FeedbackKind,
  Reason,
} from "../domain/kb/mod.ts";

export interface KbWriteOptions {
  readonly by?: string | null;
  /** The article version the caller saw (If-Match); a newer one refuses the write. */
  readonly expectedVersion?: number;
}

/** One article as a file or a JSON line brings it, before it is an event. */
export interface ImportedArticle {
  readonly articleId: string;
  readonly content: ArticleContent;
  readonly status: ArticleStatus;
}

export interface ImportReport {
  readonly created: number;
  readonly updated: number;
  readonly unchanged: number;
  readonly articleIds: readonly string[];
}

export interface ArticleUse {
  readonly ticketId: string;
  readonly kind: FeedbackKind;
  readonly at: number;
}

export interface ArticleDetail {
  readonly article: Article;
  /** Issues and signatures the article is linked to: its own and those learned from tickets. */
  readonly issues: readonly string[];
  readonly signatures: readonly string[];
  readonly tickets: readonly ArticleUse[];
  readonly helpful: number;
  readonly notHelpful: number;
  readonly resolved: number;
}

export interface SearchQuery {
  readonly q: string;
  readonly tag?: string;
  readonly service?: string;
  readonly version?: string;
  /** Default: published. */
  readonly status?: ArticleStatus | "any";
  readonly limit: number;
  readonly offset: number;
}

export interface SearchHit {
  readonly articleId: string;
  readonly title: string;
  readonly status: ArticleStatus;
  readonly score: number;
  /** Field -> a short passage with the matched words in `<mark>`. */
  readonly highlights: Readonly<Record<string, string>>;
  /** Query words matched through a typo correction: written -> as indexed. */
  readonly corrections: Readonly<Record<string, string>>;
}

export interface SearchPage {
  readonly total: number;
  readonly items: readonly SearchHit[];
}

export interface SuggestionView {
  readonly articleId: string;
  readonly title: string;
  readonly score: number;
  readonly reasons: readonly Reason[];
}

export interface SuggestionList {
  readonly subject: { readonly kind: "ticket" | "issue" | "text"; readonly id: string | null };
  readonly customerVersion: string | null;
  readonly items: readonly SuggestionView[];
}

export interface ArticleCandidateView {
  /** The issue id (a signature id where no issue was detected). */
  readonly issueId: string;
  readonly signatures: readonly string[];
  readonly tickets: readonly string[];
  readonly consistency: number;
  readonly supportHours: number;
  readonly score: number;
  readonly selfService: boolean;
  readonly reasons: readonly string[];
}

export interface GapReport {
  /** Tickets looked at (opened within the period). */
  readonly tickets: number;
  /** Of those, tickets no article answers. */
  readonly unanswered: number;
  readonly topics: readonly {
    readonly count: number;
    readonly terms: readonly string[];
    readonly examples: readonly { readonly ticketId: string; readonly subject: string }[];
  }[];
}

export interface KbApi {
  /** Recurring issues with resolved tickets and no article, best first. */
  articleCandidates(limit: number): ArticleCandidateView[];
  /** An article in draft state written from the issue's resolved tickets. */
  draftForIssue(issueId: string, options?: KbWriteOptions): Promise<Article>;
  /** Topics of tickets opened in the last `days` days of data that no article answers. */
  gapReport(days: number, limit: number): GapReport;
  importArticles(
    articles: readonly ImportedArticle[],
    options?: KbWriteOptions,
  ): Promise<ImportReport>;
  draftArticle(content: ArticleContent, options?: KbWriteOptions): Promise<Article>;
  editArticle(
    articleId: string,
    content: ArticleContent,
    options?: KbWriteOptions,
  ): Promise<Article>;
  publishArticle(articleId: string, options?: KbWriteOptions): Promise<Article>;
  retireArticle(
    articleId: string,
    reason: string | null,
    options?: KbWriteOptions,
  ): Promise<Article>;
  /** Throws LoupeError not_found. */
  article(articleId: string): ArticleDetail;
  articles(): readonly Article[];
  search(query: SearchQuery): SearchPage;
  suggestForText(text: string, limit: number, version?: string | null): SuggestionList;
  suggestForTicket(ticketId: string, limit: number): Promise<SuggestionList>;
  suggestForIssue(issueId: string, limit: number): SuggestionList;
  recordFeedback(
    ticketId: string,
    articleId: string,
    kind: FeedbackKind,
    options?: KbWriteOptions,
  ): Promise<ArticleDetail>;
}
