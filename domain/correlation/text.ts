import { CONCEPTS, PHRASES } from "./lexicon.ts";

/** Words that carry no meaning about a problem, in tickets or in logs. */
const STOP_WORDS = new Set(
  (
    "a an and are as at be been being but by can could did do does done for from get got had has " +
    "have having he her here him his how i if in into is it its just me more most my no nor not " +
    "now of on once only or other our out over own same she should so some such than that the " +
    "their them then there these they this those through to too under until up very was we were " +
    "what when where which while who whom why will with would you your yours please hi hello " +
    "thanks thank regards team since today yesterday morning afternoon evening tonight again still " +
    "also all any every each us customer customers user users seem seems seeing see getting keep " +
    "keeps anymore ever really lot lots some someone something anything everything day days hour " +
    "hours minute minutes week after before during while about around via per id ms sec s"
  ).split(" "),
);

/**
 * A light suffix stripper: enough to meet "payments" with "payment",
 * "failed" with "fails" and "connection" with "connecting", without a
 * dictionary.
 *
 * @example
 * ```ts
 * import { stem } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.equal(stem("failed"), stem("fails"));
 * assert.equal(stem("connection"), stem("connecting"));
 * assert.equal(stem("timeouts"), "timeout");
 * ```
 */
export function stem(word: string): string {
  let w = word;
  if (w.length <= 3) return w;
  if (w.endsWith("ies") && w.length > 4) w = `${w.slice(0, -3)}y`;
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is|os)$/.test(w)) w = w.slice(0, -1);
  if (w.endsWith("ing") && w.length > 5) w = undouble(w.slice(0, -3));
  else if (w.endsWith("ed") && w.length > 4) w = undouble(w.slice(0, -2));
  else if (w.endsWith("tion") && w.length > 6) w = w.slice(0, -3);
  else if (w.endsWith("ly") && w.length > 4) w = w.slice(0, -2);
  if (w.endsWith("e") && w.length > 3 && !w.endsWith("ee")) w = w.slice(0, -1);
  return w;
}

function undouble(w: string): string {
  return /([b-df-hj-np-tv-z])\1$/.test(w) && !/(ll|ss|zz)$/.test(w) ? w.slice(0, -1) : w;
}

/**
 * The words of a text or a template, split the ways code names are written
 * (`PaymentGatewayException`, `payment_gateway`, `payment.gateway`), lower
 * case, stemmed, without placeholders (`<*>`), numbers, ids or stop words.
 *
 * @example
 * ```ts
 * import { tokenize } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   tokenize("PaymentGatewayException: upstream timeout after <*> ms"),
 *   ["payment", "gateway", "except", "upstream", "timeout"],
 * );
 * ```
 */
export function tokenize(text: string): string[] {
  return words(text).map((w) => w.stem);
}

/** A word as written and the stem it is compared by. */
export interface Word {
  readonly word: string;
  readonly stem: string;
}

/** {@link tokenize}, keeping each stem's word as written, for explanations. */
export function words(text: string): Word[] {
  const found: Word[] = [];
  const cleaned = text.replace(/<\*>|<[A-Z_]+>/g, " ");
  for (const raw of cleaned.split(/[^A-Za-z0-9]+/)) {
    if (raw === "") continue;
    // camelCase and PascalCase, keeping acronyms whole: "HTTPServerError" -> HTTP Server Error
    const parts = raw.replace(/([a-z0-9])([A-Z])/g, "$1 $2")
      .replace(/([A-Z]+)([A-Z][a-z])/g, "$1 $2")
      .split(" ");
    for (const part of parts) {
      const lower = part.toLowerCase();
      if (lower.length < 2 || STOP_WORDS.has(lower)) continue;
      if (/^\d+$/.test(lower) && !/^[1-5]\d\d$/.test(lower)) continue;
      if (/\d/.test(lower) && /[a-z]/.test(lower) && lower.length > 6) continue;
      if (/^[0-9a-f]{8,}$/.test(lower)) continue;
      const stemmed = stem(lower);
      if (!STOP_WORDS.has(stemmed)) found.push({ word: part, stem: stemmed });
    }
  }
  return found;
}

/** A ticket's words, after the phrases customers use are folded into one word. */
export function tokenizeTicket(text: string): string[] {
  return tokenize(foldPhrases(text));
}

export function foldPhrases(text: string): string {
  let folded = text;
  for (const [pattern, replacement] of PHRASES) folded = folded.replace(pattern, replacement);
  return folded;
}

interface ConceptRef {
  readonly name: string;
  readonly weight: number;
}

const CONCEPTS_BY_WORD: ReadonlyMap<string, readonly ConceptRef[]> = (() => {
  const index = new Map<string, ConceptRef[]>();
  for (const concept of CONCEPTS) {
    for (const word of concept.words) {
      const key = stem(word);
      const list = index.get(key) ?? [];
      if (!list.some((c) => c.name === concept.name)) {
        list.push({ name: concept.name, weight: concept.weight });
      }
      index.set(key, list);
    }
  }
  return index;
})();

export function conceptsOf(token: string): readonly ConceptRef[] {
  return CONCEPTS_BY_WORD.get(token) ?? [];
}

/** Inverse document frequency of each token over a set of documents. */
export interface Idf {
  /** How much a token tells: rare tokens weigh more. */
  weight(token: string): number;
}

/**
 * @example
 * ```ts
 * import { buildIdf } from "./text.ts";
 * import assert from "node:assert/strict";
 * const idf = buildIdf([["payment", "error"], ["login", "error"], ["disk", "error"]]);
 * assert.ok(idf.weight("payment") > idf.weight("error"));
 * ```
 */
export function buildIdf(documents: readonly (readonly string[])[]): Idf {
  const df = new Map<string, number>();
  for (const doc of documents) {
    for (const token of new Set(doc)) df.set(token, (df.get(token) ?? 0) + 1);
  }
  const n = documents.length;
  const unseen = Math.log(1 + (n + 1));
  return {
    weight: (token) => {
      const d = df.get(token);
      return d === undefined ? unseen : Math.log(1 + (n + 1) / (d + 0.5));
    },
  };
}

/** A pair of words that met, and how: the same word or a shared concept. */
export interface WordMatch {
  readonly ticketWord: string;
  readonly logWord: string;
  readonly via: string | null;
  readonly strength: number;
}

export interface TextSimilarity {
  /** 0 (nothing in common) to 1 (every informative word explained on both sides). */
  readonly score: number;
  readonly matches: readonly WordMatch[];
}

/** A shared concept counts for this much of an exact word match. */
const CONCEPT_MATCH = 0.6;

/**
 * How well a template's words and a ticket's words explain each other: the
 * IDF-weighted share of the template's words matched by the ticket, and of
 * the ticket's by the template (geometric mean). Words match when equal
 * after stemming, or when they share a concept of the lexicon (weaker, by
 * the concept's weight).
 */
export function textSimilarity(
  ticketTokens: readonly string[],
  templateTokens: readonly string[],
  idf: Idf,
): TextSimilarity {
  const ticket = [...new Set(ticketTokens)];
  const template = [...new Set(templateTokens)];
  if (ticket.length === 0 || template.length === 0) return { score: 0, matches: [] };
  const best = (word: string, others: readonly string[]): WordMatch | undefined => {
    let found: WordMatch | undefined;
    for (const other of others) {
      if (other === word) return { ticketWord: word, logWord: other, via: null, strength: 1 };
      for (const a of conceptsOf(word)) {
        for (const b of conceptsOf(other)) {
          if (a.name !== b.name) continue;
          const strength = CONCEPT_MATCH * a.weight;
          if (found === undefined || strength > found.strength) {
            found = { ticketWord: word, logWord: other, via: a.name, strength };
          }
        }
      }
    }
    return found;
  };
  let templateHit = 0;
  let templateTotal = 0;
  const matches: WordMatch[] = [];
  for (const word of template) {
    const weight = idf.weight(word);
    templateTotal += weight;
    const match = best(word, ticket);
    if (match === undefined) continue;
    templateHit += weight * match.strength;
    matches.push({ ...match, ticketWord: match.logWord, logWord: word });
  }
  let ticketHit = 0;
  let ticketTotal = 0;
  for (const word of ticket) {
    // Ticket words that no template ever says (greetings, product names) weigh less.
    const weight = conceptsOf(word).length > 0 ? 1 : 0.5;
    ticketTotal += weight;
    const match = best(word, template);
    if (match !== undefined) ticketHit += weight * match.strength;
  }
  const score = Math.sqrt((templateHit / templateTotal) * (ticketHit / ticketTotal));
  matches.sort((a, b) => b.strength - a.strength || (a.logWord < b.logWord ? -1 : 1));
  return { score, matches };
}

/**
 * Plain TF-IDF cosine over the same words, without the lexicon: the
 * baseline the correlation is measured against.
 */
export function tfIdfCosine(
  ticketTokens: readonly string[],
  templateTokens: readonly string[],
  idf: Idf,
): number {
  const vector = (tokens: readonly string[]) => {
    const tf = new Map<string, number>();
    for (const t of tokens) tf.set(t, (tf.get(t) ?? 0) + 1);
    const v = new Map<string, number>();
    for (const [t, n] of tf) v.set(t, n * idf.weight(t));
    return v;
  };
  const a = vector(ticketTokens);
  const b = vector(templateTokens);
  let dot = 0;
  for (const [t, x] of a) dot += x * (b.get(t) ?? 0);
  const norm = (v: Map<string, number>) =>
    Math.sqrt([...v.values()].reduce((s, x) => s + x * x, 0));
  const denominator = norm(a) * norm(b);
  return denominator === 0 ? 0 : dot / denominator;
}
