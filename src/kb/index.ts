import {
  analyzeArticle,
  type Article,
  type ArticleFacts,
  type ArticleFeedbackData,
  ArticleRanker,
  type FieldedDoc,
  learnedField,
  type LearnedLink,
  RecentAnswers,
  teaches,
  TicketVocabulary,
} from "../../domain/kb/mod.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import { KB_TABLES } from "./projection.ts";

/** Everything search and suggestion read, built once per knowledge-base revision. */
export interface KbIndex {
  readonly revision: number;
  readonly articles: readonly Article[];
  readonly facts: readonly ArticleFacts[];
  readonly ranker: ArticleRanker;
  readonly position: ReadonlyMap<string, number>;
  /** Articles by linked issue or signature id (their own links and those learned). */
  readonly byLink: ReadonlyMap<string, readonly number[]>;
  /** When the tickets each article answered were opened: which problems are going round. */
  readonly recent: RecentAnswers;
  /** The words of the tickets articles taught, for weighing a question's words. */
  readonly vocabulary: TicketVocabulary;
  /** Each article's analysed fields by `id@version`, for the next rebuild to reuse. */
  readonly analyzed: ReadonlyMap<string, FieldedDoc>;
}

/**
 * Builds the index from the projection: the article's own fields, plus the
 * words of every ticket that found it helpful or was resolved with it (a
 * separate field, so a ticket's words never outweigh the title, each word
 * by the share of those tickets that use it), and the vocabulary of those
 * tickets, by which a question's common words count less.
 */
export function buildKbIndex(
  reader: ProjectionReader,
  revision: number,
  previous?: KbIndex,
): KbIndex {
  const articles = [...reader.range<Article>(KB_TABLES.articles)].map((e) => e.value);
  const position = new Map(articles.map((a, i) => [a.articleId, i]));
  const learned = articles.map(() => [] as string[]);
  const links = articles.map((a) => ({
    issues: new Set(a.content.issues),
    signatures: new Set(a.content.signatures),
  }));
  const votes = articles.map(() => ({ helpful: 0, notHelpful: 0 }));
  // Tickets that taught each article each id, and all tickets behind each id.
  const taught = articles.map(() => new Map<string, number>());
  const taughtTotal = new Map<string, number>();
  // A ticket that taught two articles is one question.
  const teachingTickets = new Map<
    string,
    { words: string; articles: string[]; openedAt: number }
  >();
  const answeredAt = articles.map(() => [] as number[]);
  for (const { value } of reader.range<ArticleFeedbackData>(KB_TABLES.feedback)) {
    const at = position.get(value.articleId);
    if (at === undefined) continue;
    if (value.kind === "not_helpful") votes[at]!.notHelpful++;
    else votes[at]!.helpful++;
    if (!teaches(value.kind)) continue;
    learned[at]!.push(value.words);
    // Feedback recorded before open times were kept: its own time is the nearest known.
    const openedAt = value.ticketOpenedAt ?? value.at;
    answeredAt[at]!.push(openedAt);
    const question = teachingTickets.get(value.ticketId);
    if (question === undefined) {
      teachingTickets.set(value.ticketId, {
        words: value.words,
        articles: [value.articleId],
        openedAt,
      });
    } else question.articles.push(value.articleId);
    for (const id of value.issues) links[at]!.issues.add(id);
    for (const id of value.signatures) links[at]!.signatures.add(id);
    for (const id of new Set([...value.issues, ...value.signatures])) {
      taught[at]!.set(id, (taught[at]!.get(id) ?? 0) + 1);
      taughtTotal.set(id, (taughtTotal.get(id) ?? 0) + 1);
    }
  }
  // Feedback changes only what articles learned: an unchanged article's own
  // fields are analysed once, not on every rebuild.
  const analyzed = new Map<string, FieldedDoc>();
  const docs = articles.map((a, i) => {
    const key = `${a.articleId}@${a.version}`;
    const own = previous?.analyzed.get(key) ?? analyzeArticle({
      id: a.articleId,
      title: a.content.title,
      symptom: a.content.symptom,
      cause: a.content.cause,
      steps: a.content.steps.join("\n"),
      body: [a.content.body, a.content.tags.join(" ")].join("\n"),
    });
    analyzed.set(key, own);
    const words = learned[i]!;
    if (words.length === 0) return own;
    const field = learnedField(words);
    return {
      id: own.id,
      fields: { ...own.fields, learned: field.terms },
      weights: { learned: field.weights },
    };
  });
  const ranker = new ArticleRanker(docs);
  const facts: ArticleFacts[] = articles.map((a, i) => ({
    articleId: a.articleId,
    title: a.content.title,
    issues: [...links[i]!.issues].sort(),
    signatures: [...links[i]!.signatures].sort(),
    fixedIn: a.content.fixedIn,
    versions: a.content.appliesTo.versions,
    helpful: votes[i]!.helpful,
    notHelpful: votes[i]!.notHelpful,
    learnedLinks: learnedLinks(a, taught[i]!, taughtTotal),
  }));
  const byLink = new Map<string, number[]>();
  facts.forEach((f, i) => {
    for (const id of [...f.issues, ...f.signatures]) {
      const list = byLink.get(id) ?? [];
      if (!list.includes(i)) list.push(i);
      byLink.set(id, list);
    }
  });
  const vocabulary = new TicketVocabulary(teachingTickets.values());
  const recent = new RecentAnswers(
    answeredAt,
    [...teachingTickets.values()].map((q) => q.openedAt),
  );
  return { revision, articles, facts, ranker, position, byLink, analyzed, vocabulary, recent };
}

/** The ids an article learned from tickets (and does not name itself), with their counts. */
function learnedLinks(
  article: Article,
  taught: ReadonlyMap<string, number>,
  total: ReadonlyMap<string, number>,
): Record<string, LearnedLink> {
  const own = new Set([...article.content.issues, ...article.content.signatures]);
  const out: Record<string, LearnedLink> = {};
  for (const [id, tickets] of [...taught].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    if (!own.has(id)) out[id] = { tickets, ofId: total.get(id)! };
  }
  return out;
}
