/**
 * Benchmarks of the knowledge base:
 * - `kb-speed`: 10,000 synthetic articles (Zipf-distributed words, code names,
 *   versions): index build time, and search / suggest latency p50/p99 over
 *   200 queries through the service (short questions and long pasted reports).
 * - `kb-sim`: on simulator truth, three seeds (`deno task simulate`): for each
 *   ticket whose truth names an article, top-1 and MRR of the ticket's
 *   suggestions (cold, and online: agents' feedback on earlier tickets used
 *   for later ones) against a text-only BM25 over the same articles; for every
 *   incident with >= 3 resolved tickets and a truth article, the recall of the
 *   truth article's steps in the generated draft and whether its cause matches.
 *   `LOUPE_BENCH_KB_SEEDS` (default "101,202,303") and `LOUPE_BENCH_KB_SIM_ARGS`
 *   size it; `LOUPE_BENCH_KB_SIM_DIRS=a,b,c` reuses simulator outputs.
 */
import { LmdbEventStore } from "../../adapters/lmdb/event_store.ts";
import { openLmdb } from "../../adapters/lmdb/lmdb_env.ts";
import { LmdbProjectionStore } from "../../adapters/lmdb/projection_store.ts";
import { MemoryEventStore } from "../../adapters/memory/event_store.ts";
import { MemoryProjectionStore } from "../../adapters/memory/projection_store.ts";
import { readRuleFile } from "../../adapters/http/ticket_routes.ts";
import { readArticles } from "../../adapters/kb/articles_io.ts";
import { emptyContent, PlainBm25, similarity } from "../../domain/kb/mod.ts";
import type { TicketSeverity } from "../../domain/tickets/mod.ts";
import type { EventStore } from "../../ports/event_store.ts";
import type { ImportedArticle } from "../../ports/kb.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { kbService } from "../../src/kb/mod.ts";
import { Loupe } from "../../src/loupe.ts";
import { TicketService } from "../../src/tickets/mod.ts";
import { runEntry } from "../support/cli.ts";
import { atLeast, atMost, type Bench, type BenchRow } from "./bench_types.ts";
import { replaySimulation } from "./sim_data.ts";
import { rng } from "./rng.ts";

const DEFAULT_RULES = await readRuleFile(
  new URL("../../fixtures/rules/default_rules.json", import.meta.url),
);

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

const round = (x: number, digits = 3) => Math.round(x * 10 ** digits) / 10 ** digits;

async function services(store: EventStore, projections: ProjectionStore) {
  let id = 0;
  const newId = () => `01KBBENCH${String(++id).padStart(10, "0")}`;
  const clock = { now: () => Date.now() };
  const loupe = await Loupe.start({ store, projectionStore: projections, clock, newId });
  const tickets = new TicketService({
    store,
    projections,
    clock,
    newId,
    defaultRules: DEFAULT_RULES,
    settled: () => loupe.settled(),
    attribution: loupe.attribution,
  });
  const kb = kbService(loupe, store, projections, tickets, clock, newId);
  return { loupe, tickets, kb };
}

// ---------------------------------------------------------------- speed

const ARTICLES = Number(Deno.env.get("LOUPE_BENCH_KB_ARTICLES") ?? 10_000);

function syntheticArticles(count: number): { articles: ImportedArticle[]; words: string[] } {
  const random = rng(20261204);
  const syllables = ["ka", "lo", "mi", "ne", "po", "ru", "sa", "ti", "va", "zo", "ex", "or"];
  const words = Array.from({ length: 20_000 }, (_, i) => {
    let w = "";
    for (let n = 0; n < 2 + (i % 3); n++) w += syllables[Math.floor(random() * syllables.length)];
    return `${w}${i % 7 === 0 ? "ing" : i % 5 === 0 ? "ed" : ""}`;
  });
  // Zipf: a few words everywhere, most words rare, as in real text.
  const word = () => words[Math.floor(words.length * random() ** 3)]!;
  const sentence = (n: number) => Array.from({ length: n }, word).join(" ");
  const articles = Array.from({ length: count }, (_, i) => ({
    articleId: `KB-${i}`,
    status: "published" as const,
    content: {
      ...emptyContent(),
      title: sentence(6),
      symptom: sentence(15),
      cause: `${sentence(10)} in ${word()}Service.${word()}Handler`,
      steps: [sentence(8), sentence(8), sentence(8)],
      body: sentence(120),
      tags: [word()],
      appliesTo: { services: [`svc${i % 20}`], versions: [`5.${i % 9}.0`], environments: [] },
    },
  }));
  return { articles, words };
}

const speed: Bench = {
  name: "kb-speed",
  description: `index ${ARTICLES} articles; search and suggest p50/p99`,
  async run() {
    const bench = "kb-speed";
    const { articles } = syntheticArticles(ARTICLES);
    const store = new MemoryEventStore({ clock: { now: () => Date.now() } });
    const projections = new MemoryProjectionStore();
    const { kb } = await services(store, projections);
    let started = performance.now();
    await kb.importArticles(articles);
    const importMs = performance.now() - started;
    started = performance.now();
    kb.index();
    const indexMs = performance.now() - started;
    const random = rng(7);
    const pick = () => articles[Math.floor(random() * articles.length)]!.content;
    const shortQueries = Array.from({ length: 100 }, () => {
      const c = pick();
      return c.title.split(" ").slice(0, 3).join(" ") + " " + c.symptom.split(" ")[4];
    });
    const longQueries = Array.from({ length: 100 }, () => {
      const c = pick();
      return `${c.symptom}\n${c.body}\n${c.cause}`;
    });
    const searchMs: number[] = [];
    const suggestMs: number[] = [];
    for (const q of [...shortQueries, ...longQueries]) {
      started = performance.now();
      kb.search({ q, limit: 10, offset: 0 });
      searchMs.push(performance.now() - started);
      started = performance.now();
      kb.suggestForText(q, 5);
      suggestMs.push(performance.now() - started);
    }
    const note = "loaded machine (2 cores shared); 100 short + 100 long queries";
    return [
      {
        bench,
        metric: `import ${ARTICLES} articles (events + projection)`,
        value: Math.round(importMs),
        unit: "ms",
      },
      {
        bench,
        metric: `index ${ARTICLES} articles`,
        value: Math.round(indexMs),
        unit: "ms",
        ...atMost(Math.round(indexMs), 2000),
      },
      { bench, metric: "search p50", value: round(percentile(searchMs, 50), 2), unit: "ms" },
      {
        bench,
        metric: "search p99",
        value: round(percentile(searchMs, 99), 2),
        unit: "ms",
        ...atMost(round(percentile(searchMs, 99), 2), 50),
        note,
      },
      { bench, metric: "suggest p50", value: round(percentile(suggestMs, 50), 2), unit: "ms" },
      {
        bench,
        metric: "suggest p99",
        value: round(percentile(suggestMs, 99), 2),
        unit: "ms",
        ...atMost(round(percentile(suggestMs, 99), 2), 50),
        note,
      },
    ];
  },
};

export const kbBenches: readonly Bench[] = [speed];
