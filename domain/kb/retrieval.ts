import {
  countTerms,
  type FieldedDoc,
  FieldIndex,
  type Hit,
  PLAIN_BM25,
  type RankOptions,
  type WeightedQuery,
} from "./rank.ts";
import { plainTokens, stems } from "./text.ts";

/**
 * The text of an article as search sees it. Every field but `title` may be
 * empty; `learned` holds the words of tickets the article resolved.
 */
export interface SearchableText {
  readonly id: string;
  readonly title: string;
  readonly symptom?: string;
  readonly cause?: string;
  readonly steps?: string;
  readonly body?: string;
  readonly learned?: string;
}

/**
 * Field weights chosen from how help-desk search is usually set up (the
 * title says what the article is about, twice as telling as the rest), not
 * fitted to a corpus. Tickets' words learned from feedback count like the
 * body: they are customers' words for the same problem.
 */
export const LOUPE_RANKING: RankOptions = {
  k1: 1.2,
  fields: {
    title: { weight: 2, b: 0.75 },
    symptom: { weight: 1.5, b: 0.75 },
    cause: { weight: 1, b: 0.75 },
    steps: { weight: 1, b: 0.75 },
    body: { weight: 1, b: 0.75 },
    learned: { weight: 1, b: 0.75 },
  },
};

/**
 * A long query (a whole bug report, a pasted stack trace) keeps only its
 * strongest distinct terms by count x idf: the rest are mostly boilerplate
 * that every report shares and only blur the ranking.
 */
export const LONG_QUERY_TERMS = 40;

/**
 * An article's fields as {@link ArticleRanker} indexes them. An article that
 * did not change analyses to the same terms, so a rebuild after feedback can
 * keep them (`learned` is the only field feedback changes).
 *
 * @example
 * ```ts
 * import { analyzeArticle } from "./retrieval.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(analyzeArticle({ id: "a", title: "Exports stop" }).fields.title, ["export", "stop"]);
 * ```
 */
export function analyzeArticle(article: SearchableText): FieldedDoc {
  return {
    id: article.id,
    fields: {
      title: stems(article.title),
      symptom: stems(article.symptom ?? ""),
      cause: stems(article.cause ?? ""),
      steps: stems(article.steps ?? ""),
      body: stems(article.body ?? ""),
      learned: stems(article.learned ?? ""),
    },
  };
}

/** Analysed queries an index remembers (first in, first out). */
const QUERY_CACHE = 256;

/** Loupe's ranking of articles for a text: stemmed, fielded, long queries reduced. */
export class ArticleRanker {
  readonly index: FieldIndex;
  /** Recent queries' analysis: a ticket's text is asked again for each view of it. */
  readonly #queries = new Map<string, Map<string, number>>();

  constructor(
    articles: readonly SearchableText[] | readonly FieldedDoc[],
    options: RankOptions = LOUPE_RANKING,
  ) {
    this.index = FieldIndex.build(
      articles.map((a) => "fields" in a ? a : analyzeArticle(a)),
      options,
    );
  }

  /** The query's terms and their weights, a long query cut to its strongest terms. */
  query(text: string): Map<string, number> {
    const cached = this.#queries.get(text);
    if (cached !== undefined) return cached;
    const query = this.#analyze(text);
    if (this.#queries.size >= QUERY_CACHE) this.#queries.delete(this.#queries.keys().next().value!);
    this.#queries.set(text, query);
    return query;
  }

  #analyze(text: string): Map<string, number> {
    const counts = countTerms(stems(text));
    if (counts.size <= LONG_QUERY_TERMS) return counts;
    // Each term's strength is worked out once, not at every comparison of the sort.
    const strongest = [...counts]
      .filter(([term]) => this.index.hasTerm(term))
      .map(([term, count]) => ({ term, count, strength: count * this.index.idf(term) }))
      .sort((a, b) => b.strength - a.strength || (a.term < b.term ? -1 : 1))
      .slice(0, LONG_QUERY_TERMS);
    return new Map(strongest.map((s) => [s.term, s.count]));
  }

  search(text: string, limit: number, keep?: (doc: number) => boolean): Hit[] {
    return this.index.search(this.query(text), limit, keep);
  }

  /** Every article's score for the text (for combining with other evidence). */
  scores(text: string): Float64Array {
    return this.index.scores(this.query(text));
  }
}

/**
 * Plain BM25 (k1 1.2, b 0.75) over title and body as one text, plain
 * tokens: the baseline a team compares Loupe with.
 */
export class PlainBm25 {
  readonly index: FieldIndex;

  constructor(articles: readonly SearchableText[]) {
    this.index = FieldIndex.build(
      articles.map((a) => ({
        id: a.id,
        fields: {
          text: plainTokens(
            [a.title, a.symptom, a.cause, a.steps, a.body].filter((x) => x).join(" "),
          ),
        },
      })),
      PLAIN_BM25,
    );
  }

  search(text: string, limit: number, keep?: (doc: number) => boolean): Hit[] {
    return this.index.search(countTerms(plainTokens(text)), limit, keep);
  }
}

/**
 * The words of the tickets articles were found helpful for, as one article
 * field: each distinct term once, weighed by the share of those tickets that
 * use it. A popular article's fifty tickets then hold "hello" no more than
 * one ticket does, while a word nearly all of them share (the symptom in the
 * customers' own words) counts fully: how typical a word is of an article's
 * tickets, not how many tickets it had, is what says the article fits.
 *
 * @example
 * ```ts
 * import { learnedField } from "./retrieval.ts";
 * import assert from "node:assert/strict";
 * const field = learnedField(["Export stops", "export fails"]);
 * assert.deepEqual(field.terms, ["export", "fail", "stop"]);
 * assert.deepEqual(field.weights, [1, 0.5, 0.5]);
 * ```
 */
export function learnedField(tickets: readonly string[]): { terms: string[]; weights: number[] } {
  const share = new Map<string, number>();
  for (const words of tickets) {
    for (const term of new Set(stems(words))) {
      share.set(term, (share.get(term) ?? 0) + 1 / tickets.length);
    }
  }
  const terms = [...share.keys()].sort();
  return { terms, weights: terms.map((term) => share.get(term)!) };
}

/** A question that taught articles: its words and the articles it taught. */
export interface TaughtQuestion {
  readonly words: string;
  readonly articles: readonly string[];
}

/**
 * How many of the tickets articles were found helpful for use each term:
 * the vocabulary of the questions a knowledge base answers, as opposed to
 * that of its articles; and whether a term's tickets taught more than one
 * article.
 */
export class TicketVocabulary {
  readonly tickets: number;
  readonly #frequency: Map<string, number>;
  /** The one article a term's tickets taught, or null once they taught two. */
  readonly #answeredBy: Map<string, string | null>;

  constructor(questions: Iterable<TaughtQuestion>) {
    const frequency = new Map<string, number>();
    const answeredBy = new Map<string, string | null>();
    let count = 0;
    for (const { words, articles } of questions) {
      count++;
      const only = articles.length === 1 ? articles[0]! : null;
      for (const term of new Set(stems(words))) {
        frequency.set(term, (frequency.get(term) ?? 0) + 1);
        const before = answeredBy.get(term);
        answeredBy.set(term, before === undefined || before === only ? only : null);
      }
    }
    this.tickets = count;
    this.#frequency = frequency;
    this.#answeredBy = answeredBy;
  }

  /**
   * The query with each term's weight scaled by its idf among the tickets,
   * as a share of an unseen word's: a word most tickets use (a greeting,
   * "a few of our users", "please have a look") says little about which
   * problem a customer has, however well it matches the words articles
   * learned from earlier tickets. Where a word's tickets all taught the same
   * one article, the first of them is not counted: that use is the question
   * that taught the article, and says nothing of how common the word is
   * (after the first feedback every word of that one ticket would be in all
   * the tickets, and the next question about the same problem would lose
   * exactly the words it shares with it). With no tickets yet, the query is
   * unchanged.
   *
   * @example
   * ```ts
   * import { TicketVocabulary } from "./retrieval.ts";
   * import assert from "node:assert/strict";
   * const vocabulary = new TicketVocabulary([
   *   { words: "Hello, export stops", articles: ["KB-1"] },
   *   { words: "Hello, login fails", articles: ["KB-2"] },
   * ]);
   * const query = vocabulary.discount(new Map([["hello", 1], ["export", 1]]));
   * assert.ok(query.get("hello")! < query.get("export")!);
   * ```
   */
  discount(query: WeightedQuery): Map<string, number> {
    return discountByTickets(
      query,
      this.tickets,
      (term) => {
        const used = this.#frequency.get(term) ?? 0;
        return used > 0 && this.#answeredBy.get(term) !== null ? used - 1 : used;
      },
    );
  }
}

/**
 * A query's terms scaled by their idf among `tickets` questions, as a share
 * of the idf of a word none of them uses; `frequency` says how many use a
 * term. With no tickets the query is unchanged.
 *
 * @example
 * ```ts
 * import { discountByTickets } from "./retrieval.ts";
 * import assert from "node:assert/strict";
 * const used = new Map([["hello", 10], ["export", 1]]);
 * const query = discountByTickets(new Map([["hello", 1], ["export", 1]]), 10, (t) => used.get(t) ?? 0);
 * assert.ok(query.get("hello")! < query.get("export")!);
 * ```
 */
export function discountByTickets(
  query: WeightedQuery,
  tickets: number,
  frequency: (term: string) => number,
): Map<string, number> {
  if (tickets === 0) return new Map(query);
  const idf = (count: number) => Math.log(1 + (tickets - count + 0.5) / (count + 0.5));
  const unseen = idf(0);
  return new Map(
    [...query].map(([term, weight]) => [term, weight * idf(frequency(term)) / unseen]),
  );
}
