import { stems } from "./text.ts";

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
  const x = new Set(stems(a));
  const y = new Set(stems(b));
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
      s.trim().replace(/^(?:\d+[.)]|[-*+•])\s*/, "").replace(/^(?:then|and then)\s+/i, "")
        .replace(/,\s*which\b.*$/i, "")
        .replace(/[.\s]+$/, "").trim()
    )
    .filter((s) => s.length > 1)
    .map((s) => s[0]!.toUpperCase() + s.slice(1));
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
 * Steps from many solutions: near-duplicates merged (the most common
 * wording kept), ordered by where they come in the solutions, steps most
 * tickets share first among equals.
 */
export function mergeSteps(solutions: readonly string[]): MergedStep[] {
  interface Group {
    readonly wordings: string[];
    readonly tickets: Set<number>;
    readonly positions: number[];
  }
  const groups: Group[] = [];
  solutions.forEach((solution, ticket) => {
    const steps = splitSteps(solution);
    steps.forEach((step, i) => {
      const position = steps.length === 1 ? 0 : i / (steps.length - 1);
      let best: Group | undefined;
      let bestSimilarity = SAME_STEP;
      for (const group of groups) {
        const s = similarity(step, group.wordings[0]!);
        if (s >= bestSimilarity) {
          best = group;
          bestSimilarity = s;
        }
      }
      if (best === undefined) {
        groups.push({ wordings: [step], tickets: new Set([ticket]), positions: [position] });
      } else {
        best.wordings.push(step);
        best.tickets.add(ticket);
        best.positions.push(position);
      }
    });
  });
  return groups
    .map((g) => ({
      text: mostCommon(g.wordings),
      tickets: g.tickets.size,
      position: g.positions.reduce((a, b) => a + b, 0) / g.positions.length,
    }))
    .sort((a, b) => a.position - b.position || b.tickets - a.tickets || (a.text < b.text ? -1 : 1));
}

function mostCommon(texts: readonly string[]): string {
  const counts = new Map<string, number>();
  for (const t of texts) counts.set(t, (counts.get(t) ?? 0) + 1);
  return [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))[0]![0];
}

/** Words that say a resolution needed engineering: a code change or a release. */
const ENGINEERING =
  /\b(upgrade|upgraded|release|released|patch|patched|hotfix|fix(?:ed)? in|code (?:fix|change)|deploy|deployed|rollback|rolled back|engineering|bug|defect|regression)\b/i;

export interface ArticleCandidate {
  readonly tickets: number;
  /** 0..1: how alike the resolutions are. */
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
  let pairs = 0;
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let j = i + 1; j < n; j++) {
      total += similarity(cases[i]!.solution, cases[j]!.solution);
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
  readonly steps: readonly string[];
}

/**
 * The tickets whose resolutions tell one story about the issue. Tickets
 * linked to an issue are not all about it (an agent links the wrong error,
 * a how-to question lands on a noisy signature), so resolutions are grouped
 * by how alike their root cause and solution are, and the group kept is the
 * one with the most tickets, each counted by how much its resolution speaks
 * of the issue's own log text (when given): the story about the issue, told
 * most often.
 */
export function dominantResolution(
  cases: readonly ResolvedCase[],
  issueText = "",
): ResolvedCase[] {
  if (cases.length <= 1) return [...cases];
  const groups: { readonly members: ResolvedCase[]; readonly text: string }[] = [];
  for (const c of cases) {
    const text = `${c.rootCause}\n${c.solution}`;
    const group = groups.find((g) => similarity(g.text, text) >= SAME_STEP);
    if (group === undefined) groups.push({ members: [c], text });
    else group.members.push(c);
  }
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
 * An article template from resolved tickets: the title and symptom in the
 * customers' own words, the cause from the recorded root causes, the steps
 * from the solutions (merged, ordered), all from the tickets whose
 * resolutions tell the issue's story ({@link dominantResolution}). A step
 * only one ticket of many had is left out when at least three tickets agree
 * on others.
 */
export function draftFrom(cases: readonly ResolvedCase[], issueText = ""): DraftText {
  const story = dominantResolution(cases, issueText);
  const steps = mergeSteps(story.map((c) => c.solution));
  const shared = story.length >= 3 ? steps.filter((s) => s.tickets >= 2) : steps;
  return {
    title: representative(story.map((c) => c.subject)) || "Untitled",
    symptom: representative(story.map((c) => c.description)),
    cause: representative(story.map((c) => c.rootCause)),
    steps: (shared.length > 0 ? shared : steps).map((s) => s.text),
  };
}
