import type { StoredLoupeEvent } from "../../ports/event_store.ts";
import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import {
  type Article,
  ARTICLE_EVENT_TYPES,
  type ArticleEvent,
  evolve,
} from "../../domain/kb/mod.ts";
import type { Projection } from "../projections/projection.ts";

export const KB_TABLES = {
  /** [articleId] -> Article (every revision in it). */
  articles: "kb_articles",
  /** [articleId, ticketId] -> ArticleFeedbackData: the latest word of that ticket on it. */
  feedback: "kb_feedback",
  /** [ticketId, articleId] -> 1: which articles a ticket used. */
  byTicket: "kb_ticket_articles",
  /** [issue or signature id, articleId] -> 1: links from feedback, the other direction. */
  byIssue: "kb_issue_articles",
  /** ["revision"] -> count of knowledge-base events applied: the search index follows it. */
  meta: "kb_meta",
} as const;

/** Articles and feedback as read models; nothing else in the log touches them. */
export const kbProjection: Projection = {
  name: "kb@1",
  tables: Object.values(KB_TABLES),
  apply(events, tx: ProjectionWriter) {
    let applied = 0;
    for (const event of events) {
      if (isArticleEvent(event)) {
        const { articleId } = event.data;
        const before = tx.get<Article>(KB_TABLES.articles, [articleId]) ?? null;
        const after = evolve(before, event);
        if (after !== null) tx.put(KB_TABLES.articles, [articleId], after);
        applied++;
      } else if (event.type === "ArticleFeedbackRecorded") {
        const data = event.data;
        tx.put(KB_TABLES.feedback, [data.articleId, data.ticketId], data);
        tx.put(KB_TABLES.byTicket, [data.ticketId, data.articleId], 1);
        for (const id of [...data.issues, ...data.signatures]) {
          tx.put(KB_TABLES.byIssue, [id, data.articleId], 1);
        }
        applied++;
      }
    }
    if (applied > 0) tx.put(KB_TABLES.meta, ["revision"], kbRevision(tx) + applied);
  },
};

export function kbRevision(reader: ProjectionReader): number {
  return reader.get<number>(KB_TABLES.meta, ["revision"]) ?? 0;
}

function isArticleEvent(event: StoredLoupeEvent): event is StoredLoupeEvent & ArticleEvent {
  return ARTICLE_EVENT_TYPES.has(event.type);
}
