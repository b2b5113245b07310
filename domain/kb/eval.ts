/** A labelled question: which articles answer it. */
export interface LabelledQuery {
  readonly id: string;
  readonly text: string;
  readonly relevant: readonly string[];
}

/** Ranking quality over a set of queries, each figure a mean over queries. */
export interface RetrievalScores {
  readonly queries: number;
  readonly mrrAt10: number;
  readonly recallAt1: number;
  readonly recallAt5: number;
  readonly recallAt10: number;
}

/**
 * MRR@10 and Recall@k of a ranking (article ids, best first). A query's own
 * id is not counted among its relevant articles: it must never retrieve itself.
 *
 * @example
 * ```ts
 * import { scoreRetrieval } from "./eval.ts";
 * import assert from "node:assert/strict";
 * const scores = scoreRetrieval(
 *   [{ id: "q", text: "x", relevant: ["b"] }],
 *   () => ["a", "b"],
 * );
 * assert.equal(scores.mrrAt10, 0.5);
 * assert.equal(scores.recallAt1, 0);
 * assert.equal(scores.recallAt5, 1);
 * ```
 */
export function scoreRetrieval(
  queries: readonly LabelledQuery[],
  rank: (query: LabelledQuery) => readonly string[],
): RetrievalScores {
  let mrr = 0;
  let r1 = 0;
  let r5 = 0;
  let r10 = 0;
  let counted = 0;
  for (const query of queries) {
    const relevant = new Set(query.relevant.filter((id) => id !== query.id));
    if (relevant.size === 0) continue;
    counted++;
    const ids = rank(query).slice(0, 10);
    const first = ids.findIndex((id) => relevant.has(id));
    if (first >= 0) mrr += 1 / (first + 1);
    const found = (k: number) => ids.slice(0, k).filter((id) => relevant.has(id)).length;
    r1 += found(1) / relevant.size;
    r5 += found(5) / relevant.size;
    r10 += found(10) / relevant.size;
  }
  const mean = (x: number) => counted === 0 ? 0 : x / counted;
  return {
    queries: counted,
    mrrAt10: mean(mrr),
    recallAt1: mean(r1),
    recallAt5: mean(r5),
    recallAt10: mean(r10),
  };
}
