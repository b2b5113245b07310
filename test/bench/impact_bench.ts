/**
 * `impact-quality`: customer impact, trends and version correlation against
 * the simulator's ground truth (same simulator output as correlation-quality;
 * `LOUPE_BENCH_SIM_DIR=DIR` reuses one):
 * - affected-customer sets of injected incidents, precision and recall;
 * - the truth's top incidents by impact, found and in order (overlap, pairs in
 *   the same order, Kendall tau and Spearman rho over the ones both rank);
 * - each incident's trend class as of the truth's `as_of`;
 * - version of introduction and of fix.
 * An incident's signatures are every catalogue signature its root template
 * generates (the miner keeps formats apart: JSON lines and log4j lines with
 * their stack traces are different signatures of one root).
 */
import { type CustomerExposure, impactOf } from "../../domain/impact/mod.ts";
import type { TrendClass } from "../../domain/trends/mod.ts";
import { ImpactService } from "../../src/impact/service.ts";
import { TrendService } from "../../src/trends/service.ts";
import { atLeast, type Bench, type BenchRow } from "./bench_types.ts";
import {
  openStoredLoupe,
  rawTokens,
  replaySimulation,
  simulatorOutput,
  trueRoots,
} from "./sim_data.ts";

interface TruthIncident {
  readonly id: string;
  readonly kind: string;
  readonly root_signature: string;
  readonly introduced_in: string | null;
  readonly fixed_in: string | null;
  readonly impact: number;
  readonly trend: { readonly shape: string; readonly as_of: string | null };
  readonly affected_customers: readonly { readonly customer: string }[];
}

const SHAPE_OF: Record<TrendClass, string> = {
  emerging: "emerging",
  spiking: "spike",
  resolving: "resolving",
  stable: "stable",
  quiet: "quiet",
};

const round = (x: number) => Math.round(x * 1000) / 1000;

const quality: Bench = {
  name: "impact-quality",
  description: "affected customers, impact ranking, trend class and versions vs simulator truth",
  async run() {
    const bench = "impact-quality";
    const sim = await simulatorOutput();
    const data = await Deno.makeTempDir({ prefix: "loupe-bench-impact-" });
    try {
      await replaySimulation(sim.dir, data);
      const truth = JSON.parse(await Deno.readTextFile(`${sim.dir}/truth.json`)) as {
        end: string;
        incidents: TruthIncident[];
      };
      const { projections, loupe, close } = await openStoredLoupe(data);
      try {
        const impact = new ImpactService(projections, loupe.attribution);
        const trends = new TrendService(projections, loupe.attribution);
        const templates = loupe.listSignatures({ limit: 1_000_000, offset: 0 }).items.map((s) => ({
          id: s.signatureId,
          template: s.template,
          tokens: new Set(rawTokens(s.template)),
        }));
        const rows: BenchRow[] = [];
        const notes: string[] = [];
        let truePositives = 0;
        let predicted = 0;
        let actual = 0;
        let worstRecall = 1;
        let worstPrecision = 1;
        const ours: { id: string; score: number }[] = [];
        let trendRight = 0;
        let trendTotal = 0;
        let versionRight = 0;
        let versionTotal = 0;
        const totalCustomers = loupe.attribution.customerCount();
        for (const incident of truth.incidents) {
          const roots = [...trueRoots(incident.root_signature, templates)];
          const expected = new Set(incident.affected_customers.map((a) => a.customer));
          const exposures = new Map<string, CustomerExposure>();
          for (const signatureId of roots) {
            for (const a of impact.affected(signatureId).affected) {
              const before = exposures.get(a.customer);
              exposures.set(
                a.customer,
                before === undefined ? a : {
                  ...before,
                  count: before.count + a.count,
                  firstSeen: Math.min(before.firstSeen, a.firstSeen),
                  lastSeen: Math.max(before.lastSeen, a.lastSeen),
                },
              );
            }
          }
          const found = new Set(exposures.keys());
          const tp = [...found].filter((c) => expected.has(c)).length;
          truePositives += tp;
          predicted += found.size;
          actual += expected.size;
          if (expected.size > 0) worstRecall = Math.min(worstRecall, tp / expected.size);
          if (found.size > 0) worstPrecision = Math.min(worstPrecision, tp / found.size);
          if (tp < expected.size || tp < found.size) {
            notes.push(
              `${incident.id}: ${expected.size - tp} missed, ${
                found.size - tp
              } extra of ${expected.size}`,
            );
          }
          const severity = Math.max(
            0,
            ...roots.map((id) => loupe.signature(id).severityNumber),
          );
          ours.push({
            id: incident.id,
            score: impactOf(severity, [...exposures.values()], totalCustomers).score,
          });
          // The trend of the root as a whole: its busiest signature speaks for it.
          const busiest = roots.map((id) =>
            loupe.signature(id)
          ).sort((a, b) => b.count - a.count)[0];
          if (busiest !== undefined) {
            const asOf = Date.parse(incident.trend.as_of ?? truth.end) - 1;
            const verdict = trends.trend(busiest.signatureId, asOf);
            trendTotal++;
            if (SHAPE_OF[verdict.trend.class] === incident.trend.shape) trendRight++;
            else {
              notes.push(
                `${incident.id} (${incident.kind}): trend ${verdict.trend.class}, truth ${incident.trend.shape}: ${verdict.trend.reason}`,
              );
            }
            if (incident.introduced_in !== null || incident.fixed_in !== null) {
              const versions = trends.versions(busiest.signatureId);
              versionTotal++;
              if (
                versions.introducedIn === incident.introduced_in &&
                versions.fixedIn === incident.fixed_in
              ) versionRight++;
              else {
                notes.push(
                  `${incident.id}: versions ${versions.introducedIn}→${versions.fixedIn}, truth ${incident.introduced_in}→${incident.fixed_in}: ${versions.reason}`,
                );
              }
            }
          }
        }
        const precision = predicted === 0 ? 1 : truePositives / predicted;
        const recall = actual === 0 ? 1 : truePositives / actual;
        const ranked = truth.incidents.filter((i) => i.impact > 0)
          .sort((a, b) => b.impact - a.impact).map((i) => i.id);
        const n = Math.min(10, ranked.length);
        const truthTop = ranked.slice(0, n);
        const ourTop = ours.filter((o) => ranked.includes(o.id))
          .sort((a, b) => b.score - a.score).map((o) => o.id).slice(0, n);
        const overlap = truthTop.filter((id) => ourTop.includes(id)).length / Math.max(1, n);
        const inOrder = truthTop.filter((id, i) => ourTop[i] === id).length / Math.max(1, n);
        const common = truthTop.filter((id) => ourTop.includes(id));
        rows.push(
          {
            bench,
            metric: "incidents",
            value: truth.incidents.length,
            unit: "incidents",
            note: sim.args,
          },
          {
            bench,
            metric: "affected customers: precision",
            value: round(precision),
            unit: "",
            ...atLeast(round(precision), 0.99),
            note: `worst incident ${round(worstPrecision)}`,
          },
          {
            bench,
            metric: "affected customers: recall",
            value: round(recall),
            unit: "",
            ...atLeast(round(recall), 0.99),
            note: `worst incident ${round(worstRecall)}`,
          },
          {
            bench,
            metric: `top ${n} by impact: found`,
            value: round(overlap),
            unit: "",
            ...atLeast(round(overlap), 0.9),
            note: `truth ${truthTop.join(" ")}; ours ${ourTop.join(" ")}`,
          },
          {
            bench,
            metric: `top ${n} by impact: pairs in the truth's order`,
            value: round(orderAgreement(common, truthTop, ourTop)),
            unit: "",
            ...atLeast(round(orderAgreement(common, truthTop, ourTop)), 0.9),
            note: "the order agreement the issue asks for",
          },
          {
            bench,
            metric: `top ${n} by impact: same position`,
            value: round(inOrder),
            unit: "",
            note: "stricter: one swap of neighbours costs two positions",
          },
          {
            bench,
            metric: `top ${n} by impact: Kendall tau`,
            value: round(kendall(common, truthTop, ourTop)),
            unit: "",
          },
          {
            bench,
            metric: `top ${n} by impact: Spearman rho`,
            value: round(spearman(common, truthTop, ourTop)),
            unit: "",
          },
          {
            bench,
            metric: "trend class right",
            value: round(trendRight / Math.max(1, trendTotal)),
            unit: "",
            ...atLeast(round(trendRight / Math.max(1, trendTotal)), 0.9),
            note: `${trendRight}/${trendTotal}`,
          },
          {
            bench,
            metric: "introduced/fixed version right",
            value: round(versionRight / Math.max(1, versionTotal)),
            unit: "",
            ...atLeast(round(versionRight / Math.max(1, versionTotal)), 0.9),
            note: `${versionRight}/${versionTotal}`,
          },
        );
        for (const note of notes) console.error(`  ${note}`);
        await loupe.settled();
        return rows;
      } finally {
        await close();
      }
    } finally {
      await Deno.remove(data, { recursive: true });
      if (sim.cleanup) await Deno.remove(sim.dir, { recursive: true });
    }
  },
};

/** Pairs of the items both orders hold, by whether the two orders agree on them. */
function pairs(common: readonly string[], a: readonly string[], b: readonly string[]) {
  let concordant = 0;
  let discordant = 0;
  for (let i = 0; i < common.length; i++) {
    for (let j = i + 1; j < common.length; j++) {
      const x = Math.sign(a.indexOf(common[i]!) - a.indexOf(common[j]!));
      const y = Math.sign(b.indexOf(common[i]!) - b.indexOf(common[j]!));
      if (x * y > 0) concordant++;
      else if (x * y < 0) discordant++;
    }
  }
  return { concordant, discordant, all: common.length * (common.length - 1) / 2 };
}

/** Kendall's tau-a over the items both orders hold. */
function kendall(common: readonly string[], a: readonly string[], b: readonly string[]): number {
  if (common.length < 2) return 1;
  const { concordant, discordant, all } = pairs(common, a, b);
  return (concordant - discordant) / all;
}

/** Share of the pairs of items both orders hold that they put in the same order. */
function orderAgreement(common: readonly string[], a: readonly string[], b: readonly string[]) {
  if (common.length < 2) return 1;
  const { concordant, all } = pairs(common, a, b);
  return concordant / all;
}

/** Spearman's rho over the items both orders hold, ranked within them. */
function spearman(common: readonly string[], a: readonly string[], b: readonly string[]): number {
  const n = common.length;
  if (n < 2) return 1;
  const rank = (order: readonly string[]) => {
    const sorted = [...common].sort((x, y) => order.indexOf(x) - order.indexOf(y));
    return new Map(sorted.map((id, i) => [id, i]));
  };
  const ra = rank(a);
  const rb = rank(b);
  let d2 = 0;
  for (const id of common) d2 += (ra.get(id)! - rb.get(id)!) ** 2;
  return 1 - 6 * d2 / (n * (n * n - 1));
}

export const impactBenches: Bench[] = [quality];
