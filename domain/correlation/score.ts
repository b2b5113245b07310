import { severityTextOf } from "../severity.ts";
import {
  buildIdf,
  foldPhrases,
  type Idf,
  textSimilarity,
  tfIdfCosine,
  type WordMatch,
  words,
} from "./text.ts";
import { HOUR_MS } from "../time.ts";

/** What the correlation knows of a ticket. */
export interface TicketFacts {
  /** The ticket's subject line. */
  readonly subject: string;
  /** What the customer wrote. */
  readonly description: string;
  /** The customer who opened it. */
  readonly customer: string;
  /** The environment it is about. */
  readonly environment: string;
  /** The ticket's severity. */
  readonly severity: "critical" | "high" | "medium" | "low";
  /** When it was opened, epoch milliseconds. */
  readonly openedAt: number;
  /** The period the logs are searched in; `to` exclusive. */
  readonly window: { readonly from: number; readonly to: number };
}

/**
 * What the log side knows of a signature, overall and in the ticket's
 * customer environment. Counts in the window and before it come from hourly
 * rollups.
 */
export interface SignatureFacts {
  /** The candidate signature's id. */
  readonly signatureId: string;
  /** Its template, whose words are compared with the ticket's. */
  readonly template: string;
  /** Highest OpenTelemetry severity number seen for it. */
  readonly severityNumber: number;
  /** Distinct known customers that ever logged it, and how many customers there are. */
  readonly customersAffected: number;
  /** How many known customers there are. */
  readonly totalCustomers: number;
  /** First time this customer environment logged it; null when it never did. */
  readonly envFirstSeen: number | null;
  /** First log of any kind from this customer environment: the start of what is known. */
  readonly envDataSince: number | null;
  /** Lines of it in this customer environment within the window. */
  readonly countInWindow: number;
  /** Most lines in one hour of the window. */
  readonly peakHourInWindow: number;
  /** Lines in the baseline period before the window, and its length in hours (0: no history). */
  readonly countBefore: number;
  /** The baseline period's length in hours (0: no history). */
  readonly beforeHours: number;
  /**
   * Across the fleet: customers that had logged it by the ticket's opening,
   * and how many of them began in the {@linkcode SPREAD_DAYS} days before it
   * after at least a day of logs without it. Absent: not known.
   */
  readonly fleet?: FleetSpread;
  /**
   * The upgrade of this environment whose restart hour (and the hour after)
   * holds the largest share of the window's lines, with that share. Warm-up
   * warnings come all at once after a restart and then stop; a fault of the
   * new version goes on.
   */
  readonly restart?: RestartBurst | null;
}

/** How far a signature had spread over the fleet when the ticket was opened. */
export interface FleetSpread {
  /** Customers that had logged it by then. */
  readonly customers: number;
  /** Of them, those whose first line came in the days before, after a quiet day or more of logs. */
  readonly newCustomers: number;
}

/** How recent a customer's first line of a signature must be to count as spreading. */
export const SPREAD_DAYS = 14;

/** An upgrade of the environment and the share of a signature's lines right after its restart. */
export interface RestartBurst {
  /** The version the environment was upgraded to. */
  readonly version: string;
  /** When it restarted, epoch milliseconds. */
  readonly at: number;
  /** Share of the window's lines in the upgrade's hour and the next, in [0, 1]. */
  readonly share: number;
}

/**
 * Above this share of its lines in restart hours, a signature counts as a
 * restart burst: it came with the restart and stopped. A fault of the new
 * version keeps logging after them, so its share stays well below.
 */
export const RESTART_SHARE = 0.8;
/** The most a restart burst's score is cut by (at a share of 1). */
const RESTART_DISCOUNT = 0.7;

/** The evidence a candidate is scored on, each in 0..1. */
export interface Features {
  /** Ticket words explained by the template and the reverse (lexicon included). */
  readonly text: number;
  /** The peak hour in the window against the usual hourly rate before it. */
  readonly burst: number;
  /** Started shortly before the ticket was opened. */
  readonly onset: number;
  /** Hits few customers overall. */
  readonly rarity: number;
  /**
   * Spreading over the fleet when the ticket came: most of the customers
   * that had it began logging it in the days before. A new fault that
   * reached many customers explains a ticket even where its own customer
   * logged it only once or twice, too few for burst and onset to show.
   */
  readonly spread: number;
  /** How bad the log level is, for a ticket this severe. */
  readonly severity: number;
  /** How much of it this customer environment logged in the window. */
  readonly volume: number;
  /**
   * 1 when it started first among signatures that started together (a cause
   * precedes its symptoms), 0 when another started just before it, 0.5 when
   * it did not start in the window.
   */
  readonly lead: number;
}

/**
 * How much each feature counts; they sum to 1, so a score is in [0, 1].
 * Words come first because they are the only link to what the customer
 * says; the time features (burst, onset) come next because a cause
 * precedes its symptom and stands out against its own history; when a
 * fault cascades, its symptoms start minutes after it and often read more
 * like the customer's words, so the one that started first gets the lead;
 * a fault spreading over the fleet stands for the time features where the
 * ticket's own environment logged it too rarely for them to show (added at
 * 0.1, the others scaled down: on sparse simulated fleets strict top-1 rose
 * from 0.55/0.65/0.51 to 0.65/0.73/0.62 on the seeds it was chosen on and
 * from 0.62/0.67/0.73 to 0.75/0.74/0.77 on three others, and from 0.92 to
 * 0.98 on the issue bench's); rarity and severity separate a real fault from
 * background noise; volume only breaks near ties (noisy INFO lines are loud
 * and explain little).
 */
export const WEIGHTS: Readonly<Record<keyof Features, number>> = {
  text: 0.28,
  burst: 0.15,
  onset: 0.12,
  lead: 0.11,
  spread: 0.1,
  rarity: 0.09,
  severity: 0.11,
  volume: 0.04,
};

/** Lines in the window at which a start in it counts for about two thirds (1 - 1/e). */
export const START_LINES = 2;

/** Signatures that start within this of each other are taken as one cascade. */
export const CASCADE_MS = 15 * 60_000;

/** A candidate with its score and the reasons behind it. */
export interface ScoredSignature {
  /** The signature's id. */
  readonly signatureId: string;
  /** The signature's template. */
  readonly template: string;
  /** Weighted sum of the features, in 0..1. */
  readonly score: number;
  /** The evidence, feature by feature. */
  readonly features: Features;
  /** The evidence in words. */
  readonly reasons: readonly string[];
}

/** Tokens of every template in a candidate set, for IDF. */
export function candidateIdf(candidates: readonly SignatureFacts[]): Idf {
  return buildIdf(candidates.map((c) => words(c.template).map((w) => w.stem)));
}

/**
 * Ranks the candidate signatures for a ticket, most likely cause first, each
 * with its score, features and reasons. Ties are broken by id.
 *
 * @example
 * ```ts
 * import { rankSignatures } from "./score.ts";
 * import assert from "node:assert/strict";
 * const hour = 3_600_000;
 * const openedAt = 100 * hour;
 * const base = {
 *   customersAffected: 1, totalCustomers: 20, envDataSince: 0, countBefore: 0, beforeHours: 168,
 *   peakHourInWindow: 30, countInWindow: 60, envFirstSeen: openedAt - 2 * hour,
 * };
 * const [first] = rankSignatures({
 *   subject: "Checkout broken", description: "Payment fails for every card",
 *   customer: "acme", environment: "prod", severity: "high", openedAt,
 *   window: { from: openedAt - 24 * hour, to: openedAt + hour },
 * }, [
 *   { ...base, signatureId: "pay", template: "PaymentGatewayException: upstream timeout", severityNumber: 17 },
 *   { ...base, signatureId: "disk", template: "Disk <*> is full", severityNumber: 17 },
 * ]);
 * assert.equal(first?.signatureId, "pay");
 * ```
 */
export function rankSignatures(
  ticket: TicketFacts,
  candidates: readonly SignatureFacts[],
  idf: Idf = candidateIdf(candidates),
): ScoredSignature[] {
  const ticketWords = words(foldPhrases(`${ticket.subject}\n${ticket.description}`));
  const ticketTokens = ticketWords.map((w) => w.stem);
  const leads = leadsOf(ticket, candidates);
  return candidates
    .map((candidate) =>
      scoreSignature(ticket, ticketTokens, candidate, idf, leads.get(candidate.signatureId))
    )
    .sort(byScore);
}

/** What started just before a signature, if anything. */
export interface Lead {
  readonly lead: number;
  /** The signature that started shortly before, when there is one. */
  readonly after:
    | { readonly signatureId: string; readonly template: string; readonly by: number }
    | null;
  /** How many started shortly after it. */
  readonly followers: number;
}

/**
 * For signatures that started within the window, whether another started
 * shortly (CASCADE_MS) before them: the first of a cascade leads it.
 */
export function leadsOf(
  ticket: TicketFacts,
  candidates: readonly SignatureFacts[],
): Map<string, Lead> {
  // A restart burst starts with the upgrade, not with a fault: it leads nothing.
  const started = candidates.filter((c) =>
    (c.restart?.share ?? 0) < RESTART_SHARE && c.envFirstSeen !== null &&
    c.envFirstSeen >= ticket.window.from &&
    c.envFirstSeen < ticket.window.to &&
    (c.envDataSince === null || c.envFirstSeen - c.envDataSince >= HOUR_MS)
  ).sort((a, b) => a.envFirstSeen! - b.envFirstSeen! || (a.signatureId < b.signatureId ? -1 : 1));
  const leads = new Map<string, Lead>();
  started.forEach((c, i) => {
    const at = c.envFirstSeen!;
    let before: SignatureFacts | undefined;
    // Signatures that start in the same millisecond are peers: neither follows the other.
    for (let j = i - 1; j >= 0 && at - started[j]!.envFirstSeen! <= CASCADE_MS; j--) {
      if (started[j]!.envFirstSeen! < at) before = started[j];
    }
    let followers = 0;
    for (let j = i + 1; j < started.length && started[j]!.envFirstSeen! - at <= CASCADE_MS; j++) {
      if (started[j]!.envFirstSeen! > at) followers++;
    }
    leads.set(c.signatureId, {
      lead: before === undefined ? 1 : 0,
      after: before === undefined ? null : {
        signatureId: before.signatureId,
        template: before.template,
        by: at - before.envFirstSeen!,
      },
      followers,
    });
  });
  return leads;
}

/** The text-only baseline: TF-IDF cosine over the same words, no lexicon, no other feature. */
export function rankByTextOnly(
  ticket: TicketFacts,
  candidates: readonly SignatureFacts[],
  idf: Idf = candidateIdf(candidates),
): { signatureId: string; score: number }[] {
  const ticketTokens = words(foldPhrases(`${ticket.subject}\n${ticket.description}`)).map((w) =>
    w.stem
  );
  return candidates.map((c) => ({
    signatureId: c.signatureId,
    score: tfIdfCosine(ticketTokens, words(c.template).map((w) => w.stem), idf),
  })).sort(byScore);
}

function byScore(a: { score: number; signatureId: string }, b: typeof a): number {
  return b.score - a.score || (a.signatureId < b.signatureId ? -1 : 1);
}

export function scoreSignature(
  ticket: TicketFacts,
  ticketTokens: readonly string[],
  candidate: SignatureFacts,
  idf: Idf,
  lead: Lead | undefined = undefined,
): ScoredSignature {
  const templateWords = words(candidate.template);
  const text = textSimilarity(ticketTokens, templateWords.map((w) => w.stem), idf);
  const sure = startCertainty(candidate);
  const features: Features = {
    text: text.score,
    burst: burstOf(candidate),
    onset: onsetOf(ticket, candidate) * sure,
    rarity: rarityOf(candidate),
    // Spreading says "a real fault, now" but not "this ticket's": it counts as far as the words relate.
    spread: spreadOf(candidate) * Math.min(1, text.score / 0.2),
    severity: severityFit(ticket.severity, candidate.severityNumber),
    volume: Math.min(1, Math.log10(1 + candidate.countInWindow) / 3),
    lead: 0.5 + ((lead?.lead ?? 0.5) - 0.5) * sure,
  };
  let score = 0;
  for (const key of Object.keys(WEIGHTS) as (keyof Features)[]) {
    score += WEIGHTS[key] * features[key];
  }
  score *= 1 - RESTART_DISCOUNT * restartWeight(candidate);
  return {
    signatureId: candidate.signatureId,
    template: candidate.template,
    score: Math.round(score * 10_000) / 10_000,
    features,
    reasons: reasonsFor(ticket, candidate, features, text.matches, templateWords, lead),
  };
}

/**
 * How much a start in the window says, by the lines that show it: a line this
 * environment logs a few times a week "starts" whenever it happens to come
 * first, so one line is weak evidence (0.39), three are fair (0.78), ten sure.
 * Onset and lead are scaled by it. On sparse simulated fleets (seeds 77-83)
 * strict top-1 rose on every seed, from 0.645/0.725/0.617/0.658/0.628/0.553/0.745
 * to 0.742/0.750/0.691/0.737/0.744/0.605/0.764; the dense fleet stayed at 1.
 */
function startCertainty(c: SignatureFacts): number {
  return 1 - Math.exp(-c.countInWindow / START_LINES);
}

/** 0 below RESTART_SHARE, rising to 1 when every line of the window came in restart hours. */
function restartWeight(c: SignatureFacts): number {
  const share = c.restart?.share ?? 0;
  return share < RESTART_SHARE ? 0 : (share - RESTART_SHARE) / (1 - RESTART_SHARE);
}

/** Ratio of the window's peak hour to the usual hour, on a log scale: 1 at ~30x. */
function burstOf(c: SignatureFacts): number {
  // With no history before the window nothing can stand out: neutral.
  if (c.beforeHours <= 0) return 0.5;
  const usual = c.countBefore / c.beforeHours;
  const ratio = (c.peakHourInWindow + 1) / (usual + 1);
  return clamp(Math.log10(ratio) / 1.5);
}

/**
 * Close to 1 when the environment first logged it shortly before the ticket
 * was opened (half-life ~8 h); low when it was always there or only started
 * after the report.
 */
function onsetOf(ticket: TicketFacts, c: SignatureFacts): number {
  if (c.envFirstSeen === null) return 0;
  // Seen since the environment's logs begin: its start is unknown, not recent.
  if (c.envDataSince !== null && c.envFirstSeen - c.envDataSince < HOUR_MS) return 0;
  const lead = ticket.openedAt - c.envFirstSeen;
  if (lead >= 0) return Math.exp(-lead / (12 * HOUR_MS));
  // Logs arrive late and reports are approximate: a start just after still counts a little.
  return 0.3 * Math.exp(lead / HOUR_MS);
}

/**
 * The share of its customers that are new to it, times how sure that is:
 * one new customer says little (0.39 of the share), three say more (0.78).
 */
function spreadOf(c: SignatureFacts): number {
  if (c.fleet === undefined || c.fleet.customers === 0) return 0;
  const { customers, newCustomers } = c.fleet;
  return clamp((newCustomers / customers) * (1 - Math.exp(-newCustomers / 2)));
}

function rarityOf(c: SignatureFacts): number {
  if (c.totalCustomers <= 1) return 0.5;
  const others = Math.max(0, c.customersAffected - 1);
  return clamp(1 - Math.sqrt(others / (c.totalCustomers - 1)));
}

/**
 * ERROR and FATAL explain a ticket best; a WARN can explain a medium or low
 * one ("it's a bit slow") better than a critical one.
 */
function severityFit(ticket: TicketFacts["severity"], severityNumber: number): number {
  const mild = ticket === "medium" || ticket === "low";
  if (severityNumber >= 21) return 1;
  if (severityNumber >= 17) return 0.85;
  if (severityNumber >= 13) return mild ? 0.6 : 0.45;
  if (severityNumber >= 9) return 0.1;
  if (severityNumber >= 1) return 0.02;
  return 0.3;
}

function reasonsFor(
  ticket: TicketFacts,
  c: SignatureFacts,
  f: Features,
  matches: readonly WordMatch[],
  templateWords: readonly { word: string; stem: string }[],
  lead: Lead | undefined,
): string[] {
  const reasons: string[] = [];
  if (matches.length > 0) {
    const written = (stem: string) => templateWords.find((w) => w.stem === stem)?.word ?? stem;
    reasons.push(
      `words: ${
        matches.slice(0, 5).map((m) =>
          `${m.ticketWord}↔${written(m.logWord)}${m.via === null ? "" : ` (${m.via})`}`
        ).join(", ")
      }`,
    );
  }
  if (c.envFirstSeen !== null && f.onset > 0.05) {
    const lead = ticket.openedAt - c.envFirstSeen;
    reasons.push(
      lead >= 0
        ? `started ${duration(lead)} before the ticket`
        : `started ${duration(-lead)} after the ticket`,
    );
  } else if (c.envFirstSeen !== null && c.envFirstSeen < ticket.window.from) {
    reasons.push(
      `seen in this environment since ${
        duration(ticket.openedAt - c.envFirstSeen)
      } before the ticket`,
    );
  }
  if (lead?.after) {
    reasons.push(
      `started ${duration(lead.after.by)} after "${lead.after.template}": likely a symptom of it`,
    );
  } else if (lead !== undefined && lead.followers > 0) {
    reasons.push(
      `started first: ${lead.followers} other signature${
        lead.followers === 1 ? "" : "s"
      } followed within ${duration(CASCADE_MS)}`,
    );
  }
  if (c.beforeHours > 0 && f.burst >= 0.2) {
    const usual = c.countBefore / c.beforeHours;
    reasons.push(
      usual === 0
        ? `new: ${lines(c.peakHourInWindow)} in its peak hour, none in the ${
          duration(c.beforeHours * HOUR_MS)
        } before`
        : `burst: ${lines(c.peakHourInWindow)} in its peak hour, usually ${rate(usual)}`,
    );
  }
  if (c.fleet !== undefined && f.spread >= 0.2) {
    reasons.push(
      `spreading: ${c.fleet.newCustomers} of its ${c.fleet.customers} customers began logging it in the ${SPREAD_DAYS} days before the ticket`,
    );
  }
  if (c.restart !== undefined && c.restart !== null && c.restart.share >= RESTART_SHARE) {
    reasons.push(
      `restart burst: ${
        Math.round(c.restart.share * 100)
      }% of its lines came right after the upgrade to ${c.restart.version} at ${
        new Date(c.restart.at).toISOString()
      }, so it is discounted`,
    );
  }
  reasons.push(`this customer: ${lines(c.countInWindow)} in the window`);
  if (c.totalCustomers > 1) {
    reasons.push(
      `${
        f.rarity >= 0.5 ? "rare" : "common"
      }: ${c.customersAffected} of ${c.totalCustomers} customers`,
    );
  }
  reasons.push(`severity ${severityTextOf(c.severityNumber)}`);
  return reasons;
}

function lines(count: number): string {
  return count === 1 ? "1 line" : `${count} lines`;
}

/** An hourly rate as a person says it: a rare line is "0.6 a day", not "0.0/h". */
function rate(perHour: number): string {
  if (perHour >= 10) return `${Math.round(perHour)}/h`;
  if (perHour >= 0.1) return `${perHour.toFixed(1)}/h`;
  const perDay = perHour * 24;
  return perDay >= 0.95 ? `${Math.round(perDay)} a day` : `${perDay.toFixed(1)} a day`;
}

function duration(ms: number): string {
  const minutes = Math.round(ms / 60_000);
  if (minutes < 60) return `${minutes} min`;
  const hours = Math.round(ms / HOUR_MS);
  if (hours < 48) return `${hours}h`;
  return `${Math.round(ms / (24 * HOUR_MS))} days`;
}

function clamp(x: number): number {
  return Math.max(0, Math.min(1, x));
}
