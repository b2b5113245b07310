import { countTerms } from "./rank.ts";
import { stems } from "./text.ts";

export interface GapTicket {
  readonly ticketId: string;
  readonly subject: string;
  readonly text: string;
}

export interface GapTopic {
  readonly count: number;
  /** The words that characterise the topic, strongest first. */
  readonly terms: readonly string[];
  readonly examples: readonly { readonly ticketId: string; readonly subject: string }[];
  readonly ticketIds: readonly string[];
}

/** Tickets at least this alike (tf-idf cosine) share a topic. */
export const SAME_TOPIC = 0.3;
const EXAMPLES = 3;
const TERMS = 5;

/**
 * Topics of tickets no article answers: each ticket joins the topic whose
 * centroid it is most like (when alike enough) or starts its own, in the
 * order given, so the same tickets always give the same topics. Biggest
 * topics first.
 *
 * @example
 * ```ts
 * import { gapTopics } from "./gaps.ts";
 * import assert from "node:assert/strict";
 * const topics = gapTopics([
 *   { ticketId: "1", subject: "invoice pdf blank", text: "invoice pdf is blank" },
 *   { ticketId: "2", subject: "blank invoice", text: "the invoice pdf comes out blank" },
 *   { ticketId: "3", subject: "sso", text: "sso login loops" },
 * ]);
 * assert.equal(topics[0]?.count, 2);
 * ```
 */
export function gapTopics(tickets: readonly GapTicket[]): GapTopic[] {
  const docs = tickets.map((t) => countTerms(stems(t.text)));
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const n = tickets.length;
  const vectors = docs.map((doc) => {
    const v = new Map<string, number>();
    let norm = 0;
    for (const [term, tf] of doc) {
      const w = (1 + Math.log(tf)) * Math.log(1 + n / df.get(term)!);
      v.set(term, w);
      norm += w * w;
    }
    norm = Math.sqrt(norm) || 1;
    for (const [term, w] of v) v.set(term, w / norm);
    return v;
  });
  interface Cluster {
    readonly members: number[];
    readonly sum: Map<string, number>;
  }
  const clusters: Cluster[] = [];
  vectors.forEach((v, i) => {
    let best: Cluster | undefined;
    let bestSimilarity = SAME_TOPIC;
    for (const cluster of clusters) {
      let dot = 0;
      let norm = 0;
      for (const w of cluster.sum.values()) norm += w * w;
      for (const [term, w] of v) dot += w * (cluster.sum.get(term) ?? 0);
      const s = norm === 0 ? 0 : dot / Math.sqrt(norm);
      if (s >= bestSimilarity) {
        best = cluster;
        bestSimilarity = s;
      }
    }
    const target = best ?? { members: [], sum: new Map<string, number>() };
    if (best === undefined) clusters.push(target);
    target.members.push(i);
    for (const [term, w] of v) target.sum.set(term, (target.sum.get(term) ?? 0) + w);
  });
  return clusters
    .map((c) => ({
      count: c.members.length,
      terms: [...c.sum].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)).slice(0, TERMS)
        .map(([t]) => t),
      examples: c.members.slice(0, EXAMPLES).map((i) => ({
        ticketId: tickets[i]!.ticketId,
        subject: tickets[i]!.subject,
      })),
      ticketIds: c.members.map((i) => tickets[i]!.ticketId),
    }))
    .sort((a, b) => b.count - a.count || (a.ticketIds[0]! < b.ticketIds[0]! ? -1 : 1));
}
