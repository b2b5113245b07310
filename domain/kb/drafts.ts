import { statementTerms, stems } from "./text.ts";

/** A resolved ticket as drafting and candidate ranking see it. */
export interface ResolvedCase {
  readonly ticketId: string;
  readonly subject: string;
  readonly description: string;
  readonly rootCause: string;
  readonly solution: string;
  /** Hours from opening to resolution. */
  readonly hours: number;
  readonly escalations: number;
  /** Linked to an engineering tracker (Jira and the like). */
  readonly engineeringTicket: boolean;
}

/** Set similarity of two texts' stems (Jaccard); 1 for two empty texts. */
export function similarity(a: string, b: string): number {
  return jaccard(new Set(stems(a)), new Set(stems(b)));
}

/** The share of the smaller set that the other holds (the overlap coefficient); 1 for two empty sets. */
function overlap<T>(x: ReadonlySet<T>, y: ReadonlySet<T>): number {
  if (x.size === 0 && y.size === 0) return 1;
  if (x.size === 0 || y.size === 0) return 0;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / Math.min(x.size, y.size);
}

/** The kind of a value term of {@link statementTerms} (`‹version›`), or null for a word. */
function kindOf(term: string): string | null {
  return term.startsWith("‹") ? term.slice(0, term.indexOf("›") + 1) : null;
}

/** Two statements' terms as compared: the terms both hold, and how many each counts. */
interface Compared {
  readonly shared: number;
  readonly x: number;
  readonly y: number;
}

/**
 * Two statements' terms side by side. Values of one kind that differ (5.6.0
 * and 5.7.1, two row counts) pair up and are left out of both: the
 * statements agree that a release is involved and differ on which, and
 * neither says more of what went wrong (one agent names the release that
 * brought a defect, another the one that fixes it). Without this the pair
 * counted as two terms apart, as if the statements disagreed on the cause.
 */
function compareTerms(x: ReadonlySet<string>, y: ReadonlySet<string>): Compared {
  let shared = 0;
  const unmatched = new Map<string, [number, number]>();
  const note = (term: string, side: 0 | 1) => {
    const kind = kindOf(term);
    if (kind === null) return;
    const n = unmatched.get(kind) ?? [0, 0];
    n[side]++;
    unmatched.set(kind, n);
  };
  for (const t of x) {
    if (y.has(t)) shared++;
    else note(t, 0);
  }
  for (const t of y) if (!x.has(t)) note(t, 1);
  let pairs = 0;
  for (const [a, b] of unmatched.values()) pairs += Math.min(a, b);
  return { shared, x: x.size - pairs, y: y.size - pairs };
}

/** {@link jaccard} of two statements' terms ({@link compareTerms}). */
function statementJaccard(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  const c = compareTerms(x, y);
  if (c.x === 0 && c.y === 0) return 1;
  return c.shared / (c.x + c.y - c.shared);
}

/** {@link overlap} of two statements' terms ({@link compareTerms}). */
function statementOverlap(x: ReadonlySet<string>, y: ReadonlySet<string>): number {
  const c = compareTerms(x, y);
  if (c.x === 0 && c.y === 0) return 1;
  if (c.x === 0 || c.y === 0) return 0;
  return c.shared / Math.min(c.x, c.y);
}

function jaccard<T>(x: ReadonlySet<T>, y: ReadonlySet<T>): number {
  if (x.size === 0 && y.size === 0) return 1;
  let shared = 0;
  for (const t of x) if (y.has(t)) shared++;
  return shared / (x.size + y.size - shared);
}

/**
 * The text most like the others (the medoid): the customers' own words that
 * say best what they all say.
 *
 * @example
 * ```ts
 * import { representative } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   representative(["export is cut off", "the export file is cut off", "missing rows"]),
 *   "export is cut off",
 * );
 * ```
 */
export function representative(texts: readonly string[]): string {
  let best = "";
  let bestScore = -1;
  for (const text of texts) {
    if (text.trim() === "") continue;
    let score = 0;
    for (const other of texts) if (other !== text) score += similarity(text, other);
    if (score > bestScore) {
      best = text;
      bestScore = score;
    }
  }
  return best.trim();
}

/**
 * A solution text cut into steps: numbered or bulleted lines, sentences,
 * semicolons, "then" clauses and labels such as "Workaround:" or
 * "Workaround until then:". A step keeps its action: a trailing ", which ..."
 * clause explains the step (the cause says why) and is left out.
 *
 * @example
 * ```ts
 * import { splitSteps } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   splitSteps("Upgrade to 5.8.1, which reads old secrets. Workaround until then: rotate the endpoint secret; then resend"),
 *   ["Upgrade to 5.8.1", "Rotate the endpoint secret", "Resend"],
 * );
 * ```
 */
export function splitSteps(solution: string): string[] {
  return solution
    .split(
      /\r?\n|(?<=[a-z0-9)])\.(?=\s+[A-Z])|;\s*|,?\s+then\s+|(?:^|\s+)[A-Z][a-z]+(?:\s+[a-z]+){0,2}:\s+/,
    )
    .map((s) =>
      asInstruction(withoutAgent(
        s.trim().replace(/^(?:\d+[.)]|[-*+•])\s*/, "").replace(/^(?:then|and then)\s+/i, "")
          .replace(/,\s*which\b.*$/i, "")
          .replace(/[.\s]+$/, "").trim(),
      ))
    )
    .filter((s) => s.length > 1)
    .map((s) => s[0]!.toUpperCase() + s.slice(1));
}

/**
 * Who did a step is not part of it: an agent writes "Asked the customer to
 * clear the cache", "Had them clear it", "Customer cleared the cache" or "We
 * cleared it" for the one step "clear the cache".
 */
const AGENT_REQUEST =
  /^(?:(?:we|i|support)\s+)?(?:asked|told|advised|instructed|had|helped|got|let|walked)\s+(?:the\s+)?(?:customer|client|user|them|him|her)\s+(?:through\s+|to\s+)?/i;
const AGENT_SUBJECT = /^(?:we|i|support|the\s+customer|customer|the\s+client|client|they)\s+/i;

function withoutAgent(step: string): string {
  return step.replace(AGENT_REQUEST, "").replace(AGENT_SUBJECT, "");
}

/**
 * Past tenses the "-ed" rule of stemming does not reach, back to the
 * instruction an article writes ("re-ran" -> "re-run").
 */
const IRREGULAR_PAST: Readonly<Record<string, string>> = {
  ran: "run",
  sent: "send",
  told: "tell",
  took: "take",
  made: "make",
  found: "find",
  got: "get",
  went: "go",
  gave: "give",
  wrote: "write",
  chose: "choose",
  began: "begin",
  rebuilt: "rebuild",
  built: "build",
};

/** Whether a step opens with a verb in the past tense (a report of what was done). */
function reportsDone(step: string): boolean {
  const first = /^[A-Za-z-]+/.exec(step)?.[0]?.toLowerCase() ?? "";
  const last = first.split("-").pop()!;
  return /[a-z]{2}ed$/.test(last) || last in IRREGULAR_PAST;
}

/** An irregular past tense at the start of a step, as the instruction ("Re-ran" -> "Re-run"). */
function asInstruction(step: string): string {
  return step.replace(/^([A-Za-z]+-)?([A-Za-z]+)/, (whole, prefix: string | undefined, verb) => {
    const base = IRREGULAR_PAST[verb.toLowerCase()];
    if (base === undefined) return whole;
    const word = (prefix ?? "") + base;
    return whole[0] === whole[0]!.toUpperCase() ? word[0]!.toUpperCase() + word.slice(1) : word;
  });
}

export interface MergedStep {
  readonly text: string;
  /** Tickets whose solution had it. */
  readonly tickets: number;
  /** Mean position within its solutions, 0 (first) .. 1 (last). */
  readonly position: number;
}

/** Steps this alike (stem sets) are the same step written twice. */
export const SAME_STEP = 0.5;

/**
 * Steps from many solutions: near-duplicates merged (an instruction most
 * like the other wordings kept), ordered by how many other steps each comes
 * before in the tickets that state both, then by its mean place in its
 * solutions, steps most tickets share first among equals.
 */
export function mergeSteps(solutions: readonly string[]): MergedStep[] {
  const groups = stepGroups(solutions);
  // Which step comes before which in the tickets that state both: a ticket
  // that states only some steps says nothing of the others' places, where a
  // step's mean position within its tickets would move it.
  const before = groups.map(() => new Float64Array(groups.length));
  for (const order of ticketOrders(groups, solutions.length)) {
    for (let i = 0; i < order.length; i++) {
      for (let j = i + 1; j < order.length; j++) before[order[i]!]![order[j]!]!++;
    }
  }
  return groups
    .map((g, k) => {
      let wins = 0;
      for (let other = 0; other < groups.length; other++) {
        wins += Math.sign(before[k]![other]! - before[other]![k]!);
      }
      return {
        text: wordingOf(g.wordings),
        tickets: g.tickets.size,
        position: g.positions.reduce((a, b) => a + b, 0) / g.positions.length,
        wins,
      };
    })
    .sort((a, b) =>
      b.wins - a.wins || a.position - b.position || b.tickets - a.tickets ||
      (a.text < b.text ? -1 : 1)
    )
    .map(({ wins: _wins, ...step }) => step);
}

/** Each solution's steps as group numbers, in the order it states them (each once). */
function ticketOrders(groups: readonly StepGroup[], solutions: number): number[][] {
  const orders: { group: number; at: number }[][] = Array.from({ length: solutions }, () => []);
  groups.forEach((g, group) => {
    g.tickets.forEach((ticket) => {
      const at = g.firstAt.get(ticket)!;
      orders[ticket]!.push({ group, at });
    });
  });
  return orders.map((o) => o.sort((a, b) => a.at - b.at).map((x) => x.group));
}

interface StepGroup {
  readonly wordings: string[];
  /** Indexes of the solutions that state the step. */
  readonly tickets: Set<number>;
  readonly positions: number[];
  /** Where each solution first states it (its step number). */
  readonly firstAt: Map<number, number>;
}

/** The solutions' steps, near-duplicates in one group (in the order first seen). */
function stepGroups(solutions: readonly string[]): StepGroup[] {
  const groups: StepGroup[] = [];
  solutions.forEach((solution, ticket) => {
    const steps = splitSteps(solution);
    steps.forEach((step, i) => {
      const position = steps.length === 1 ? 0 : i / (steps.length - 1);
      let best: StepGroup | undefined;
      let bestSimilarity = SAME_STEP;
      for (const group of groups) {
        const s = similarity(step, group.wordings[0]!);
        if (s >= bestSimilarity) {
          best = group;
          bestSimilarity = s;
        }
      }
      if (best === undefined) {
        groups.push({
          wordings: [step],
          tickets: new Set([ticket]),
          positions: [position],
          firstAt: new Map([[ticket, i]]),
        });
      } else {
        best.wordings.push(step);
        best.tickets.add(ticket);
        best.positions.push(position);
        if (!best.firstAt.has(ticket)) best.firstAt.set(ticket, i);
      }
    });
  });
  return groups;
}

/**
 * The wording a merged step is written with: an article gives instructions,
 * so wordings that report what was done ("Checked the logs") give way to
 * instructions ("Check the logs") when there are any; of those, the one most
 * like the others (ties: the most common, then the first in order).
 */
function wordingOf(texts: readonly string[]): string {
  const instructions = texts.filter((t) => !reportsDone(t));
  const pool = instructions.length > 0 ? instructions : texts;
  const counts = new Map<string, number>();
  for (const t of pool) counts.set(t, (counts.get(t) ?? 0) + 1);
  let best = pool[0]!;
  let bestScore = -1;
  for (const [text, count] of [...counts].sort((a, b) => (a[0] < b[0] ? -1 : 1))) {
    let score = 0;
    for (const other of pool) score += similarity(text, other);
    if (
      score > bestScore + 1e-9 || (Math.abs(score - bestScore) <= 1e-9 && count > counts.get(best)!)
    ) {
      best = text;
      bestScore = score;
    }
  }
  return best;
}

/** Words that say a resolution needed engineering: a code change or a release. */
const ENGINEERING =
  /\b(upgrade|upgraded|release|released|patch|patched|hotfix|fix(?:ed)? in|code (?:fix|change)|deploy|deployed|rollback|rolled back|engineering|bug|defect|regression)\b/i;

export interface ArticleCandidate {
  readonly tickets: number;
  /** 0..1: how alike the resolutions are as fixes (the steps they state, merged across wordings). */
  readonly consistency: number;
  /** Support hours the tickets took. */
  readonly supportHours: number;
  readonly score: number;
  readonly selfService: boolean;
  readonly reasons: readonly string[];
}

/**
 * Whether recurring resolved tickets deserve an article, and whether the
 * customer could follow it alone. Score = tickets x consistency x support
 * hours (plus one, so a quick fix still counts by volume).
 *
 * @example
 * ```ts
 * import { judgeCandidate } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * const base = { subject: "", description: "", rootCause: "", hours: 2, escalations: 0, engineeringTicket: false };
 * const verdict = judgeCandidate([
 *   { ...base, ticketId: "t1", solution: "Cleared the browser cache" },
 *   { ...base, ticketId: "t2", solution: "Cleared the browser cache" },
 * ]);
 * assert.equal(verdict.selfService, true);
 * ```
 */
export function judgeCandidate(cases: readonly ResolvedCase[]): ArticleCandidate {
  const n = cases.length;
  // Alike as fixes, not as texts: the steps each solution states (merged
  // across tickets, so two wordings of one step are the same step).
  const stated = cases.map(() => new Set<number>());
  stepGroups(cases.map((c) => c.solution)).forEach((group, g) => {
    for (const ticket of group.tickets) stated[ticket]!.add(g);
  });
  // Two resolutions of one fix state some of its steps each (agents write
  // down part of what they did): their steps are compared over the shorter
  // list, so {check, restart} and {restart} are one fix, {reinstall} another.
  let pairs = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      total += overlap(stated[i]!, stated[j]!);
      pairs++;
    }
  }
  const consistency = pairs === 0 ? 1 : total / pairs;
  const supportHours = cases.reduce((sum, c) => sum + c.hours, 0);
  const score = n * consistency * (supportHours + 1);
  const reasons: string[] = [
    `${n} resolved tickets`,
    `resolutions ${Math.round(consistency * 100)}% alike`,
    `${Math.round(supportHours * 10) / 10} support hours`,
  ];
  const engineering = cases.filter((c) => ENGINEERING.test(c.solution));
  const tracked = cases.filter((c) => c.engineeringTicket);
  const escalated = cases.filter((c) => c.escalations > 0);
  const consistent = consistency >= 0.5;
  if (!consistent) reasons.push("not self-service: the resolutions differ");
  if (engineering.length > 0) {
    reasons.push(
      `not self-service: ${engineering.length} resolution(s) needed a code fix or a release (${
        engineering[0]!.ticketId
      })`,
    );
  }
  if (tracked.length > 0) {
    reasons.push(`not self-service: ${tracked.length} ticket(s) linked to an engineering ticket`);
  }
  if (escalated.length > 0) {
    reasons.push(`not self-service: ${escalated.length} ticket(s) escalated`);
  }
  const selfService = consistent && engineering.length === 0 && tracked.length === 0 &&
    escalated.length === 0;
  if (selfService) reasons.push("self-service: consistent resolutions a customer can do alone");
  return {
    tickets: n,
    consistency: Math.round(consistency * 1000) / 1000,
    supportHours: Math.round(supportHours * 100) / 100,
    score: Math.round(score * 100) / 100,
    selfService,
    reasons,
  };
}

export interface DraftText {
  readonly title: string;
  readonly symptom: string;
  readonly cause: string;
  /** Other root causes recorded on two or more of the tickets ({@link chooseCause}). */
  readonly otherCauses: readonly { readonly text: string; readonly tickets: number }[];
  readonly steps: readonly string[];
}

/**
 * The tickets whose resolutions tell one story about the issue. Tickets
 * linked to an issue are not all about it (an agent links the wrong error,
 * a how-to question lands on a noisy signature), so resolutions are grouped:
 * first by whether their root causes state one cause, as {@link chooseCause}
 * links statements (framing aside, a quarter of their terms or half the
 * shorter one's: an agent's summary and engineering's analysis of one
 * problem share few words, and at half their stems the summary's ticket
 * fell out of the story when it stated one step of the fix), then groups
 * whose solutions state the same fix are one story: they share two steps, or
 * their steps are half the same (agents word the same fix differently and
 * state only some of its steps; a single common step such as "upgrade to the
 * next release" does not make two problems one). The group kept is the one
 * with the most tickets, each counted by how much its resolution speaks of
 * the issue's own log text (when given): the story about the issue, told
 * most often.
 */
export function dominantResolution(
  cases: readonly ResolvedCase[],
  issueText = "",
): ResolvedCase[] {
  if (cases.length <= 1) return [...cases];
  const byCause: number[][] = [];
  const causes = cases.map((c) => statementTerms(statementOf(c.rootCause)));
  cases.forEach((_, i) => {
    const group = byCause.find((g) => corroborate(causes[g[0]!]!, causes[i]!));
    if (group === undefined) byCause.push([i]);
    else group.push(i);
  });
  // The steps each cause group states, as merged steps over all the cases.
  const stated = byCause.map(() => new Set<number>());
  const ticketGroup = new Map<number, number>();
  byCause.forEach((g, k) => g.forEach((i) => ticketGroup.set(i, k)));
  stepGroups(cases.map((c) => c.solution)).forEach((step, s) => {
    for (const ticket of step.tickets) stated[ticketGroup.get(ticket)!]!.add(s);
  });
  const parent = byCause.map((_, k) => k);
  const root = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
    return k;
  };
  for (let a = 0; a < byCause.length; a++) {
    for (let b = a + 1; b < byCause.length; b++) {
      let shared = 0;
      for (const s of stated[a]!) if (stated[b]!.has(s)) shared++;
      if (shared >= 2 || jaccard(stated[a]!, stated[b]!) >= SAME_STEP) {
        parent[root(b)] = root(a);
      }
    }
  }
  const byRoot = new Map<number, ResolvedCase[]>();
  byCause.forEach((g, k) => {
    const r = root(k);
    byRoot.set(r, [...(byRoot.get(r) ?? []), ...g.map((i) => cases[i]!)]);
  });
  const groups = [...byRoot.values()].map((members) => ({
    members: cases.filter((c) => members.includes(c)),
  }));
  const issueStems = new Set(stems(issueText));
  const relevance = (c: ResolvedCase) => {
    if (issueStems.size === 0) return 1;
    const words = new Set(stems(`${c.rootCause}\n${c.solution}`));
    let shared = 0;
    for (const w of issueStems) if (words.has(w)) shared++;
    // A trace of weight for every resolution: where none shares a word with
    // the template (people and logs use other words), the biggest group wins.
    return 0.01 + shared / issueStems.size;
  };
  let best = groups[0]!;
  let bestWeight = -1;
  for (const group of groups) {
    const weight = group.members.reduce((sum, c) => sum + relevance(c), 0);
    if (weight > bestWeight) {
      best = group;
      bestWeight = weight;
    }
  }
  return best.members;
}

/**
 * A root cause as an agent framed it, and the statement inside: a leading
 * label ("Known issue:") and a trailing remark in parentheses ("(known
 * issue)") are the agent's, not the cause's.
 */
function statementOf(rootCause: string): string {
  return rootCause.trim()
    .replace(/^[A-Z][a-z]+(?:\s+[a-z]+){0,2}:\s+(?=\S)/, "")
    .replace(/\s*\([^()]{1,40}\)$/, "");
}

/** A cause this many stems long is one statement; longer text explains, and counts less. */
const STATEMENT_STEMS = 10;

/**
 * A statement that shares this much (stem sets) with another one recorded
 * is the same cause told otherwise, or part of it: corroborated.
 */
const CORROBORATES = 0.25;

/**
 * Whether two statements are one cause: they share a quarter of their terms
 * ({@link statementTerms}: stems, and values by their kind), or half the
 * shorter one's terms are in the longer (a summary and the analysis it sums
 * up use few of the same words in all).
 */
function corroborate(a: ReadonlySet<string>, b: ReadonlySet<string>): boolean {
  return statementJaccard(a, b) >= CORROBORATES ||
    (a.size > 0 && b.size > 0 && statementOverlap(a, b) >= SAME_STEP);
}

/**
 * Whether two recorded root causes state one cause, as {@link chooseCause}
 * and {@link dominantResolution} link them: the agent's framing aside, by
 * their words and the kinds of values they name, not the values themselves.
 *
 * @example
 * ```ts
 * import { sameCause } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   sameCause(
 *     "Versions before 5.7.1 write CSV exports with a row limit",
 *     "Defect since 5.6.0: exports went through a spreadsheet writer limited to 65535 rows",
 *   ),
 *   true,
 * );
 * ```
 */
export function sameCause(a: string, b: string): boolean {
  return corroborate(statementTerms(statementOf(a)), statementTerms(statementOf(b)));
}

export interface CauseChoice {
  /** The cause the draft states. */
  readonly cause: string;
  /** Other causes recorded on two or more of the tickets, most supported first. */
  readonly others: readonly { readonly text: string; readonly tickets: number }[];
}

interface Statement {
  /** The statement, spaces and case aside: what ties are settled by, so order never matters. */
  readonly key: string;
  readonly statement: string;
  /** Its terms ({@link statementTerms}). */
  readonly terms: Set<string>;
  /** Tickets that record it. */
  copies: number;
  /** Its distinct texts as recorded, framing and all: each one written once. */
  readonly texts: Set<string>;
}

/**
 * The cause the tickets agree on, as an article would state it. Two
 * questions, answered by two different counts:
 * - which cause: recorded root causes are compared as statements (without
 *   the agent's framing, such as "Known issue:"), statements that share a
 *   quarter of their terms ({@link sameCause}) are one cause told otherwise or in part, and the
 *   cause most tickets record wins. A statement only one ticket records,
 *   like no other, is a guess: it wins only when every cause is one;
 * - which wording of it: each distinct text counts once, however many
 *   tickets carry it, since a text on many tickets word for word was written
 *   once and pasted (engineering's analysis from its tracker, a macro),
 *   where agents who each recognised the problem write it their own way.
 *   The wording most like the others (a medoid) is stated; beyond about ten
 *   content words a statement explains how the cause came about, where an
 *   article states it in one sentence, so its score shrinks in proportion,
 *   and of equally supported wordings the shorter is kept.
 * Of the chosen statement's near-identical wordings, the run of words all of
 * them share is kept (what agents put around it falls away). The other
 * wordings and causes that two or more tickets record are returned beside
 * it (engineering's analysis among them), for the person who edits the
 * draft.
 *
 * @example
 * ```ts
 * import { chooseCause } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * const analysis =
 *   "Regression in 5.7.0: the audience check compares against the entity id with a trailing slash, so assertions from IdPs that omit it are rejected";
 * const choice = chooseCause([
 *   analysis,
 *   analysis,
 *   "Known issue: 5.7.0 rejects SAML assertions whose audience lacks a trailing slash",
 * ]);
 * assert.equal(choice.cause, "5.7.0 rejects SAML assertions whose audience lacks a trailing slash");
 * assert.deepEqual(choice.others, [{ text: analysis, tickets: 2 }]);
 * ```
 */
export function chooseCause(rootCauses: readonly string[]): CauseChoice {
  const byKey = new Map<string, Statement>();
  for (const text of rootCauses) {
    const statement = statementOf(text);
    const key = statement.replace(/\s+/g, " ").toLowerCase();
    if (key === "") continue;
    const written = text.trim().replace(/\s+/g, " ").toLowerCase();
    const seen = byKey.get(key);
    if (seen !== undefined) {
      seen.copies++;
      seen.texts.add(written);
    } else {
      byKey.set(key, {
        key,
        statement,
        terms: statementTerms(statement),
        copies: 1,
        texts: new Set([written]),
      });
    }
  }
  const all = [...byKey.values()].sort((a, b) => a.key < b.key ? -1 : 1);
  if (all.length === 0) return { cause: "", others: [] };
  // Causes: statements linked by corroboration, each counted by its tickets.
  const parent = all.map((_, i) => i);
  const root = (i: number): number => {
    while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
    return i;
  };
  for (let a = 0; a < all.length; a++) {
    for (let b = a + 1; b < all.length; b++) {
      if (corroborate(all[a]!.terms, all[b]!.terms)) parent[root(b)] = root(a);
    }
  }
  const causes = new Map<number, Statement[]>();
  all.forEach((w, i) => causes.set(root(i), [...(causes.get(root(i)) ?? []), w]));
  const tickets = (members: readonly Statement[]) => members.reduce((n, w) => n + w.copies, 0);
  const [cause] = [...causes.values()].sort((a, b) =>
    Number(tickets(b) >= 2) - Number(tickets(a) >= 2) || tickets(b) - tickets(a) ||
    b.length - a.length || (a[0]!.key < b[0]!.key ? -1 : 1)
  );
  const scored = cause!.map((w) => {
    let support = 0;
    for (const other of cause!) {
      support += other.texts.size * statementJaccard(w.terms, other.terms);
    }
    const brevity = Math.min(1, STATEMENT_STEMS / Math.max(1, w.terms.size));
    return { ...w, score: support * brevity };
  }).sort((a, b) =>
    (Math.abs(b.score - a.score) > 1e-9 ? b.score - a.score : 0) ||
    a.terms.size - b.terms.size || b.copies - a.copies || (a.key < b.key ? -1 : 1)
  );
  const chosen = scored[0]!;
  const wordings = scored.filter((w) => statementJaccard(chosen.terms, w.terms) >= SAME_STEP);
  // Every other wording and cause stays in view of the person who edits the draft.
  const stated = new Set(wordings.map((w) => w.statement));
  const rest: Statement[][] = [];
  for (const w of [...all].sort((a, b) => b.copies - a.copies || (a.key < b.key ? -1 : 1))) {
    if (stated.has(w.statement)) continue;
    const home = rest.find((c) => statementJaccard(c[0]!.terms, w.terms) >= SAME_STEP);
    if (home === undefined) rest.push([w]);
    else home.push(w);
  }
  return {
    cause: upperFirst(sharedWording(wordings.map((w) => w.statement))),
    others: rest.map((c) => ({
      text: upperFirst(sharedWording(c.map((w) => w.statement))),
      tickets: tickets(c),
    })).filter((o) => o.tickets >= 2),
  };
}

const upperFirst = (s: string) => s === "" ? "" : s[0]!.toUpperCase() + s.slice(1);

/**
 * The words several wordings of one statement share, as one run: the longest
 * run of words (case aside) all of them contain, when it holds most of the
 * shortest wording (two thirds of its words); else the first wording (the
 * best supported).
 */
function sharedWording(texts: readonly string[]): string {
  const first = texts[0]!;
  if (texts.length === 1) return first;
  const words = (t: string) => t.split(/\s+/).filter((w) => w !== "");
  const lower = texts.map((t) => ` ${words(t).join(" ").toLowerCase()} `);
  const shortest = Math.min(...texts.map((t) => words(t).length));
  const own = words(first);
  let best: string[] = [];
  for (let i = 0; i < own.length; i++) {
    for (let j = own.length; j > i + best.length; j--) {
      const run = own.slice(i, j);
      const needle = ` ${run.join(" ").toLowerCase()} `;
      if (lower.every((t) => t.includes(needle))) {
        best = run;
        break;
      }
    }
  }
  if (best.length * 3 < shortest * 2) return first;
  return best.join(" ").replace(/[,;:]$/, "");
}

/**
 * The cause most of the tickets agree on ({@link chooseCause}).
 *
 * @example
 * ```ts
 * import { causeOf } from "./drafts.ts";
 * import assert from "node:assert/strict";
 * assert.equal(
 *   causeOf([
 *     "Known issue: the export writer stops at 65535 rows",
 *     "The export writer stops at 65535 rows (known issue)",
 *     "Customer misconfigured the bucket",
 *   ]),
 *   "The export writer stops at 65535 rows",
 * );
 * ```
 */
export function causeOf(rootCauses: readonly string[]): string {
  return chooseCause(rootCauses).cause;
}

/**
 * An article template from resolved tickets: the title and symptom in the
 * customers' own words, the cause the recorded root causes agree on
 * ({@link chooseCause}, with the other causes recorded beside it), the steps
 * from the solutions (merged, ordered), all from the tickets whose
 * resolutions tell the issue's story ({@link dominantResolution}). A step is
 * kept when two tickets, or a quarter of them, state it: agents write down
 * only some of the steps they took, so one mention among three tickets is a
 * step, while one among twenty is a slip.
 */
export function draftFrom(cases: readonly ResolvedCase[], issueText = ""): DraftText {
  const story = dominantResolution(cases, issueText);
  const steps = mergeSteps(story.map((c) => c.solution));
  const shared = steps.filter((s) => s.tickets >= 2 || s.tickets / story.length >= 0.25);
  const cause = chooseCause(story.map((c) => c.rootCause));
  return {
    title: representative(story.map((c) => c.subject)) || "Untitled",
    symptom: representative(story.map((c) => c.description)),
    cause: cause.cause,
    otherCauses: cause.others,
    steps: (shared.length > 0 ? shared : steps).map((s) => s.text),
  };
}
