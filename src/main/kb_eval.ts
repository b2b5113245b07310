/**
 * `deno task kb-eval --articles FILE --queries FILE [--json OUT]`: scores
 * Loupe's article suggestions on a labelled corpus, next to plain BM25 (k1
 * 1.2, b 0.75) on the same text, so a team sees what Loupe adds.
 *
 * `articles` is JSON lines `{"id","title","body"}`, `queries` JSON lines
 * `{"id","text","relevant":[article ids]}`. A query whose id is also an
 * article id never retrieves itself.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { parseEvalArticles, parseEvalQueries } from "../../adapters/kb/eval_corpus.ts";
import { type LabelledQuery, type RetrievalScores, scoreRetrieval } from "../../domain/kb/eval.ts";
import type { Hit } from "../../domain/kb/rank.ts";
import { ArticleRanker, PlainBm25, type SearchableText } from "../../domain/kb/retrieval.ts";

const USAGE = "Usage: deno task kb-eval --articles FILE --queries FILE [--json OUT]";

export interface KbEvalReport {
  readonly articles: number;
  readonly queries: number;
  readonly loupe: RetrievalScores;
  readonly bm25: RetrievalScores;
  readonly index_ms: { readonly loupe: number; readonly bm25: number };
}

type Ranker = (text: string, limit: number, keep: (doc: number) => boolean) => Hit[];

/** Each query's top ten article ids under both rankings, never the query itself. */
export interface Rankings {
  readonly loupe: ReadonlyMap<string, readonly string[]>;
  readonly bm25: ReadonlyMap<string, readonly string[]>;
  readonly indexMs: { readonly loupe: number; readonly bm25: number };
}

/** Ranks every query with Loupe and with plain BM25 over the same articles. */
export function rankQueries(
  articles: readonly SearchableText[],
  queries: readonly LabelledQuery[],
): Rankings {
  const docOf = new Map<string, number>();
  articles.forEach((a, i) => docOf.set(a.id, i));
  const rankAll = (ranker: Ranker) =>
    new Map(queries.map((query) => {
      const self = docOf.get(query.id);
      return [query.id, ranker(query.text, 10, (doc) => doc !== self).map((hit) => hit.id)];
    }));
  let started = performance.now();
  const loupe = new ArticleRanker(articles);
  const loupeMs = performance.now() - started;
  started = performance.now();
  const bm25 = new PlainBm25(articles);
  const bm25Ms = performance.now() - started;
  return {
    loupe: rankAll((text, limit, keep) => loupe.search(text, limit, keep)),
    bm25: rankAll((text, limit, keep) => bm25.search(text, limit, keep)),
    indexMs: { loupe: loupeMs, bm25: bm25Ms },
  };
}

/** Both rankings over the same articles and queries. */
export function evaluate(
  articles: readonly SearchableText[],
  queries: readonly LabelledQuery[],
): KbEvalReport {
  const rankings = rankQueries(articles, queries);
  const score = (ranked: ReadonlyMap<string, readonly string[]>) =>
    scoreRetrieval(queries, (query) => ranked.get(query.id) ?? []);
  return {
    articles: articles.length,
    queries: queries.length,
    loupe: score(rankings.loupe),
    bm25: score(rankings.bm25),
    index_ms: {
      loupe: Math.round(rankings.indexMs.loupe),
      bm25: Math.round(rankings.indexMs.bm25),
    },
  };
}

/** The report as a table a person reads. */
export function formatReport(report: KbEvalReport): string {
  const row = (name: string, s: RetrievalScores) =>
    [
      name.padEnd(12),
      ...[s.mrrAt10, s.recallAt1, s.recallAt5, s.recallAt10].map((x) => x.toFixed(3).padStart(10)),
    ].join("");
  return [
    `${report.articles} articles, ${report.loupe.queries} queries`,
    [
      "ranking".padEnd(12),
      ...["MRR@10", "Recall@1", "Recall@5", "Recall@10"].map((h) => h.padStart(10)),
    ].join(""),
    row("loupe", report.loupe),
    row("bm25", report.bm25),
    `MRR@10 difference: ${(report.loupe.mrrAt10 - report.bm25.mrrAt10).toFixed(3)}`,
  ].join("\n");
}

if (import.meta.main) {
  let values: { articles?: string; queries?: string; json?: string; help?: boolean };
  try {
    values = parseArgs({
      args: Deno.args,
      options: {
        articles: { type: "string" },
        queries: { type: "string" },
        json: { type: "string" },
        help: { type: "boolean" },
      },
      strict: true,
    }).values;
  } catch (error) {
    console.error(`${(error as Error).message}\n${USAGE}`);
    Deno.exit(2);
  }
  if (values.help) {
    console.log(USAGE);
    Deno.exit(0);
  }
  if (values.articles === undefined || values.queries === undefined) {
    console.error(USAGE);
    Deno.exit(2);
  }
  try {
    const articles = parseEvalArticles(await Deno.readTextFile(values.articles), values.articles);
    const queries = parseEvalQueries(await Deno.readTextFile(values.queries), values.queries);
    const report = evaluate(articles, queries);
    console.log(formatReport(report));
    if (values.json !== undefined) {
      await Deno.writeTextFile(values.json, JSON.stringify(report, null, 2) + "\n");
    }
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(1);
  }
}
