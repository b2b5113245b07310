/** The knowledge base over HTTP: articles, import/export, search, suggestions, feedback. */
import { Pacer } from "../../ports/pacing.ts";
import { LoupeError } from "../../ports/errors.ts";
import { etag } from "./versions.ts";
import { type Context, Hono } from "hono";
import { z } from "zod";
import {
  type Article,
  ARTICLE_STATUSES,
  FEEDBACK_KINDS,
  type Reason,
} from "../../domain/kb/mod.ts";
import type { ArticleDetail, KbApi, SuggestionList } from "../../ports/kb.ts";
import {
  articleInput,
  articleJsonLine,
  articleMarkdown,
  importedOf,
  parseArticlesJson,
  parseArticlesJsonl,
  parseMarkdownArticle,
} from "../kb/articles_io.ts";
import { isoTime as iso } from "../iso_time.ts";
import { parseJsonText } from "../json_text.ts";
import { principalOf } from "./access.ts";
import { customerScope } from "../../domain/access/principal.ts";
import type { RouteDoc } from "./openapi.ts";
import {
  limitParam,
  offsetParam,
  readTextBody,
  readTextPartsPaced,
  writeOptionsOf,
} from "./request.ts";

export interface KbRouteDeps {
  readonly maxBodyBytes?: number;
}

const searchQuery = z.object({
  q: z.string().max(10_000).default(""),
  tag: z.string().min(1).max(500).optional(),
  service: z.string().min(1).max(500).optional(),
  version: z.string().min(1).max(100).optional(),
  status: z.enum([...ARTICLE_STATUSES, "any"]).default("published"),
  limit: limitParam(100, 10),
  offset: offsetParam,
}).strict();

const limitQuery = z.object({
  limit: limitParam(100, 5),
}).strict();

const suggestBody = z.object({
  text: z.string().min(1).max(1_000_000),
  version: z.string().min(1).max(100).nullable().default(null),
  limit: z.number().int().min(1).max(100).default(5),
}).strict();

const draftBody = z.object({ issue_id: z.string().min(1).max(200) }).strict();
const candidateQuery = z.object({
  limit: limitParam(500, 20),
}).strict();
const gapQuery = z.object({
  days: limitParam(3650, 30),
  limit: limitParam(500, 20),
}).strict();
const feedbackBody = z.object({ kind: z.enum(FEEDBACK_KINDS) }).strict();
const retireBody = z.object({ reason: z.string().max(2_000).nullable().default(null) }).strict();
/** An article written through the API: the id comes from the path or is made. */
const articleBody = articleInput.omit({ id: true, status: true, incident: true });
const exportQuery = z.object({ format: z.enum(["jsonl", "json", "markdown"]).default("jsonl") })
  .strict();

async function jsonBody(c: Context, limit: number): Promise<unknown> {
  const raw = await readTextBody(c.req.raw, limit);
  return raw.trim() === "" ? {} : parseJsonText(raw);
}

function articleContentJson(c: Article["content"]) {
  return {
    title: c.title,
    symptom: c.symptom,
    cause: c.cause,
    steps: c.steps,
    body: c.body,
    applies_to: c.appliesTo,
    tags: c.tags,
    issues: c.issues,
    signatures: c.signatures,
    source_tickets: c.sourceTickets,
    fixed_in: c.fixedIn,
  };
}

export function articleJson(article: Article) {
  return {
    article_id: article.articleId,
    version: article.version,
    status: article.status,
    ...articleContentJson(article.content),
    created_at: iso(article.createdAt),
    updated_at: iso(article.updatedAt),
    revisions: article.revisions.map((r) => ({
      revision: r.revision,
      at: iso(r.at),
      by: r.by,
      ...articleContentJson(r.content),
    })),
  };
}

/**
 * What a customer reads of a published article: its text, not the tickets
 * (of any customer) it came from, its links, drafts or who edited it.
 */
export function publishedArticleJson(article: Article) {
  const {
    issues: _issues,
    signatures: _signatures,
    source_tickets: _sourceTickets,
    ...text
  } = articleContentJson(article.content);
  return {
    article_id: article.articleId,
    version: article.version,
    status: article.status,
    ...text,
    created_at: iso(article.createdAt),
    updated_at: iso(article.updatedAt),
  };
}

/** A customer token reads the knowledge base as its customers do: published articles only. */
function readsAsCustomer(c: Context): boolean {
  return customerScope(principalOf(c).role) !== null;
}

export function articleDetailJson(detail: ArticleDetail) {
  return {
    ...articleJson(detail.article),
    linked_issues: detail.issues,
    linked_signatures: detail.signatures,
    tickets: detail.tickets.map((t) => ({ ticket_id: t.ticketId, kind: t.kind, at: iso(t.at) })),
    helpful: detail.helpful,
    not_helpful: detail.notHelpful,
    resolved: detail.resolved,
  };
}

function reasonJson(reason: Reason) {
  switch (reason.kind) {
    case "text":
      return { kind: reason.kind, score: reason.score, terms: reason.terms };
    case "linked_issue":
      return { kind: reason.kind, issue_id: reason.issueId, signature_id: reason.signatureId };
    case "candidate_issue":
      return {
        kind: reason.kind,
        issue_id: reason.issueId,
        signature_id: reason.signatureId,
        rank: reason.rank,
      };
    case "log_text":
      return {
        kind: reason.kind,
        issue_id: reason.issueId,
        signature_id: reason.signatureId,
        rank: reason.rank,
        score: reason.score,
      };
    case "feedback":
      return { kind: reason.kind, helpful: reason.helpful, not_helpful: reason.notHelpful };
    case "recent":
      return { kind: reason.kind, days: reason.days, tickets: reason.tickets, of: reason.of };
    case "version":
      return {
        kind: reason.kind,
        customer_version: reason.customerVersion,
        fixed_in: reason.fixedIn,
        fits: reason.fits,
      };
  }
}

export function suggestionsJson(list: SuggestionList) {
  return {
    subject: list.subject,
    customer_version: list.customerVersion,
    items: list.items.map((s, i) => ({
      rank: i + 1,
      article_id: s.articleId,
      title: s.title,
      score: s.score,
      reasons: s.reasons.map(reasonJson),
    })),
  };
}

export function kbRoutes(api: KbApi, deps: KbRouteDeps = {}): Hono {
  const http = new Hono();
  const maxBodyBytes = deps.maxBodyBytes ?? 16 * 1024 * 1024;

  http.post("/v1/kb/articles/import", async (c) => {
    const type = (c.req.header("content-type") ?? "application/json").toLowerCase();
    const pacer = new Pacer();
    const parts = await readTextPartsPaced(c.req.raw, maxBodyBytes, pacer);
    const articles = type.includes("ndjson") || type.includes("jsonl")
      ? await parseArticlesJsonl(parts.join(""), pacer)
      : type.includes("markdown")
      ? [parseMarkdownArticle(parts.join(""), c.req.query("id") ?? "article.md")]
      : await parseArticlesJson(parts, pacer);
    const report = await api.importArticles(articles, writeOptionsOf(c));
    return c.json({
      created: report.created,
      updated: report.updated,
      unchanged: report.unchanged,
      article_ids: report.articleIds,
    });
  });

  http.get("/v1/kb/articles", (c) => {
    const { format } = exportQuery.parse(c.req.query());
    const articles = api.articles();
    if (format === "json") return c.json({ articles: articles.map(articleJson) });
    if (format === "markdown") {
      return c.json({
        files: articles.map((a) => ({ name: `${a.articleId}.md`, text: articleMarkdown(a) })),
      });
    }
    c.header("Content-Type", "application/x-ndjson");
    return c.body(articles.map((a) => articleJsonLine(a) + "\n").join(""));
  });

  http.post("/v1/kb/articles", async (c) => {
    const body = articleBody.parse(await jsonBody(c, maxBodyBytes));
    const { content } = importedOf({ ...body, id: "new", status: "draft" });
    const article = await api.draftArticle(content, writeOptionsOf(c));
    c.header("Location", `/v1/kb/articles/${article.articleId}`);
    c.header("ETag", etag(article.version));
    return c.json(articleJson(article), 201);
  });

  http.get("/v1/kb/articles/:id", (c) => {
    const detail = api.article(c.req.param("id"));
    if (readsAsCustomer(c)) {
      // A draft or retired article is not there for a customer, not forbidden.
      if (detail.article.status !== "published") {
        throw new LoupeError("not_found", `Cannot find article ${c.req.param("id")}`);
      }
      return c.json(publishedArticleJson(detail.article));
    }
    c.header("ETag", etag(detail.article.version));
    return c.json(articleDetailJson(detail));
  });

  http.put("/v1/kb/articles/:id", async (c) => {
    const body = articleBody.parse(await jsonBody(c, maxBodyBytes));
    const { content } = importedOf({ ...body, id: c.req.param("id"), status: "draft" });
    const article = await api.editArticle(c.req.param("id"), content, writeOptionsOf(c));
    c.header("ETag", etag(article.version));
    return c.json(articleJson(article));
  });

  http.post("/v1/kb/articles/:id/publish", async (c) => {
    const article = await api.publishArticle(c.req.param("id"), writeOptionsOf(c));
    c.header("ETag", etag(article.version));
    return c.json(articleJson(article));
  });

  http.post("/v1/kb/articles/:id/retire", async (c) => {
    const body = retireBody.parse(await jsonBody(c, maxBodyBytes));
    const article = await api.retireArticle(c.req.param("id"), body.reason, writeOptionsOf(c));
    c.header("ETag", etag(article.version));
    return c.json(articleJson(article));
  });

  http.get("/v1/kb/search", (c) => {
    const query = searchQuery.parse(c.req.query());
    if (readsAsCustomer(c) && query.status !== "published") {
      throw new LoupeError("forbidden", "A customer token searches published articles only");
    }
    const page = api.search({
      q: query.q,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
      ...(query.tag === undefined ? {} : { tag: query.tag }),
      ...(query.service === undefined ? {} : { service: query.service }),
      ...(query.version === undefined ? {} : { version: query.version }),
    });
    return c.json({
      total: page.total,
      limit: query.limit,
      offset: query.offset,
      items: page.items.map((hit) => ({
        article_id: hit.articleId,
        title: hit.title,
        status: hit.status,
        score: hit.score,
        highlights: hit.highlights,
        corrections: hit.corrections,
      })),
    });
  });

  http.post("/v1/kb/suggest", async (c) => {
    const body = suggestBody.parse(await jsonBody(c, maxBodyBytes));
    return c.json(suggestionsJson(api.suggestForText(body.text, body.limit, body.version)));
  });

  http.get("/v1/tickets/:id/articles", async (c) => {
    const { limit } = limitQuery.parse(c.req.query());
    return c.json(suggestionsJson(await api.suggestForTicket(c.req.param("id"), limit)));
  });

  http.get("/v1/issues/:id/articles", (c) => {
    const { limit } = limitQuery.parse(c.req.query());
    return c.json(suggestionsJson(api.suggestForIssue(c.req.param("id"), limit)));
  });

  http.post("/v1/tickets/:id/articles/:aid/feedback", async (c) => {
    const body = feedbackBody.parse(await jsonBody(c, maxBodyBytes));
    const detail = await api.recordFeedback(
      c.req.param("id"),
      c.req.param("aid"),
      body.kind,
      writeOptionsOf(c),
    );
    return c.json(articleDetailJson(detail), 201);
  });

  http.get("/v1/kb/candidates", (c) => {
    const { limit } = candidateQuery.parse(c.req.query());
    return c.json({
      items: api.articleCandidates(limit).map((k) => ({
        issue_id: k.issueId,
        signatures: k.signatures,
        tickets: k.tickets,
        ticket_count: k.tickets.length,
        consistency: k.consistency,
        support_hours: k.supportHours,
        score: k.score,
        self_service: k.selfService,
        reasons: k.reasons,
      })),
    });
  });

  http.post("/v1/kb/drafts", async (c) => {
    const body = draftBody.parse(await jsonBody(c, maxBodyBytes));
    const article = await api.draftForIssue(body.issue_id, writeOptionsOf(c));
    c.header("Location", `/v1/kb/articles/${article.articleId}`);
    c.header("ETag", etag(article.version));
    return c.json(articleJson(article), 201);
  });

  http.get("/v1/kb/gaps", (c) => {
    const query = gapQuery.parse(c.req.query());
    const report = api.gapReport(query.days, query.limit);
    return c.json({
      days: query.days,
      tickets: report.tickets,
      unanswered: report.unanswered,
      topics: report.topics.map((t) => ({
        count: t.count,
        terms: t.terms,
        examples: t.examples.map((e) => ({ ticket_id: e.ticketId, subject: e.subject })),
      })),
    });
  });

  return http;
}

const isoTimeReply = z.string().describe("ISO 8601, UTC");
const strings = z.array(z.string());
const articleContentReply = {
  title: z.string(),
  symptom: z.string(),
  cause: z.string(),
  steps: strings,
  body: z.string(),
  applies_to: z.object({ services: strings, versions: strings, environments: strings })
    .describe("where it applies; empty lists mean everywhere"),
  tags: strings,
  issues: strings,
  signatures: strings,
  source_tickets: strings,
  fixed_in: z.string().nullable(),
};
const articleReply = z.object({
  article_id: z.string(),
  version: z.number().int().describe("the ETag"),
  status: z.enum(ARTICLE_STATUSES),
  ...articleContentReply,
  created_at: isoTimeReply,
  updated_at: isoTimeReply,
  revisions: z.array(z.object({
    revision: z.number().int(),
    at: isoTimeReply,
    by: z.string().nullable(),
    ...articleContentReply,
  })),
}).meta({ id: "Article" });
const articleDetailReply = articleReply.extend({
  linked_issues: strings,
  linked_signatures: strings,
  tickets: z.array(z.object({
    ticket_id: z.string(),
    kind: z.enum(FEEDBACK_KINDS),
    at: isoTimeReply,
  })),
  helpful: z.number().int(),
  not_helpful: z.number().int(),
  resolved: z.number().int(),
}).meta({ id: "ArticleDetail" });
const publishedArticleReply = z.object({
  article_id: z.string(),
  version: z.number().int(),
  status: z.literal("published"),
  ...Object.fromEntries(
    Object.entries(articleContentReply).filter(([key]) =>
      !["issues", "signatures", "source_tickets"].includes(key)
    ),
  ),
  created_at: isoTimeReply,
  updated_at: isoTimeReply,
}).meta({ id: "PublishedArticle" });
const reasonReply = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), score: z.number(), terms: strings }),
  z.object({
    kind: z.literal("linked_issue"),
    issue_id: z.string().nullable(),
    signature_id: z.string(),
  }),
  z.object({
    kind: z.literal("candidate_issue"),
    issue_id: z.string().nullable(),
    signature_id: z.string(),
    rank: z.number().int(),
  }),
  z.object({
    kind: z.literal("log_text"),
    issue_id: z.string().nullable(),
    signature_id: z.string(),
    rank: z.number().int(),
    score: z.number(),
  }),
  z.object({
    kind: z.literal("feedback"),
    helpful: z.number().int(),
    not_helpful: z.number().int(),
  }),
  z.object({
    kind: z.literal("recent"),
    days: z.number(),
    tickets: z.number().int(),
    of: z.number().int(),
  }),
  z.object({
    kind: z.literal("version"),
    customer_version: z.string(),
    fixed_in: z.string().nullable(),
    fits: z.boolean(),
  }),
]);
const suggestionsReply = z.object({
  subject: z.object({ kind: z.enum(["ticket", "issue", "text"]), id: z.string().nullable() }),
  customer_version: z.string().nullable(),
  items: z.array(z.object({
    rank: z.number().int(),
    article_id: z.string(),
    title: z.string(),
    score: z.number(),
    reasons: z.array(reasonReply),
  })),
}).meta({ id: "ArticleSuggestions" });
/** The bodies `POST /v1/kb/articles/import` reads as JSON, each article checked with `articleInput`. */
const articleImportJson = z.union([
  z.object({ articles: z.array(articleInput) }),
  z.array(articleInput),
]);
const WRITE_ERRORS = [400, 401, 403, 404, 409, 412, 413];

/** What `/openapi.json` says about the routes above. */
export const kbRouteDocs: readonly RouteDoc[] = [
  {
    method: "post",
    path: "/v1/kb/articles/import",
    summary: "Import articles: JSON, JSON lines, or one Markdown file with front matter",
    description: "Each article is brought to the content and status given, whatever it was. " +
      "For a Markdown body, `?id=` names the file (its id when the front matter has none). " +
      "Header X-Actor names who imported.",
    tag: "kb",
    body: {
      "application/json": articleImportJson,
      "application/x-ndjson": "one article per line, each as in the JSON form",
      "text/markdown": "one article: YAML front matter (the JSON form's fields) and a body",
    },
    responses: {
      200: {
        description: "What changed",
        schema: z.object({
          created: z.number().int(),
          updated: z.number().int(),
          unchanged: z.number().int(),
          article_ids: strings,
        }),
      },
    },
    errors: [400, 401, 403, 409, 412, 413],
  },
  {
    method: "get",
    path: "/v1/kb/articles",
    summary: "Export every article: JSON lines (default), JSON, or Markdown files",
    description: "`format=jsonl` answers application/x-ndjson, one article per line in the " +
      "shape import reads; `json` and `markdown` answer JSON.",
    tag: "kb",
    query: exportQuery,
    responses: {
      200: {
        description: "The articles",
        schema: z.union([
          z.object({ articles: z.array(articleReply) }),
          z.object({ files: z.array(z.object({ name: z.string(), text: z.string() })) }),
        ]),
        mediaType: "application/x-ndjson",
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/kb/articles",
    summary: "Write a draft article (Location, ETag; header X-Actor)",
    tag: "kb",
    body: { "application/json": articleBody },
    responses: { 201: { description: "The draft", schema: articleReply } },
    errors: [400, 401, 403, 409, 412, 413],
  },
  {
    method: "get",
    path: "/v1/kb/articles/:id",
    summary: "An article with its revisions, links and feedback (ETag); " +
      "a customer token reads a published article's text only",
    tag: "kb",
    responses: {
      200: {
        description: "The article",
        schema: z.union([articleDetailReply, publishedArticleReply]),
      },
    },
    errors: [401, 403, 404],
  },
  {
    method: "put",
    path: "/v1/kb/articles/:id",
    summary: "Edit an article: a new revision (If-Match)",
    tag: "kb",
    body: { "application/json": articleBody },
    responses: { 200: { description: "The article", schema: articleReply } },
    errors: WRITE_ERRORS,
  },
  {
    method: "post",
    path: "/v1/kb/articles/:id/publish",
    summary: "Publish an article (If-Match)",
    tag: "kb",
    responses: { 200: { description: "The article", schema: articleReply } },
    errors: [401, 403, 404, 409, 412],
  },
  {
    method: "post",
    path: "/v1/kb/articles/:id/retire",
    summary: "Retire an article, with a reason (If-Match)",
    tag: "kb",
    body: { "application/json": retireBody },
    responses: { 200: { description: "The article", schema: articleReply } },
    errors: WRITE_ERRORS,
  },
  {
    method: "get",
    path: "/v1/kb/search",
    summary: "Search articles (typo-tolerant), with highlighted passages",
    tag: "kb",
    query: searchQuery,
    responses: {
      200: {
        description: "A page of hits, best first",
        schema: z.object({
          total: z.number().int(),
          limit: z.number().int(),
          offset: z.number().int(),
          items: z.array(z.object({
            article_id: z.string(),
            title: z.string(),
            status: z.enum(ARTICLE_STATUSES),
            score: z.number(),
            highlights: z.record(z.string(), z.string())
              .describe("field -> a passage with the matched words in <mark>"),
            corrections: z.record(z.string(), z.string())
              .describe("query word -> the indexed word it was corrected to"),
          })),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/kb/suggest",
    summary: "Articles that answer a text (a customer's question), with reasons",
    tag: "kb",
    body: { "application/json": suggestBody },
    responses: { 200: { description: "Suggestions, best first", schema: suggestionsReply } },
    errors: [400, 401, 403, 413],
  },
  {
    method: "get",
    path: "/v1/tickets/:id/articles",
    summary: "Articles that answer a ticket, from its words and the issues behind it",
    tag: "kb",
    query: limitQuery,
    responses: { 200: { description: "Suggestions, best first", schema: suggestionsReply } },
    errors: [400, 401, 403, 404],
  },
  {
    method: "get",
    path: "/v1/issues/:id/articles",
    summary: "Articles that answer an issue (or a signature)",
    tag: "kb",
    query: limitQuery,
    responses: { 200: { description: "Suggestions, best first", schema: suggestionsReply } },
    errors: [400, 401, 403, 404],
  },
  {
    method: "post",
    path: "/v1/tickets/:id/articles/:aid/feedback",
    summary: "Say whether an article helped with a ticket: helpful, not_helpful, resolved",
    description: "Also teaches the link between the article and the issues behind the ticket.",
    tag: "kb",
    body: { "application/json": feedbackBody },
    responses: {
      201: { description: "The article with its feedback", schema: articleDetailReply },
    },
    errors: [400, 401, 403, 404, 412, 413],
  },
  {
    method: "get",
    path: "/v1/kb/candidates",
    summary: "Recurring issues with resolved tickets and no article, best to write first",
    tag: "kb",
    query: candidateQuery,
    responses: {
      200: {
        description: "Candidates, best first",
        schema: z.object({
          items: z.array(z.object({
            issue_id: z.string().describe("a signature id where no issue was detected"),
            signatures: strings,
            tickets: strings,
            ticket_count: z.number().int(),
            consistency: z.number(),
            support_hours: z.number(),
            score: z.number(),
            self_service: z.boolean(),
            reasons: strings,
          })),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/kb/drafts",
    summary: "Draft an article from an issue's resolved tickets (Location, ETag)",
    tag: "kb",
    body: { "application/json": draftBody },
    responses: { 201: { description: "The draft", schema: articleReply } },
    errors: [400, 401, 403, 404, 409, 412, 413],
  },
  {
    method: "get",
    path: "/v1/kb/gaps",
    summary: "Topics of recent tickets no article answers",
    tag: "kb",
    query: gapQuery,
    responses: {
      200: {
        description: "The tickets of the last `days` days of data, and the unanswered topics",
        schema: z.object({
          days: z.number().int(),
          tickets: z.number().int().describe("tickets opened within the period"),
          unanswered: z.number().int().describe("of those, tickets no article answers"),
          topics: z.array(z.object({
            count: z.number().int(),
            terms: strings,
            examples: z.array(z.object({ ticket_id: z.string(), subject: z.string() })),
          })),
        }),
      },
    },
    errors: [400, 401, 403],
  },
];
