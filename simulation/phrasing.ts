/**
 * Tickets in the customer's words: what they see and what it costs them,
 * not the log message behind it. Subjects and descriptions are put together
 * from parts so hundreds of tickets rarely repeat.
 *
 * @module
 */
import type { Symptom } from "./incident_catalog.ts";
import type { Rng } from "./rng.ts";

export interface TicketContext {
  readonly customerName: string;
  readonly contactName: string;
  readonly environment: string;
  /** When it started, e.g. "since this morning". */
  readonly since: string;
  readonly affectedShare: "few" | "some" | "all";
}

export interface TicketText {
  readonly subject: string;
  readonly description: string;
}

interface SymptomWords {
  readonly subjects: readonly string[];
  readonly seen: readonly string[];
  readonly impact: readonly string[];
  readonly tried: readonly string[];
}

const WORDS: Record<Symptom, SymptomWords> = {
  checkout: {
    subjects: [
      "Checkout page spins and then fails",
      "Customers cannot complete orders",
      "checkout broken??",
      "Orders failing at the last step",
      "Error 500 when placing an order",
      "Shoppers stuck on the order confirmation",
      "Checkout errors with some promo codes",
      "Cannot finish purchase - urgent",
    ],
    seen: [
      "when our customers click Place order the page spins for a while and then shows an error",
      "orders fail at the very last step with a 500 Internal Server Error",
      "the basket looks fine but the order is never created",
      "some carts cannot be checked out at all, especially ones that had a discount code",
      "the confirmation page never shows up and the cart is still full afterwards",
    ],
    impact: [
      "We are losing orders.",
      "Our call centre is getting complaints from shoppers.",
      "This is costing us revenue every hour.",
      "We have a campaign running this week so this is really bad timing.",
    ],
    tried: [
      "We cleared the browser cache and tried other browsers, same result.",
      "It happens on desktop and mobile.",
      "Nothing changed on our side as far as we know.",
      "We tried with a test account and could reproduce it.",
    ],
  },
  payments: {
    subjects: [
      "Card payments failing",
      "Customers can't pay",
      "Payment errors since this morning",
      "Payments declined / not captured",
      "Problem with the payment provider?",
      "Orders paid but not captured",
      "payment step shows an error",
      "Refunds and captures failing",
    ],
    seen: [
      "customers can't pay with card, they get an error after entering their details",
      "payments are authorised but never captured, so orders stay unpaid",
      "the payment step shows 'something went wrong, try again later'",
      "some payments in foreign currencies fail while others go through",
      "our finance team sees failed captures piling up in the back office",
    ],
    impact: [
      "We cannot ship unpaid orders.",
      "Revenue is on hold until this is fixed.",
      "Several customers have complained on social media.",
      "Our accounting is blocked.",
    ],
    tried: [
      "We checked with our payment provider and they say everything is fine on their side.",
      "Retrying the payment sometimes works.",
      "We did not change our payment settings recently.",
      "We could reproduce it with our own card.",
    ],
  },
  login: {
    subjects: [
      "Users cannot log in",
      "SSO login loops back to the sign-in page",
      "Sign-in broken for our staff",
      "Login error 403",
      "Single sign-on not working",
      "Users logged out all the time",
      "cant login!!",
      "Access denied after login",
    ],
    seen: [
      "our users are sent back to the sign-in page after they log in through single sign-on",
      "logging in shows a 403 Forbidden page",
      "people get logged out every few minutes",
      "the login page just reloads without any message",
      "staff in the warehouse cannot sign in to the back office",
    ],
    impact: [
      "Nobody in the team can work.",
      "Our support agents cannot access orders.",
      "This blocks our whole operation.",
      "Shoppers with accounts cannot see their orders.",
    ],
    tried: [
      "We tried incognito windows and different browsers.",
      "Our IT says the identity provider is up.",
      "Password login for the admin account still works.",
      "Resetting passwords did not help.",
    ],
  },
  search: {
    subjects: [
      "Search returns an error",
      "Product search broken",
      "Search results empty",
      "Site search not working",
      "Error when searching for some words",
      "search is down?",
      "Autocomplete and search failing",
      "Search page shows 500",
    ],
    seen: [
      "searching on the shop shows an error page for some queries",
      "product search returns nothing even for products we know exist",
      "searches with special characters or quotes fail",
      "the search box spins and then shows a server error",
      "search works sometimes and fails the next time",
    ],
    impact: [
      "Most of our shoppers find products through search.",
      "Conversion has dropped noticeably.",
      "Our team cannot find products in the back office either.",
    ],
    tried: [
      "We rebuilt the product feed, no change.",
      "Simple one-word searches seem to work.",
      "It is the same on mobile and desktop.",
    ],
  },
  reports: {
    subjects: [
      "Weekly sales report never arrives",
      "Reports fail to generate",
      "Report download broken",
      "Missing data in export",
      "Cannot export reports",
      "Scheduled reports not delivered",
      "PDF report error",
      "Report stuck in 'generating'",
    ],
    seen: [
      "our scheduled sales report did not arrive this week",
      "reports stay in 'generating' forever and then fail",
      "the exported file is cut off and misses most rows",
      "downloading a report gives an error page",
      "the PDF version of the invoice report fails while CSV works",
    ],
    impact: [
      "Management needs these numbers for the monthly close.",
      "Our accountants are waiting on this export.",
      "We rely on these reports for replenishment.",
    ],
    tried: [
      "We tried smaller date ranges.",
      "Running the report manually fails as well.",
      "We did not change the export settings.",
    ],
  },
  emails: {
    subjects: [
      "Order confirmation e-mails not sent",
      "Customers don't receive emails",
      "E-mails stopped going out",
      "Password reset mails missing",
      "No shipping notifications",
      "email problem",
      "Mails delayed by hours",
      "Transactional e-mails not arriving",
    ],
    seen: [
      "customers are not getting their order confirmation e-mails",
      "password reset e-mails never arrive",
      "shipping notifications are hours late or missing",
      "no e-mails at all have gone out from the shop",
    ],
    impact: [
      "Customers call us to ask whether their order went through.",
      "Shoppers cannot reset their passwords.",
      "This is creating a lot of extra calls.",
    ],
    tried: [
      "They are not in the spam folder.",
      "Our mail server looks fine to our IT.",
      "We sent a test order to ourselves and got nothing.",
    ],
  },
  webhooks: {
    subjects: [
      "Webhooks not reaching our ERP",
      "Order sync to ERP stopped",
      "Webhook deliveries failing",
      "Integration broken - no orders in ERP",
      "Missing webhook calls",
      "ERP not receiving orders",
      "Webhooks delivered twice or late",
      "Integration errors",
    ],
    seen: [
      "our ERP stopped receiving new orders from the shop",
      "webhook deliveries show as failed in the integration settings",
      "some order events arrive hours late or not at all",
      "our middleware gets no calls from you any more",
    ],
    impact: [
      "Our warehouse cannot pick orders it never receives.",
      "We are re-typing orders by hand.",
      "Stock levels are getting out of sync.",
    ],
    tried: [
      "Our endpoint is reachable from the internet.",
      "We restarted our middleware.",
      "The test button in the settings sometimes works.",
    ],
  },
  import: {
    subjects: [
      "Product import failing",
      "CSV import not working",
      "Nightly import did not run",
      "Price update import stuck",
      "Import errors",
      "Stock import delayed",
      "Bulk import fails without message",
      "Imports take forever",
    ],
    seen: [
      "our nightly product import did not run",
      "the CSV import fails and no products are updated",
      "price updates we upload are not showing up in the shop",
      "imports sit in the queue for hours",
    ],
    impact: [
      "Prices in the shop are wrong.",
      "We cannot launch the new collection.",
      "Stock levels are out of date and we oversell.",
    ],
    tried: [
      "The file is the same format as always.",
      "We uploaded it again manually.",
      "Smaller files go through.",
    ],
  },
  slowness: {
    subjects: [
      "Shop very slow",
      "Pages take ages to load",
      "Timeouts in the back office",
      "Performance getting worse",
      "Site slow during the day",
      "Everything is slow",
      "Slow checkout and order pages",
      "Response times degraded",
    ],
    seen: [
      "pages take ten seconds or more to load",
      "the back office times out when opening orders",
      "it has been getting slower week by week",
      "the shop is slow mostly in the afternoon",
    ],
    impact: [
      "Shoppers leave before pages load.",
      "Our team spends half the day waiting.",
      "Conversion is down.",
    ],
    tried: [
      "Our internet connection is fine.",
      "It is slow from different locations.",
      "We removed some apps but nothing changed.",
    ],
  },
  outage: {
    subjects: [
      "Site down",
      "Shop not loading",
      "Everything is down!",
      "Error on every page",
      "Cannot reach the shop",
      "Service unavailable",
      "Outage?",
      "Back office and shop unavailable",
    ],
    seen: [
      "the shop does not load at all",
      "every page shows a 503 Service Unavailable",
      "the shop and the back office are both unreachable",
      "pages load partly and then show an error",
    ],
    impact: [
      "We are completely down.",
      "This is a full outage for us.",
      "Every minute costs us money.",
    ],
    tried: [
      "Our status page checks all fail.",
      "Colleagues in other offices see the same.",
      "We did not deploy anything.",
    ],
  },
};

const OPENINGS = ["Hi,", "Hello support,", "Hi team,", "Good morning,", "Hello,", ""];
const SHARE: Record<TicketContext["affectedShare"], readonly string[]> = {
  few: ["It only happens to a few of our users.", "Not everyone is affected, only some."],
  some: ["Quite a few of our users are affected.", "It happens often but not every time."],
  all: ["It affects everyone.", "All of our users see this."],
};
const URGENCY = [
  "Please help asap.",
  "Can you please look into this urgently?",
  "Please let us know what is going on.",
  "Thanks in advance.",
  "Looking forward to your reply.",
];

/**
 * A ticket for a symptom.
 *
 * @example
 * ```ts
 * import { ticketText } from "./phrasing.ts";
 * import { Rng } from "./rng.ts";
 * import assert from "node:assert/strict";
 * const context = { customerName: "Acme", contactName: "Dana Weber", environment: "prod", since: "since this morning", affectedShare: "all" as const };
 * const a = ticketText("checkout", new Rng(1), context);
 * assert.deepEqual(a, ticketText("checkout", new Rng(1), context));
 * assert.ok(a.subject.length <= 80);
 * ```
 */
export function ticketText(symptom: Symptom, r: Rng, context: TicketContext): TicketText {
  const words = WORDS[symptom];
  const seen = r.pick(words.seen);
  const parts = [
    r.pick(OPENINGS),
    `${capitalize(context.since)} ${seen}${
      context.environment === "staging" ? " on our staging system" : ""
    }.`,
    r.pick(SHARE[context.affectedShare]),
  ];
  if (r.chance(0.8)) parts.push(r.pick(words.impact));
  if (r.chance(0.6)) parts.push(r.pick(words.tried));
  parts.push(r.pick(URGENCY));
  parts.push(
    r.chance(0.5) ? context.contactName : `${context.contactName}, ${context.customerName}`,
  );
  let subject = r.pick(words.subjects);
  if (r.chance(0.15)) subject = subject.toLowerCase();
  return { subject, description: parts.filter((p) => p !== "").join(" ") };
}

function capitalize(text: string): string {
  return text.length === 0 ? text : text[0]!.toUpperCase() + text.slice(1);
}

export function customerFollowUp(symptom: Symptom, r: Rng): string {
  return r.pick([
    "Any update on this? It is still happening.",
    `Still the same here: ${r.pick(WORDS[symptom].seen)}.`,
    "We noticed it again this morning. Can you give us an ETA?",
    "Here is more information: it started right after the weekend.",
    "Our management is asking for a status update.",
  ]);
}

export function supportReply(
  stage: "acknowledge" | "request-info" | "workaround" | "escalate" | "resolved",
  r: Rng,
  context: { readonly engineer: string; readonly contactName: string },
): string {
  const first = context.contactName.split(" ")[0];
  const sign = `\n\n${context.engineer}`;
  switch (stage) {
    case "acknowledge":
      return r.pick([
        `Hi ${first}, thanks for reporting this. We are looking into it now.`,
        `Hello ${first}, thank you, I have picked up your ticket and am checking the logs of your environment.`,
      ]) + sign;
    case "request-info":
      return r.pick([
        `Hi ${first}, could you send us the time of one failed attempt and, if possible, a screenshot?`,
        `Hi ${first}, to narrow it down: does it happen for every user, and since when exactly?`,
      ]) + sign;
    case "workaround":
      return `Hi ${first}, we found a workaround while we work on a fix; details below.` + sign;
    case "escalate":
      return r.pick([
        `Hi ${first}, I have escalated this to our engineering team and will keep you posted.`,
        `Hi ${first}, this needs our product engineers; the ticket is now with them.`,
      ]) + sign;
    case "resolved":
      return r.pick([
        `Hi ${first}, the issue is resolved. Please let us know if you see it again.`,
        `Hi ${first}, good news: this is fixed now. I will close the ticket in a few days unless you reply.`,
      ]) + sign;
  }
}

export function internalNote(
  stage: "triage" | "escalate" | "resolved",
  r: Rng,
  context: { readonly engineer: string },
): string {
  switch (stage) {
    case "triage":
      return r.pick([
        "Checked the environment's logs around the reported time; errors visible.",
        "Reproduced on the customer's environment. Looking for similar tickets.",
        "Customer on an older version? Checking the rollout.",
      ]);
    case "escalate":
      return r.pick([
        `Escalating to L3: looks like a product defect (${context.engineer}).`,
        "Needs engineering, not a configuration problem.",
      ]);
    case "resolved":
      return r.pick([
        "Root cause confirmed, resolution recorded.",
        "Fixed; linked to the known issue.",
      ]);
  }
}

export const SUPPORT_ENGINEERS: readonly {
  readonly name: string;
  readonly level: "L1" | "L2" | "L3";
}[] = [
  { name: "Ava Lindqvist", level: "L1" },
  { name: "Ben Okafor", level: "L1" },
  { name: "Carla Mendes", level: "L1" },
  { name: "Dev Patel", level: "L1" },
  { name: "Emma Schulz", level: "L1" },
  { name: "Farid Haddad", level: "L1" },
  { name: "Greta Novak", level: "L2" },
  { name: "Hiro Tanaka", level: "L2" },
  { name: "Isabel Rossi", level: "L2" },
  { name: "Jamal Wright", level: "L3" },
  { name: "Kirsten Berg", level: "L3" },
  { name: "Luis Ortega", level: "L3" },
];

/** Past tenses a plain "-ed" rule gets wrong. */
const IRREGULAR_PAST: Readonly<Record<string, string>> = {
  run: "ran",
  "re-run": "re-ran",
  set: "set",
  send: "sent",
  split: "split",
  get: "got",
  make: "made",
  tell: "told",
  take: "took",
  find: "found",
  put: "put",
  read: "read",
  go: "went",
};

/** Words that open a step without being its verb ("If it is...", "Until you can..."). */
const NOT_A_VERB = new Set(["if", "until", "when", "once", "before", "after", "for"]);

function pastTense(verb: string): string {
  const lower = verb.toLowerCase();
  const irregular = IRREGULAR_PAST[lower];
  if (irregular !== undefined) return irregular;
  if (lower.endsWith("e")) return `${lower}d`;
  if (/[^aeiou]y$/.test(lower)) return `${lower.slice(0, -1)}ied`;
  return `${lower}ed`;
}

const lowerFirst = (s: string) => s[0]!.toLowerCase() + s.slice(1);
const upperFirst = (s: string) => s[0]!.toUpperCase() + s.slice(1);

/**
 * One step of a known fix as an agent writes down what was done: as the
 * instruction itself, in the past tense, or as what the customer was asked
 * or did ("Asked the customer to...", "Customer upgraded...").
 */
function agentStep(step: string, r: Rng): string {
  const text = step.replace(/^Or\s+/, "");
  const [verb = "", ...rest] = text.split(" ");
  const tail = rest.join(" ").replace(/\byour\b/g, "their");
  if (NOT_A_VERB.has(verb.toLowerCase())) {
    return r.pick([
      text,
      `Advised the customer: ${lowerFirst(text)}`,
      `Told them: ${lowerFirst(text)}`,
    ]);
  }
  return r.pick([
    () => text,
    () => `${upperFirst(pastTense(verb))} ${tail}`,
    () => `Asked the customer to ${lowerFirst(verb)} ${tail}`,
    () => `Customer ${pastTense(verb)} ${tail}`,
    () => `We ${pastTense(verb)} ${tail}`,
    () => `Had them ${lowerFirst(verb)} ${tail}`,
  ])();
}

/**
 * What an agent records on resolving a ticket of a problem the knowledge base
 * knows: the steps actually taken, not all of them and not always in the
 * article's order, each worded the agent's way, as sentences, a numbered or
 * bulleted list, or one line; sometimes with the engineering summary of the
 * fix, sometimes only that. The root cause is mostly the engineering one on
 * an escalated ticket, and the known issue's cause as the article words it on
 * the others.
 */
export function knownFixResolution(
  known: {
    readonly steps: readonly string[];
    readonly cause: string;
    readonly rootCause: string;
    readonly solution: string;
  },
  r: Rng,
  escalated: boolean,
): { rootCause: string; solution: string } {
  // The article speaks to the customer ("your identity provider"); the agent about them.
  const cause = known.cause.replace(/\bYour\b/g, "Their").replace(/\byour\b/g, "their");
  // Engineering's root cause on tickets that went to engineering; the known
  // issue, as the agent who recognised it writes it, on most others.
  const rootCause = r.chance(escalated ? 0.6 : 0.15) ? known.rootCause : r.pick([
    cause,
    `Known issue: ${cause}`,
    `${cause} (known issue)`,
    `Known problem, ${lowerFirst(cause)}`,
    `As described in the knowledge base: ${lowerFirst(cause)}`,
  ]);
  // A terse agent writes only the engineering summary.
  if (r.chance(0.15)) return { rootCause, solution: known.solution };
  let steps = known.steps.filter(() => r.chance(0.7));
  if (steps.length === 0) steps = [r.pick(known.steps)];
  if (steps.length > 1 && r.chance(0.25)) {
    const i = r.int(steps.length - 1);
    steps = [...steps];
    [steps[i], steps[i + 1]] = [steps[i + 1]!, steps[i]!];
  }
  const said = steps.map((s) => agentStep(s, r));
  const format = r.int(5);
  let solution = format === 0
    ? said.map((s) => `${s}.`).join(" ")
    : format === 1
    ? said.map((s, i) => `${i + 1}. ${s}`).join("\n")
    : format === 2
    ? said.map((s) => `- ${s}`).join("\n")
    : format === 3
    ? said.map((s, i) => (i === 0 ? s : lowerFirst(s))).join("; ")
    : said.map((s, i) => (i === 0 ? s : lowerFirst(s))).join(", then ");
  if (r.chance(0.35)) {
    solution = r.chance(0.5)
      ? `${known.solution}.\n${solution}`
      : `${solution}\n${known.solution}.`;
  }
  return { rootCause, solution };
}
