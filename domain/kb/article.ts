/**
 * A knowledge-base article as an event-sourced aggregate: drafted, edited
 * (every version kept), published, retired. Times arrive in the command's
 * metadata; the domain never reads a clock.
 */

export const ARTICLE_STATUSES = ["draft", "published", "retired"] as const;
export type ArticleStatus = (typeof ARTICLE_STATUSES)[number];

/** Where an article applies. Empty lists mean "everywhere". */
export interface AppliesTo {
  readonly services: readonly string[];
  readonly versions: readonly string[];
  readonly environments: readonly string[];
}

/** What a person writes: the part of an article that has versions. */
export interface ArticleContent {
  readonly title: string;
  /** What the customer sees. */
  readonly symptom: string;
  readonly cause: string;
  /** In the order they are done. */
  readonly steps: readonly string[];
  /** Free text beyond the fields (imported bodies, notes). */
  readonly body: string;
  readonly appliesTo: AppliesTo;
  readonly tags: readonly string[];
  /** Issue ids (see the issue seam in src/kb) and signature ids it answers. */
  readonly issues: readonly string[];
  readonly signatures: readonly string[];
  /** Tickets it was written from. */
  readonly sourceTickets: readonly string[];
  /** Version in which the problem was fixed, when it was: a customer past it is not helped. */
  readonly fixedIn: string | null;
}

export interface ArticleRevision {
  /** 1 for the first draft, +1 per edit. */
  readonly revision: number;
  readonly at: number;
  readonly by: string | null;
  readonly content: ArticleContent;
}

export interface Article {
  readonly articleId: string;
  /** Events in the article's stream: the ETag. */
  readonly version: number;
  readonly status: ArticleStatus;
  readonly content: ArticleContent;
  /** Every revision, oldest first; the last is `content`. */
  readonly revisions: readonly ArticleRevision[];
  readonly createdAt: number;
  readonly updatedAt: number;
}

export type ArticleState = Article | null;

export interface ArticleMetadata {
  readonly at: number;
  readonly by: string | null;
}

export type ArticleCommand =
  | { readonly type: "DraftArticle"; readonly articleId: string; readonly content: ArticleContent }
  | { readonly type: "EditArticle"; readonly content: ArticleContent }
  | { readonly type: "PublishArticle" }
  | { readonly type: "RetireArticle"; readonly reason: string | null }
  | {
    /** Bring the article to this content and status, whatever it was: what bulk import asks. */
    readonly type: "ImportArticle";
    readonly articleId: string;
    readonly content: ArticleContent;
    readonly status: ArticleStatus;
  };

export type ArticleEvent =
  | {
    readonly type: "ArticleDrafted";
    readonly data: {
      readonly articleId: string;
      readonly content: ArticleContent;
      readonly at: number;
      readonly by: string | null;
    };
  }
  | {
    readonly type: "ArticleEdited";
    readonly data: {
      readonly articleId: string;
      readonly content: ArticleContent;
      readonly at: number;
      readonly by: string | null;
    };
  }
  | {
    readonly type: "ArticlePublished";
    readonly data: { readonly articleId: string; readonly at: number; readonly by: string | null };
  }
  | {
    readonly type: "ArticleRetired";
    readonly data: {
      readonly articleId: string;
      readonly reason: string | null;
      readonly at: number;
      readonly by: string | null;
    };
  };

export const ARTICLE_EVENT_TYPES: ReadonlySet<string> = new Set([
  "ArticleDrafted",
  "ArticleEdited",
  "ArticlePublished",
  "ArticleRetired",
]);

export const ARTICLE_STREAM_PREFIX = "kb-article-";

export function articleStream(articleId: string): string {
  return `${ARTICLE_STREAM_PREFIX}${articleId}`;
}

/** A refusal, with a code the application maps to its error type. */
export class ArticleRuleViolation extends Error {
  constructor(
    readonly code: "not_found" | "already_exists" | "illegal_transition" | "invalid",
    message: string,
  ) {
    super(message);
    this.name = "ArticleRuleViolation";
  }
}

/** Longest text a field may hold: an article is read by a person. */
export const MAX_FIELD_CHARS = 100_000;

function checkContent(content: ArticleContent): void {
  if (content.title.trim() === "") {
    throw new ArticleRuleViolation("invalid", "Cannot save the article: title is empty");
  }
  const long = (["title", "symptom", "cause", "body"] as const).find((f) =>
    content[f].length > MAX_FIELD_CHARS
  );
  if (long !== undefined) {
    throw new ArticleRuleViolation(
      "invalid",
      `Cannot save the article: ${long} is longer than ${MAX_FIELD_CHARS} characters`,
    );
  }
}

/** Same content, field by field (key order does not matter). */
export function sameContent(a: ArticleContent, b: ArticleContent): boolean {
  return canonical(a) === canonical(b);
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonical(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

/**
 * What a command changes, as events; nothing when it changes nothing (an
 * import of the same content twice, publishing a published article).
 *
 * @example
 * ```ts
 * import { decide, emptyContent, evolve } from "./article.ts";
 * import assert from "node:assert/strict";
 * const meta = { at: 1, by: null };
 * const content = { ...emptyContent(), title: "Login loops" };
 * const drafted = decide({ type: "DraftArticle", articleId: "a", content }, null, meta);
 * const article = drafted.reduce(evolve, null);
 * assert.equal(article?.status, "draft");
 * assert.deepEqual(decide({ type: "ImportArticle", articleId: "a", content, status: "draft" }, article, meta), []);
 * ```
 */
export function decide(
  command: ArticleCommand,
  state: ArticleState,
  meta: ArticleMetadata,
): ArticleEvent[] {
  switch (command.type) {
    case "DraftArticle": {
      if (state !== null) {
        throw new ArticleRuleViolation(
          "already_exists",
          `Cannot draft article ${command.articleId}: it exists`,
        );
      }
      checkContent(command.content);
      return [{
        type: "ArticleDrafted",
        data: { articleId: command.articleId, content: command.content, ...meta },
      }];
    }
    case "EditArticle": {
      const article = existing(state);
      if (article.status === "retired") {
        throw new ArticleRuleViolation(
          "illegal_transition",
          `Cannot edit article ${article.articleId}: it is retired`,
        );
      }
      checkContent(command.content);
      if (sameContent(article.content, command.content)) return [];
      return [{
        type: "ArticleEdited",
        data: { articleId: article.articleId, content: command.content, ...meta },
      }];
    }
    case "PublishArticle": {
      const article = existing(state);
      if (article.status === "published") return [];
      if (article.status === "retired") {
        throw new ArticleRuleViolation(
          "illegal_transition",
          `Cannot publish article ${article.articleId}: it is retired`,
        );
      }
      return [{ type: "ArticlePublished", data: { articleId: article.articleId, ...meta } }];
    }
    case "RetireArticle": {
      const article = existing(state);
      if (article.status === "retired") return [];
      return [{
        type: "ArticleRetired",
        data: { articleId: article.articleId, reason: command.reason, ...meta },
      }];
    }
    case "ImportArticle": {
      checkContent(command.content);
      const events: ArticleEvent[] = [];
      const { articleId, content, status } = command;
      if (state === null) {
        events.push({ type: "ArticleDrafted", data: { articleId, content, ...meta } });
      } else if (!sameContent(state.content, content)) {
        events.push({ type: "ArticleEdited", data: { articleId, content, ...meta } });
      }
      const current = state?.status ?? "draft";
      if (status !== current) {
        if (status === "published") {
          events.push({ type: "ArticlePublished", data: { articleId, ...meta } });
        } else if (status === "retired") {
          events.push({ type: "ArticleRetired", data: { articleId, reason: "import", ...meta } });
        }
        // Back to draft is not a transition an import can make: the article stays as it is.
      }
      return events;
    }
  }
}

function existing(state: ArticleState): Article {
  if (state === null) {
    throw new ArticleRuleViolation("not_found", "Cannot change the article: it does not exist");
  }
  return state;
}

/** The article after one more event. */
export function evolve(state: ArticleState, event: ArticleEvent): ArticleState {
  switch (event.type) {
    case "ArticleDrafted": {
      const { articleId, content, at, by } = event.data;
      return {
        articleId,
        version: 1,
        status: "draft",
        content,
        revisions: [{ revision: 1, at, by, content }],
        createdAt: at,
        updatedAt: at,
      };
    }
    case "ArticleEdited": {
      if (state === null) return state;
      const { content, at, by } = event.data;
      return {
        ...state,
        version: state.version + 1,
        content,
        revisions: [...state.revisions, { revision: state.revisions.length + 1, at, by, content }],
        updatedAt: at,
      };
    }
    case "ArticlePublished":
      if (state === null) return state;
      return {
        ...state,
        version: state.version + 1,
        status: "published",
        updatedAt: event.data.at,
      };
    case "ArticleRetired":
      if (state === null) return state;
      return { ...state, version: state.version + 1, status: "retired", updatedAt: event.data.at };
  }
}

export function emptyContent(): ArticleContent {
  return {
    title: "",
    symptom: "",
    cause: "",
    steps: [],
    body: "",
    appliesTo: { services: [], versions: [], environments: [] },
    tags: [],
    issues: [],
    signatures: [],
    sourceTickets: [],
    fixedIn: null,
  };
}
