/**
 * The support desk: which hit customers open tickets and when, what they
 * write, how the conversation goes, and when and how support resolves it.
 * Resolution time follows the incident's complexity, the customer's tier
 * and the desk's staffing at the time, with log-normal noise and a heavy
 * tail of escalations. Unrelated how-to questions come in too.
 *
 * @module
 */
import type { Customer, Fleet, Site } from "./fleet.ts";
import type { CustomerHit, Incident } from "./incidents.ts";
import type { Symptom } from "./incident_catalog.ts";
import {
  customerFollowUp,
  internalNote,
  knownFixResolution,
  SUPPORT_ENGINEERS,
  supportReply,
  ticketText,
} from "./phrasing.ts";
import { DAY, HOUR, MINUTE } from "./rollout.ts";
import { type Rng, Stream, streamFor } from "./rng.ts";

export type TicketSeverity = "critical" | "high" | "medium" | "low";
export type TicketStatus = "new" | "open" | "pending" | "escalated" | "solved" | "closed";

export interface Communication {
  readonly at: number;
  readonly author: string;
  readonly visibility: "public" | "internal";
  readonly body: string;
}

export interface Resolution {
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention: string;
  readonly resolver: string;
  readonly resolvedAt: number;
}

export interface SimTicket {
  readonly id: string;
  readonly customer: string;
  /** `prod` or `staging`, as the customer names it. */
  readonly environment: string;
  /** `<owner>/<environment>`, where its logs are. */
  readonly environmentKey: string;
  readonly subject: string;
  readonly description: string;
  readonly severity: TicketSeverity;
  readonly reporter: string;
  readonly openedAt: number;
  readonly window: { readonly from: number; readonly to: number } | null;
  readonly status: TicketStatus;
  readonly assignee: string | null;
  readonly escalated: boolean;
  readonly communications: readonly Communication[];
  readonly resolution: Resolution | null;
  readonly incident: string | null;
  /** Hours from opening to resolution, and what made them (ground truth for prediction). */
  readonly resolutionHours: number | null;
  readonly factors: {
    readonly complexityHours: number;
    readonly tier: string;
    readonly waitHours: number;
    readonly staffing: number;
    readonly escalated: boolean;
    /**
     * When it resolves, also for a ticket still open at the end (then later
     * than the end; null: waiting on engineering with no end in sight). Open
     * tickets are emitted without a resolution, as an export would have them;
     * this truth lets an evaluation count them instead of keeping only the
     * tickets quick enough to close before the end.
     */
    readonly resolvesAt: number | null;
  };
}

export interface Article {
  readonly id: string;
  readonly title: string;
  readonly symptom: Symptom;
  readonly cause: string;
  readonly steps: readonly string[];
  readonly incident: string | null;
}

/** Fills `{version}`, `{fix}`, `{region}`, `{dependency}` in catalogue texts. */
export function fillIncidentText(text: string, incident: Incident | null): string {
  return text
    .replaceAll("{version}", incident?.introducedIn?.version ?? "the affected version")
    .replaceAll("{fix}", incident?.fixedIn?.version ?? "the next release")
    .replaceAll("{region}", incident?.region ?? "the region")
    .replaceAll("{dependency}", incident?.spec.dependency ?? "the dependency");
}

const NOTICE_LINES: Record<string, number> = { enterprise: 3, business: 5, standard: 8 };
const OPEN_CHANCE: Record<string, number> = {
  "regression": 0.6,
  "fixed-by-release": 0.5,
  "outage": 0.7,
  "slow-burn": 0.45,
  "misconfiguration": 0.9,
  "noise": 0,
};
const TIER_OPEN_FACTOR: Record<string, number> = { enterprise: 1.25, business: 1, standard: 0.7 };
/** Median wait for a first answer, by tier (enterprise customers jump the queue). */
const TIER_WAIT_HOURS: Record<string, number> = { enterprise: 0.75, business: 3, standard: 10 };

/** How thin the desk is at an instant: weekends and nights (UTC) wait longer. */
export function staffingFactor(at: number): number {
  const date = new Date(at);
  const weekend = date.getUTCDay() === 0 || date.getUTCDay() === 6;
  const hour = date.getUTCHours();
  return (weekend ? 2.5 : 1) * (hour < 7 || hour >= 19 ? 1.8 : 1);
}

interface Draft extends Omit<SimTicket, "id"> {
  readonly order: number;
}

/**
 * Every ticket of the scenario, sorted by the time it was opened, with ids
 * `T-10001`... in that order.
 */
export function planTickets(
  fleet: Fleet,
  seed: number,
  start: number,
  end: number,
  incidents: readonly Incident[],
  hits: ReadonlyMap<string, ReadonlyMap<string, CustomerHit>>,
): SimTicket[] {
  const byId = new Map(fleet.customers.map((c) => [c.id, c]));
  const drafts: Draft[] = [];
  for (const incident of incidents) {
    if (incident.kind === "noise") continue;
    const customerHits = [...(hits.get(incident.id)?.values() ?? [])]
      .sort((a, b) => (a.customer < b.customer ? -1 : 1));
    for (const hit of customerHits) {
      const customer = byId.get(hit.customer)!;
      const r = streamFor(seed, Stream.tickets, incident.index, customer.index);
      // The resolution's words come from a stream of their own: the rest of the ticket stays as it was.
      const words = streamFor(seed, Stream.resolutions, incident.index, customer.index);
      const draft = incidentTicket(fleet, incident, customer, hit, start, end, r, words);
      if (draft !== undefined) drafts.push(draft);
    }
  }
  const questions = Math.round((fleet.customers.length * (end - start)) / DAY / 150);
  for (let q = 0; q < questions; q++) {
    const r = streamFor(seed, Stream.questions, q);
    drafts.push(questionTicket(fleet, start, end, r, q));
  }
  drafts.sort((a, b) => a.openedAt - b.openedAt || a.order - b.order);
  return drafts.map(({ order: _order, ...draft }, i) => ({ id: `T-${10001 + i}`, ...draft }));
}

/**
 * The root cause and solution an agent records: for a problem with a
 * knowledge-base article, the steps the agent took, in the agent's words
 * ({@link knownFixResolution}); otherwise the engineering summary.
 */
function resolutionText(
  incident: Incident,
  r: Rng,
  escalated: boolean,
): { rootCause: string; solution: string } {
  const rootCause = fillIncidentText(incident.spec.rootCause, incident);
  const solution = fillIncidentText(incident.spec.solution, incident);
  const article = incident.spec.article;
  if (article === undefined) return { rootCause, solution };
  return knownFixResolution(
    {
      steps: article.steps.map((step) => fillIncidentText(step, incident)),
      cause: fillIncidentText(article.cause, incident),
      rootCause,
      solution,
    },
    r,
    escalated,
  );
}

/** When the customer has seen enough errors to notice: their cumulative count passes a threshold. */
function noticedAt(hit: CustomerHit, threshold: number): number | undefined {
  let total = 0;
  for (const hour of [...hit.hourly.keys()].sort((a, b) => a - b)) {
    total += hit.hourly.get(hour)!;
    if (total >= threshold) return Math.max(hit.firstSeen, hour + HOUR / 2);
  }
  return undefined;
}

function incidentTicket(
  fleet: Fleet,
  incident: Incident,
  customer: Customer,
  hit: CustomerHit,
  start: number,
  end: number,
  r: Rng,
  words: Rng,
): Draft | undefined {
  const noticed = noticedAt(hit, NOTICE_LINES[customer.tier]!);
  if (noticed === undefined) return undefined;
  // Customers hit since before the data begins reported it before then, if
  // ever: their tickets are not in this export.
  if (incident.start <= start && hit.firstSeen < start + DAY) return undefined;
  if (!r.chance(Math.min(0.95, OPEN_CHANCE[incident.kind]! * TIER_OPEN_FACTOR[customer.tier]!))) {
    return undefined;
  }
  const delayHours = r.lognormal(incident.kind === "outage" ? 0.4 : 5, 0.8);
  const openedAt = Math.round(noticed + delayHours * HOUR);
  if (openedAt >= end) return undefined;
  const site = siteOf(fleet, customer, hit);
  const contact = r.pick(customer.contacts);
  const since = sincePhrase(openedAt - hit.firstSeen);
  const share = incident.kind === "outage" || incident.kind === "misconfiguration"
    ? "all"
    : r.pick(["few", "some", "some"] as const);
  const text = ticketText(incident.spec.symptom, r, {
    customerName: customer.name,
    contactName: contact.name,
    environment: site.environment.name,
    since,
    affectedShare: share,
  });
  const severity = severityOf(incident, customer, r);

  // Handling: the wait for a first answer, then the work, stretched by staffing and noise.
  const staffing = staffingFactor(openedAt);
  const waitHours = r.lognormal(TIER_WAIT_HOURS[customer.tier]!, 0.6) * staffing;
  const heavyTail = r.chance(0.08) ? r.uniform(2, 6) : 1;
  const complexityHours = incident.spec.workHours;
  const workHours = complexityHours * r.lognormal(1, 0.5) * heavyTail;
  const escalated = complexityHours >= 8 || heavyTail > 1;
  let resolvedAt = openedAt + (waitHours + workHours * (escalated ? 1.6 : 1)) * HOUR;
  // Some resolutions wait on the world, not on support.
  if (incident.kind === "outage") {
    resolvedAt = Math.max(resolvedAt, incident.end + r.lognormal(1, 0.5) * HOUR);
  }
  if (incident.kind === "misconfiguration") {
    resolvedAt = Math.max(resolvedAt, incident.end + r.lognormal(0.5, 0.5) * HOUR);
  }
  if (incident.kind === "fixed-by-release") {
    const upgraded = site.environment.rollout.upgrades.find((u) =>
      u.to.index >= incident.fixedIn!.index
    );
    resolvedAt = upgraded === undefined
      ? Infinity
      : Math.max(resolvedAt, upgraded.completed + r.lognormal(2, 0.6) * HOUR);
  }
  if (incident.kind === "regression" || incident.kind === "slow-burn") {
    // Waiting on engineering: most are still open when the simulation ends.
    if (r.chance(0.6)) resolvedAt = Infinity;
  }
  resolvedAt = Math.round(resolvedAt);

  const l1 = SUPPORT_ENGINEERS.filter((e) => e.level === "L1");
  const seniors = SUPPORT_ENGINEERS.filter((e) => e.level !== "L1");
  const engineer = r.pick(l1).name;
  const resolver = escalated ? r.pick(seniors).name : engineer;
  const communications: Communication[] = [
    { at: openedAt, author: contact.email, visibility: "public", body: text.description },
  ];
  const say = (at: number, author: string, visibility: "public" | "internal", body: string) => {
    if (at < end && (resolvedAt === Infinity || at <= resolvedAt)) {
      communications.push({ at: Math.round(at), author, visibility, body });
    }
  };
  const firstAnswer = openedAt + waitHours * HOUR;
  say(
    firstAnswer,
    engineer,
    "public",
    supportReply("acknowledge", r, { engineer, contactName: contact.name }),
  );
  say(firstAnswer + 5 * MINUTE, engineer, "internal", internalNote("triage", r, { engineer }));
  if (r.chance(0.5)) {
    say(
      firstAnswer + 30 * MINUTE,
      engineer,
      "public",
      supportReply("request-info", r, { engineer, contactName: contact.name }),
    );
    say(
      firstAnswer + r.uniform(1, 8) * HOUR,
      contact.email,
      "public",
      customerFollowUp(incident.spec.symptom, r),
    );
  }
  if (escalated) {
    say(
      firstAnswer + r.uniform(1, 6) * HOUR,
      engineer,
      "internal",
      internalNote("escalate", r, { engineer }),
    );
    say(
      firstAnswer + r.uniform(1, 6) * HOUR + 10 * MINUTE,
      engineer,
      "public",
      supportReply("escalate", r, { engineer, contactName: contact.name }),
    );
  }
  const resolved = resolvedAt < end;
  if (resolved) {
    say(
      resolvedAt,
      resolver,
      "public",
      supportReply("resolved", r, { engineer: resolver, contactName: contact.name }),
    );
    say(resolvedAt, resolver, "internal", internalNote("resolved", r, { engineer: resolver }));
  }
  communications.sort((a, b) => a.at - b.at);
  const windowFrom = Math.floor((noticed - r.uniform(0, 3) * HOUR) / HOUR) * HOUR;
  return {
    order: incident.index * 100_000 + customer.index,
    customer: customer.id,
    environment: site.environment.name,
    environmentKey: site.environment.key,
    subject: text.subject,
    description: text.description,
    severity,
    reporter: contact.email,
    openedAt,
    window: r.chance(0.7) ? { from: windowFrom, to: openedAt } : null,
    status: resolved
      ? (resolvedAt + 3 * DAY < end ? "closed" : "solved")
      : escalated
      ? "escalated"
      : r.pick(["open", "pending"] as const),
    assignee: resolved ? resolver : escalated ? resolver : engineer,
    escalated,
    communications,
    resolution: resolved
      ? {
        ...resolutionText(incident, words, escalated),
        prevention: fillIncidentText(incident.spec.prevention, incident),
        resolver,
        resolvedAt,
      }
      : null,
    incident: incident.id,
    resolutionHours: resolved ? Math.round(((resolvedAt - openedAt) / HOUR) * 100) / 100 : null,
    factors: {
      complexityHours,
      tier: customer.tier,
      waitHours: Math.round(waitHours * 100) / 100,
      staffing,
      escalated,
      resolvesAt: Number.isFinite(resolvedAt) ? resolvedAt : null,
    },
  };
}

/** The site the customer first saw the incident on: the one they write about. */
function siteOf(fleet: Fleet, customer: Customer, hit: CustomerHit): Site {
  return fleet.sites.find((s) =>
    s.customer.id === customer.id && s.environment.key === hit.firstEnvironment
  )!;
}

function sincePhrase(ms: number): string {
  const hours = ms / HOUR;
  if (hours < 1.5) return "for the last hour";
  if (hours < 8) return "since this morning";
  if (hours < 30) return "since yesterday";
  if (hours < 24 * 5) return "for a few days now";
  return "for over a week";
}

function severityOf(incident: Incident, customer: Customer, r: Rng): TicketSeverity {
  const enterprise = customer.tier === "enterprise";
  switch (incident.kind) {
    case "outage":
      return enterprise || r.chance(0.5) ? "critical" : "high";
    case "regression":
    case "fixed-by-release":
      return enterprise ? "high" : r.pick(["high", "medium"] as const);
    case "misconfiguration":
      return ["login", "payments", "checkout"].includes(incident.spec.symptom) ? "high" : "medium";
    default:
      return r.pick(["medium", "medium", "low"] as const);
  }
}

const QUESTIONS: readonly { subject: string; description: string }[] = [
  {
    subject: "How do I export all orders from last quarter?",
    description:
      "Our finance team needs every order from Q3 as a spreadsheet. Is there an export for that or do we need the API?",
  },
  {
    subject: "Add a new admin user",
    description:
      "Could you tell me how to give our new operations manager admin rights? I can't find it in the settings.",
  },
  {
    subject: "Question about invoice layout",
    description: "Is it possible to add our VAT number to the invoice PDF that goes to customers?",
  },
  {
    subject: "Change the sender name on e-mails",
    description:
      "We rebranded and want order e-mails to come from the new company name. Where do we change that?",
  },
  {
    subject: "API rate limits?",
    description:
      "We are planning a nightly sync from our ERP. What are the API rate limits and is there a bulk endpoint?",
  },
  {
    subject: "Training for new staff",
    description:
      "We have three new people starting next month. Do you offer onboarding sessions or recorded trainings?",
  },
  {
    subject: "Where can I see our contract renewal date",
    description:
      "Our procurement asks when the current contract renews. Is that visible somewhere in the admin area?",
  },
  {
    subject: "Set up a staging environment",
    description:
      "We'd like a staging environment to test changes before they go live. What does that involve?",
  },
  {
    subject: "GDPR data deletion request",
    description:
      "One of our shoppers asked us to delete all their data. What is the right way to do that in the platform?",
  },
  {
    subject: "Custom domain for the shop",
    description:
      "We want to move the shop to shop.ourbrand.com. Which DNS records do we need to set?",
  },
];

function questionTicket(fleet: Fleet, start: number, end: number, r: Rng, q: number): Draft {
  const customer = fleet.customers[r.int(fleet.customers.length)]!;
  const site = fleet.sites.find((s) => s.customer.id === customer.id)!;
  const question = r.pick(QUESTIONS);
  const contact = r.pick(customer.contacts);
  const openedAt = Math.round(r.uniform(start, end - HOUR));
  const engineer = r.pick(SUPPORT_ENGINEERS.filter((e) => e.level === "L1")).name;
  const waitHours = r.lognormal(TIER_WAIT_HOURS[customer.tier]!, 0.6) * staffingFactor(openedAt);
  const resolvedAt = Math.round(openedAt + (waitHours + r.lognormal(0.5, 0.5)) * HOUR);
  const resolved = resolvedAt < end;
  const communications: Communication[] = [
    { at: openedAt, author: contact.email, visibility: "public", body: question.description },
  ];
  if (resolved) {
    communications.push({
      at: resolvedAt,
      author: engineer,
      visibility: "public",
      body: supportReply("resolved", r, { engineer, contactName: contact.name }),
    });
  }
  return {
    order: 10_000_000 + q,
    customer: customer.id,
    environment: site.environment.name,
    environmentKey: site.environment.key,
    subject: question.subject,
    description: question.description,
    severity: "low",
    reporter: contact.email,
    openedAt,
    window: null,
    status: resolved ? "solved" : "open",
    assignee: engineer,
    escalated: false,
    communications,
    resolution: resolved
      ? {
        rootCause: "Question about how to use the product, no defect",
        solution: "Explained the steps and linked the documentation",
        prevention: "None needed",
        resolver: engineer,
        resolvedAt,
      }
      : null,
    incident: null,
    resolutionHours: resolved ? Math.round(((resolvedAt - openedAt) / HOUR) * 100) / 100 : null,
    factors: {
      complexityHours: 0.5,
      tier: customer.tier,
      waitHours: Math.round(waitHours * 100) / 100,
      staffing: staffingFactor(openedAt),
      escalated: false,
      resolvesAt: resolvedAt,
    },
  };
}

/**
 * Knowledge-base articles: one for each injected incident whose issue has
 * one, and the articles of known issues that did not happen this time.
 */
export function planArticles(
  incidents: readonly Incident[],
  catalog: readonly Incident["spec"][],
): Article[] {
  const out: Article[] = [];
  const injected = new Set(incidents.map((i) => i.spec.key));
  for (const incident of incidents) {
    const article = incident.spec.article;
    if (article === undefined) continue;
    out.push({
      id: `KB-${1001 + out.length}`,
      title: fillIncidentText(article.title, incident),
      symptom: incident.spec.symptom,
      cause: fillIncidentText(article.cause, incident),
      steps: article.steps.map((step) => fillIncidentText(step, incident)),
      incident: incident.id,
    });
  }
  for (const spec of catalog) {
    if (spec.article === undefined || injected.has(spec.key)) continue;
    out.push({
      id: `KB-${1001 + out.length}`,
      title: fillIncidentText(spec.article.title, null),
      symptom: spec.symptom,
      cause: fillIncidentText(spec.article.cause, null),
      steps: spec.article.steps.map((step) => fillIncidentText(step, null)),
      incident: null,
    });
  }
  return out;
}
