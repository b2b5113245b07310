/**
 * `kb-drafts`: drafts from the simulator's planned tickets on many seeds, no
 * logs: each incident's resolved tickets (>= 3, with a truth article) are
 * drafted as they are (`draftFrom`), so the figures measure the drafter, not
 * the correlator that links tickets to issues. For each seed range: whether
 * the draft's cause matches the article's, step recall and precision (stem
 * Jaccard >= 0.5, as in kb-sim), and in how many incidents the recorded root
 * causes fall into more than one cause (`sameCause`, linked transitively):
 * every ticket of an incident states one cause, so a split is a link missed.
 * `LOUPE_BENCH_KB_DRAFT_SEEDS` (default "1001-1100"; ranges and commas).
 */
import {
  draftFrom,
  type ResolvedCase,
  sameCause,
  similarity,
  splitSteps,
} from "../../domain/kb/mod.ts";
import { DEFAULT_OPTIONS, planScenario } from "../../simulation/scenario.ts";
import type { Bench } from "./bench_types.ts";

const round = (x: number) => Math.round(x * 1000) / 1000;

function seedsOf(spec: string): number[] {
  return spec.split(",").flatMap((part) => {
    const [from, to] = part.split("-").map(Number);
    if (to === undefined) return [from!];
    return Array.from({ length: to - from! + 1 }, (_, i) => from! + i);
  });
}

/** How many groups `sameCause` links the distinct root causes into. */
function causeGroups(rootCauses: readonly string[]): number {
  const texts = [...new Set(rootCauses)];
  const parent = texts.map((_, i) => i);
  const root = (i: number): number => parent[i] === i ? i : (parent[i] = root(parent[i]!));
  for (let a = 0; a < texts.length; a++) {
    for (let b = a + 1; b < texts.length; b++) {
      if (sameCause(texts[a]!, texts[b]!)) parent[root(b)] = root(a);
    }
  }
  return new Set(texts.map((_, i) => root(i))).size;
}

const drafts: Bench = {
  name: "kb-drafts",
  description: "drafts from planned tickets on many seeds (truth grouping, no logs): cause, steps",
  run() {
    const spec = Deno.env.get("LOUPE_BENCH_KB_DRAFT_SEEDS") ?? "1001-1100";
    const n = {
      drafts: 0,
      causes: 0,
      possible: 0,
      steps: 0,
      found: 0,
      stated: 0,
      drafted: 0,
      correct: 0,
      split: 0,
    };
    for (const seed of seedsOf(spec)) {
      const scenario = planScenario({
        ...DEFAULT_OPTIONS,
        seed,
        customers: 200,
        days: 30,
        eventsPerDay: 20_000,
      });
      const byIncident = new Map<string, ResolvedCase[]>();
      for (const t of scenario.tickets) {
        if (t.incident === null || t.resolution === null) continue;
        byIncident.set(t.incident, [...(byIncident.get(t.incident) ?? []), {
          ticketId: t.id,
          subject: t.subject,
          description: t.description,
          rootCause: t.resolution.rootCause,
          solution: t.resolution.solution,
          hours: t.resolutionHours ?? 1,
          escalations: t.escalated ? 1 : 0,
          engineeringTicket: false,
        }]);
      }
      for (const [incident, cases] of byIncident) {
        const article = scenario.articles.find((a) => a.incident === incident);
        if (cases.length < 3 || article === undefined) continue;
        const draft = draftFrom(cases);
        n.drafts++;
        if (similarity(draft.cause, article.cause) >= 0.5) n.causes++;
        if (cases.some((c) => similarity(c.rootCause, article.cause) >= 0.5)) n.possible++;
        if (causeGroups(cases.map((c) => c.rootCause)) > 1) n.split++;
        const said = cases.flatMap((c) => splitSteps(c.solution));
        for (const step of article.steps) {
          n.steps++;
          if (said.some((s) => similarity(s, step) >= 0.5)) n.stated++;
          if (draft.steps.some((s) => similarity(s, step) >= 0.5)) n.found++;
        }
        n.drafted += draft.steps.length;
        for (const s of draft.steps) {
          if (article.steps.some((x) => similarity(x, s) >= 0.5)) n.correct++;
        }
      }
    }
    const bench = "kb-drafts";
    const note = `seeds ${spec}; ${n.drafts} drafts`;
    return Promise.resolve([
      { bench, metric: "draft cause matches", value: round(n.causes / n.drafts), unit: "", note },
      {
        bench,
        metric: "draft cause matches, most possible",
        value: round(n.possible / n.drafts),
        unit: "",
        note: "some resolution's root cause matches the article's",
      },
      {
        bench,
        metric: "draft step recall",
        value: round(n.found / n.steps),
        unit: "",
        note: `most possible ${round(n.stated / n.steps)}; ${n.steps} truth steps`,
      },
      {
        bench,
        metric: "draft step precision",
        value: round(n.correct / n.drafted),
        unit: "",
        note: `${n.drafted} drafted steps`,
      },
      {
        bench,
        metric: "incidents whose root causes split into several causes",
        value: n.split,
        unit: `of ${n.drafts}`,
        note: "every ticket of an incident states one cause: a split is a link missed",
      },
    ]);
  },
};

export const kbDraftBenches: readonly Bench[] = [drafts];
