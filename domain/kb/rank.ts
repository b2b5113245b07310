/**
 * BM25F over several fields (Robertson, Zaragoza & Taylor, 2004): each
 * field's term frequency is normalised by that field's length and weighted,
 * the sum saturated once. With a single field of weight 1 it is plain BM25.
 */
export interface FieldSpec {
  readonly weight: number;
  /** Length normalisation, 0 (none) .. 1 (full). */
  readonly b: number;
}

export interface RankOptions {
  readonly k1: number;
  readonly fields: Readonly<Record<string, FieldSpec>>;
}

/** A document as the index sees it: its terms per field (repeated terms count). */
export interface FieldedDoc {
  readonly id: string;
  readonly fields: Readonly<Record<string, readonly string[]>>;
  /**
   * How much each term of a field counts (aligned with its terms; 1 where
   * absent): a field summarising many texts holds a term by the share of
   * them that use it.
   */
  readonly weights?: Readonly<Record<string, readonly number[]>>;
}

/** A field's length as length normalisation sees it: its terms, or their weights' sum. */
function fieldLength(doc: FieldedDoc, name: string): number {
  const weights = doc.weights?.[name];
  if (weights === undefined) return doc.fields[name]?.length ?? 0;
  let sum = 0;
  for (const w of weights) sum += w;
  return sum;
}

/** A query term and how much it matters (its count in the query, or an expansion's weight). */
export type WeightedQuery = ReadonlyMap<string, number>;

export interface Hit {
  readonly id: string;
  readonly doc: number;
  readonly score: number;
}

/**
 * A term's postings, frozen into typed arrays once the index is built, with
 * everything that does not depend on the query worked out in advance: the
 * idf, and each document's saturated BM25F weight tf (k1 + 1) / (k1 + tf).
 * A query then only adds idf x weight x saturated for each posting.
 */
interface Postings {
  readonly docs: Int32Array;
  readonly saturated: Float64Array;
  readonly idf: number;
}

/** Plain BM25 as commonly cited: k1 1.2, b 0.75. */
export const PLAIN_BM25: RankOptions = { k1: 1.2, fields: { text: { weight: 1, b: 0.75 } } };

/**
 * An immutable inverted index ranked by BM25F. Built in one pass; a changed
 * collection builds a new one (10,000 articles take well under a second).
 *
 * @example
 * ```ts
 * import { FieldIndex, PLAIN_BM25 } from "./rank.ts";
 * import assert from "node:assert/strict";
 * const index = FieldIndex.build([
 *   { id: "a", fields: { text: ["cache", "full"] } },
 *   { id: "b", fields: { text: ["login", "fails"] } },
 * ], PLAIN_BM25);
 * assert.equal(index.search(new Map([["login", 1]]), 10)[0]?.id, "b");
 * ```
 */
export class FieldIndex {
  readonly ids: readonly string[];
  readonly #postings: Map<string, Postings>;
  /** Terms by their first character, for typo tolerance (built when first asked). */
  #byInitial: Map<string, string[]> | undefined;

  private constructor(ids: readonly string[], postings: Map<string, Postings>) {
    this.ids = ids;
    this.#postings = postings;
  }

  static build(docs: readonly FieldedDoc[], options: RankOptions): FieldIndex {
    const fieldNames = Object.keys(options.fields);
    const averages = new Map<string, number>();
    for (const name of fieldNames) {
      let total = 0;
      for (const doc of docs) total += fieldLength(doc, name);
      averages.set(name, docs.length === 0 ? 1 : Math.max(total / docs.length, 1e-9));
    }
    // Terms get numbers once; each document sums its pseudo frequencies in a
    // reused typed array, and its (term, frequency) pairs go to flat growing
    // arrays in document order, which a counting sort then turns into
    // term-major postings: no small array per term, no push per posting.
    const termIds = new Map<string, number>();
    let scratch = new Float64Array(1024);
    const touched: number[] = [];
    let pairTerms = new Int32Array(1 << 16);
    let pairTfs = new Float64Array(1 << 16);
    let pairs = 0;
    const docStarts = new Int32Array(docs.length + 1);
    docs.forEach((doc, docIndex) => {
      for (const name of fieldNames) {
        const terms = doc.fields[name];
        if (terms === undefined || terms.length === 0) continue;
        const spec = options.fields[name]!;
        const norm = 1 - spec.b + spec.b * fieldLength(doc, name) / averages.get(name)!;
        const unit = spec.weight / norm;
        const weights = doc.weights?.[name];
        for (let k = 0; k < terms.length; k++) {
          const term = terms[k]!;
          let id = termIds.get(term);
          if (id === undefined) {
            id = termIds.size;
            termIds.set(term, id);
            if (id >= scratch.length) {
              const grown = new Float64Array(scratch.length * 2);
              grown.set(scratch);
              scratch = grown;
            }
          }
          if (scratch[id] === 0) touched.push(id);
          scratch[id]! += weights === undefined ? unit : unit * weights[k]!;
        }
      }
      if (pairs + touched.length > pairTerms.length) {
        const size = Math.max(pairTerms.length * 2, pairs + touched.length);
        const terms = new Int32Array(size);
        terms.set(pairTerms);
        pairTerms = terms;
        const tfs = new Float64Array(size);
        tfs.set(pairTfs);
        pairTfs = tfs;
      }
      for (const id of touched) {
        pairTerms[pairs] = id;
        pairTfs[pairs] = scratch[id]!;
        pairs++;
        scratch[id] = 0;
      }
      touched.length = 0;
      docStarts[docIndex + 1] = pairs;
    });
    const termCount = termIds.size;
    const df = new Int32Array(termCount + 1);
    for (let i = 0; i < pairs; i++) df[pairTerms[i]! + 1]!++;
    for (let t = 0; t < termCount; t++) df[t + 1]! += df[t]!;
    // df now holds where each term's postings start in the term-major arrays.
    const allDocs = new Int32Array(pairs);
    const allSaturated = new Float64Array(pairs);
    const fill = df.slice(0, termCount);
    const k1 = options.k1;
    for (let doc = 0; doc < docs.length; doc++) {
      for (let i = docStarts[doc]!; i < docStarts[doc + 1]!; i++) {
        const at = fill[pairTerms[i]!]!++;
        const tf = pairTfs[i]!;
        allDocs[at] = doc;
        allSaturated[at] = tf * (k1 + 1) / (k1 + tf);
      }
    }
    const size = docs.length;
    const postings = new Map<string, Postings>();
    for (const [term, id] of termIds) {
      const from = df[id]!;
      const to = df[id + 1]!;
      const count = to - from;
      postings.set(term, {
        docs: allDocs.subarray(from, to),
        saturated: allSaturated.subarray(from, to),
        // Lucene's non-negative BM25 idf.
        idf: Math.log(1 + (size - count + 0.5) / (count + 0.5)),
      });
    }
    return new FieldIndex(docs.map((d) => d.id), postings);
  }

  get size(): number {
    return this.ids.length;
  }

  /** Documents that contain `term`. */
  documentFrequency(term: string): number {
    return this.#postings.get(term)?.docs.length ?? 0;
  }

  /** Lucene's non-negative BM25 idf. */
  idf(term: string): number {
    return this.#postings.get(term)?.idf ?? Math.log(1 + (this.size + 0.5) / 0.5);
  }

  hasTerm(term: string): boolean {
    return this.#postings.has(term);
  }

  /** Every indexed term (for typo tolerance). */
  terms(): IterableIterator<string> {
    return this.#postings.keys();
  }

  /** Indexed terms that start with `initial` (typos rarely hit the first letter). */
  termsStartingWith(initial: string): readonly string[] {
    if (this.#byInitial === undefined) {
      const byInitial = new Map<string, string[]>();
      for (const term of this.#postings.keys()) {
        const list = byInitial.get(term[0]!);
        if (list === undefined) byInitial.set(term[0]!, [term]);
        else list.push(term);
      }
      this.#byInitial = byInitial;
    }
    return this.#byInitial.get(initial) ?? [];
  }

  /** Whether the document has the term in any field (postings are in document order). */
  contains(doc: number, term: string): boolean {
    const docs = this.#postings.get(term)?.docs;
    return docs !== undefined && indexOf(docs, doc) >= 0;
  }

  /** Score of every document for the query (0 where nothing matches). */
  scores(query: WeightedQuery): Float64Array {
    const scores = new Float64Array(this.size);
    for (const [term, weight] of query) {
      const list = this.#postings.get(term);
      if (list === undefined || weight === 0) continue;
      const factor = list.idf * weight;
      const { docs, saturated } = list;
      for (let i = 0; i < docs.length; i++) scores[docs[i]!]! += factor * saturated[i]!;
    }
    return scores;
  }

  /** Scores of the given documents only. */
  scoresOf(query: WeightedQuery, docs: readonly number[]): number[] {
    return docs.map((doc) => {
      let score = 0;
      for (const [term, weight] of query) {
        const list = this.#postings.get(term);
        if (list === undefined || weight === 0) continue;
        const at = indexOf(list.docs, doc);
        if (at < 0) continue;
        score += list.idf * weight * list.saturated[at]!;
      }
      return score;
    });
  }

  /**
   * The best `limit` documents with a positive score, best first; ties go to
   * the earlier-indexed document so results are the same on every run.
   */
  search(
    query: WeightedQuery,
    limit: number,
    keep: (doc: number) => boolean = () => true,
  ): Hit[] {
    return topHits(this.scores(query), limit, keep, this.ids);
  }

  /**
   * One page of results (`offset`, `limit`) and how many documents match in
   * all: only the page's documents are ever sorted.
   */
  page(
    query: WeightedQuery,
    offset: number,
    limit: number,
    keep: (doc: number) => boolean = () => true,
  ): { total: number; hits: Hit[] } {
    const scores = this.scores(query);
    let total = 0;
    for (let doc = 0; doc < scores.length; doc++) {
      if (scores[doc]! > 0) {
        if (keep(doc)) total++;
        else scores[doc] = 0;
      }
    }
    const hits = topHits(scores, offset + limit, () => true, this.ids).slice(offset);
    return { total, hits };
  }
}

/** Where `doc` is in an ascending list, -1 when absent. */
function indexOf(docs: Int32Array, doc: number): number {
  let low = 0;
  let high = docs.length - 1;
  while (low <= high) {
    const mid = (low + high) >> 1;
    const at = docs[mid]!;
    if (at === doc) return mid;
    if (at < doc) low = mid + 1;
    else high = mid - 1;
  }
  return -1;
}

/**
 * The `limit` highest positive scores, best first, ties by document order:
 * a bounded heap whose root is the worst hit kept, so each document costs
 * one comparison unless it beats that hit (O(n log k), not a sort of all).
 */
export function topHits(
  scores: Float64Array,
  limit: number,
  keep: (doc: number) => boolean,
  ids: readonly string[],
): Hit[] {
  if (limit <= 0) return [];
  // `worse(a, b)`: a ranks below b (lower score, or equal and later).
  const worse = (a: number, b: number) =>
    scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b);
  const heap: number[] = [];
  const up = (i: number) => {
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[parent]!)) break;
      [heap[i], heap[parent]] = [heap[parent]!, heap[i]!];
      i = parent;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const left = 2 * i + 1;
      const right = left + 1;
      let worst = i;
      if (left < heap.length && worse(heap[left]!, heap[worst]!)) worst = left;
      if (right < heap.length && worse(heap[right]!, heap[worst]!)) worst = right;
      if (worst === i) return;
      [heap[i], heap[worst]] = [heap[worst]!, heap[i]!];
      i = worst;
    }
  };
  for (let doc = 0; doc < scores.length; doc++) {
    const score = scores[doc]!;
    if (score <= 0) continue;
    if (heap.length === limit && score <= scores[heap[0]!]!) continue;
    if (!keep(doc)) continue;
    if (heap.length < limit) {
      heap.push(doc);
      up(heap.length - 1);
    } else {
      heap[0] = doc;
      down(0);
    }
  }
  heap.sort((a, b) => scores[b]! - scores[a]! || a - b);
  return heap.map((doc) => ({ id: ids[doc]!, doc, score: scores[doc]! }));
}

/** Counts of each term: a query as BM25 sums it, every occurrence once. */
export function countTerms(terms: readonly string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const term of terms) counts.set(term, (counts.get(term) ?? 0) + 1);
  return counts;
}
