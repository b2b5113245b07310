/**
 * `rare-errors`: whether lines of templates seen only 1 to 5 times, among
 * about a million background lines, are grouped with their siblings (and
 * with nothing else) by the online miner, in 10,000-line batches as ingest
 * mines them.
 *
 * Rare lines come from two sources:
 * - every incident of the simulator's catalogue (`incident_catalog.ts`),
 *   rendered 1-5 times with its own variables (order ids, currencies, hosts,
 *   e-mails...), half of those with a Java exception with a stack trace under
 *   the line (a separate truth group: the miner keys traces apart);
 * - templates from a generator of its own (below), built from made-up words
 *   and typed slots: prefixed random ids, UUIDs, hex, hosts, e-mails, paths,
 *   numbers with units, quoted values, small enums after a preposition or as
 *   `key=value`, and an optional `(12 KB)` segment.
 * The background is the simulator's normal traffic (every service's
 * templates, by weight) and 400 generated templates with Zipf-like weights.
 *
 * Grouping accuracy on rare lines is the Loghub measure restricted to them: a
 * rare line counts as right only when the lines that share its signature are
 * exactly the lines of its template.
 */
import { SignatureMiner, type SkeletonBatch, skeletonsOf } from "../../domain/mining/mod.ts";
import { COMPILED_BACKGROUND } from "../../simulation/background.ts";
import { ISSUES, type JavaException } from "../../simulation/incident_catalog.ts";
import { Rng } from "../../simulation/rng.ts";
import { compileTemplate, renderTemplate, type Template } from "../../simulation/template.ts";
import { atLeast, type Bench, type BenchRow } from "./bench_types.ts";

const BACKGROUND_LINES = 1_000_000;
const BATCH = 10_000;
const SEED = 18;

const DOMAINS = [
  "northwind-logistics.example",
  "granite-wines.example",
  "bluefin-outdoor.example",
  "alder-health.example",
  "kestrel-books.example",
];

/** Made-up, pronounceable words: constants no miner has seen in a real log. */
function word(r: Rng): string {
  const onsets = [
    "b",
    "d",
    "f",
    "g",
    "k",
    "l",
    "m",
    "n",
    "p",
    "r",
    "s",
    "t",
    "v",
    "st",
    "tr",
    "pl",
  ];
  const vowels = ["a", "e", "i", "o", "u", "ai", "ea", "ou"];
  const codas = ["", "", "n", "r", "l", "s", "t", "nd", "rk"];
  let w = "";
  const syllables = 2 + r.int(2);
  for (let i = 0; i < syllables; i++) w += r.pick(onsets) + r.pick(vowels);
  return w + r.pick(codas);
}

const BASE36 = "abcdefghijklmnopqrstuvwxyz0123456789";
const HEX = "0123456789abcdef";
const chars = (r: Rng, alphabet: string, n: number) => {
  let s = "";
  for (let i = 0; i < n; i++) s += alphabet[r.int(alphabet.length)];
  return s;
};

type Slot = (r: Rng) => string;

/** Typed slots of the generator; enums get their own small value set per template. */
function slotKinds(r: Rng): Slot[] {
  const prefix = chars(r, "abcdefghijklmnopqrstuvwxyz", 2 + r.int(3));
  const sep = r.pick(["_", "-"]);
  const idLength = 8 + r.int(9);
  const unit = r.pick(["ms", "s", "KB", "MB"]);
  return [
    (q) => String(q.int(100_000)),
    (q) => `${prefix}${sep}${chars(q, BASE36, idLength)}`,
    (q) =>
      `${chars(q, HEX, 8)}-${chars(q, HEX, 4)}-4${chars(q, HEX, 3)}-a${chars(q, HEX, 3)}-${
        chars(q, HEX, 12)
      }`,
    (q) => chars(q, HEX, 12 + q.int(20)),
    (q) => `${word(q)}-${q.int(9)}.${word(q)}.internal:${1024 + q.int(60000)}`,
    (q) => `${word(q)}.${word(q)}@${q.pick(DOMAINS)}`,
    (q) => `/var/${word(q)}/${word(q)}/${chars(q, BASE36, 6)}.dat`,
    (q) => `${q.int(5000)}${unit}`,
    (q) => `"${word(q)}"`,
    (q) => `${q.int(256)}.${q.int(256)}.${q.int(256)}.${q.int(256)}`,
  ];
}

const PREPOSITIONS = ["for", "from", "by", "with", "via", "in", "on", "using"];

interface Generated {
  readonly key: string;
  render(r: Rng): string;
}

/** A template of the generator: 4-10 tokens, made-up words, slots, maybe an enum and an optional segment. */
function generateTemplate(r: Rng, index: number): Generated {
  const kinds = slotKinds(r);
  const parts: Slot[] = [];
  const first = word(r);
  parts.push(() => first[0]!.toUpperCase() + first.slice(1));
  const length = 3 + r.int(7);
  for (let i = 0; i < length; i++) {
    if (r.chance(0.3)) parts.push(r.pick(kinds));
    else {
      const w = word(r);
      parts.push(() => w);
    }
  }
  if (r.chance(0.4)) {
    const values = Array.from(
      { length: 3 + r.int(5) },
      () => r.chance(0.5) ? word(r) : chars(r, "ABCDEFGHIJKLMNOPQRSTUVWXYZ", 3),
    );
    if (r.chance(0.5)) {
      const p = r.pick(PREPOSITIONS);
      parts.splice(2 + r.int(parts.length - 1), 0, () => p, (q) => q.pick(values));
    } else {
      const k = word(r);
      parts.splice(2 + r.int(parts.length - 1), 0, (q) => `${k}=${q.pick(values)}`);
    }
  }
  if (r.chance(0.3)) {
    // `4120 bytes (4.02 KB) sent`: the segment only when the value is large.
    const at = 1 + r.int(parts.length);
    parts.splice(at, 0, (q) => {
      const bytes = q.int(4000);
      return bytes < 1024 ? `${bytes} bytes` : `${bytes} bytes (${(bytes / 1024).toFixed(2)} KB)`;
    });
  }
  return { key: `generated-${index}`, render: (q) => parts.map((p) => p(q)).join(" ") };
}

function javaTrace(e: JavaException): string {
  let text = `${e.type}: ${e.message}`;
  for (const f of e.frames) text += `\n\tat ${f}`;
  if (e.cause) text += `\nCaused by: ${e.cause.type}: ${e.cause.message}`;
  return text;
}

interface Corpus {
  readonly messages: string[];
  /** Truth group of each line. */
  readonly truth: string[];
  /** Whether each line is rare. */
  readonly rare: boolean[];
  readonly rareTemplates: number;
}

export function buildCorpus(seed: number, backgroundLines: number): Corpus {
  const r = new Rng(seed);
  const background: { template: Template | Generated; weight: number; key: string }[] = [];
  for (const [service, list] of Object.entries(COMPILED_BACKGROUND)) {
    for (const { spec, template } of list) {
      background.push({ template, weight: spec.weight * 100, key: `${service}|${spec.text}` });
    }
  }
  for (let i = 0; i < 400; i++) {
    background.push({
      template: generateTemplate(r, i),
      weight: 2000 / (1 + i),
      key: `background-${i}`,
    });
  }
  const total = background.reduce((n, b) => n + b.weight, 0);
  const cumulative: number[] = [];
  let acc = 0;
  for (const b of background) cumulative.push(acc += b.weight / total);
  const render = (t: Template | Generated, q: Rng): string =>
    "render" in t ? t.render(q) : renderTemplate(t, q, { domain: q.pick(DOMAINS) }).message;

  const messages: string[] = [];
  const truth: string[] = [];
  const rare: boolean[] = [];
  for (let i = 0; i < backgroundLines; i++) {
    const u = r.float();
    let lo = 0;
    let hi = cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (cumulative[mid]! < u) lo = mid + 1;
      else hi = mid;
    }
    const b = background[lo]!;
    messages.push(render(b.template, r));
    truth.push(b.key);
    rare.push(false);
  }
  // Rare lines go to random places, in order of their position.
  const inserts: { at: number; message: string; key: string }[] = [];
  let rareTemplates = 0;
  for (const spec of ISSUES) {
    const template = compileTemplate(spec.text);
    rareTemplates++;
    const n = 1 + r.int(5);
    for (let k = 0; k < n; k++) {
      const line = renderTemplate(template, r, { domain: r.pick(DOMAINS) }).message;
      const traced = spec.exception !== undefined && r.chance(0.5);
      inserts.push({
        at: r.int(backgroundLines),
        message: traced ? `${line}\n${javaTrace(spec.exception!)}` : line,
        key: `incident|${spec.key}|${traced ? "trace" : "line"}`,
      });
    }
  }
  for (let i = 0; i < 200; i++) {
    const g = generateTemplate(r, 1000 + i);
    rareTemplates++;
    const n = 1 + r.int(5);
    for (let k = 0; k < n; k++) {
      inserts.push({ at: r.int(backgroundLines), message: g.render(r), key: `rare-${i}` });
    }
  }
  inserts.sort((a, b) => b.at - a.at);
  for (const ins of inserts) {
    messages.splice(ins.at, 0, ins.message);
    truth.splice(ins.at, 0, ins.key);
    rare.splice(ins.at, 0, true);
  }
  return { messages, truth, rare, rareTemplates };
}

/** Loghub grouping accuracy restricted to the rare lines; also signatures per rare group. */
export function rareAccuracy(
  signatureIds: readonly string[],
  corpus: Corpus,
): { accuracy: number; rareLines: number; signaturesPerGroup: number; whole: number } {
  const bySignature = new Map<string, number[]>();
  const byTruth = new Map<string, number[]>();
  for (let i = 0; i < signatureIds.length; i++) {
    const s = signatureIds[i]!;
    (bySignature.get(s) ?? bySignature.set(s, []).get(s)!).push(i);
    if (corpus.rare[i]) {
      const t = corpus.truth[i]!;
      (byTruth.get(t) ?? byTruth.set(t, []).get(t)!).push(i);
    }
  }
  let right = 0;
  let lines = 0;
  let signatures = 0;
  let whole = 0;
  for (const members of byTruth.values()) {
    const sigs = new Set(members.map((i) => signatureIds[i]!));
    signatures += sigs.size;
    if (sigs.size === 1) whole++;
    const group = bySignature.get(signatureIds[members[0]!]!)!;
    const exact = sigs.size === 1 && group.length === members.length;
    lines += members.length;
    if (exact) right += members.length;
  }
  return {
    accuracy: right / lines,
    rareLines: lines,
    signaturesPerGroup: signatures / byTruth.size,
    whole: whole / byTruth.size,
  };
}

function mineOnline(messages: readonly string[]): string[] {
  const miner = new SignatureMiner();
  const ids: string[] = [];
  for (let i = 0; i < messages.length; i += BATCH) {
    const batch: SkeletonBatch = skeletonsOf(messages.slice(i, i + BATCH));
    for (const id of miner.mineSkeletons(batch).signatureIds) ids.push(id);
  }
  return ids;
}

const rareBench: Bench = {
  name: "rare-errors",
  description:
    "grouping of templates seen 1-5 times among ~1M background lines, online in 10k batches",
  run() {
    const corpus = buildCorpus(SEED, BACKGROUND_LINES);
    const started = performance.now();
    const ids = mineOnline(corpus.messages);
    const seconds = (performance.now() - started) / 1000;
    const result = rareAccuracy(ids, corpus);
    const bench = "rare-errors";
    const note = `${corpus.messages.length} lines, ${result.rareLines} rare lines of ${
      corpus.rareTemplates * 1
    } templates (+trace variants), seed ${SEED}`;
    const rows: BenchRow[] = [
      {
        bench,
        metric: "GA on rare lines",
        value: Math.round(result.accuracy * 1000) / 1000,
        unit: "",
        ...atLeast(Math.round(result.accuracy * 1000) / 1000, 0.95),
        note,
      },
      {
        bench,
        metric: "rare groups in one signature",
        value: Math.round(result.whole * 1000) / 1000,
        unit: "",
      },
      {
        bench,
        metric: "signatures per rare group",
        value: Math.round(result.signaturesPerGroup * 1000) / 1000,
        unit: "",
      },
      {
        bench,
        metric: "online mining",
        value: Math.round(corpus.messages.length / seconds),
        unit: "lines/s",
        note: "skeletons + mine, one process, loaded machine",
      },
    ];
    return Promise.resolve(rows);
  },
};

export const rareErrorBenches: Bench[] = [rareBench];
