/**
 * Whose data an event is, and which period it belongs to: what crypto-shredding
 * keys it under. Each customer's events are sealed with that customer's own
 * key for one period, so forgetting the customer (every key of theirs) or
 * dropping data past its retention (the keys of old periods) makes exactly
 * those events unreadable while the log itself stays append-only.
 *
 * Periods are UTC days. A day is the finest cut a retention of "N days" can
 * mean, and keys are small: 500 customers with a year of data hold ~180k of
 * them (a few MB), and forgetting one deletes ~365. Events that are not data
 * over time (a ticket, a customer record, the templates the miner learned)
 * use {@linkcode PERMANENT}: only forgetting the customer removes them.
 *
 * @module
 */
import { parseRole } from "../access/principal.ts";
import type { Directory, Origin } from "../customers/mod.ts";
import { DAY_MS } from "../time.ts";

/** The period of events kept until the customer is forgotten, never expired by retention. */
export const PERMANENT = -1;

/** The owner of events that name no customer: they use the deployment's own key. */
export const DEPLOYMENT = "";

/**
 * Log records are sealed under their origin's keys (the cluster or customer
 * their source names, the environment, the tenant they name), not under
 * the customer the directory named when they arrived: which customer an
 * origin is may be learned later (a tenant registered after its logs
 * arrived) or change (an environment handed to another customer), and the
 * directory in force when a customer is forgotten says which origins' keys
 * go with theirs ({@linkcode keyOwnersOfCustomer}). An origin's key owner
 * starts with this character, which no customer id the directory takes
 * holds, so it never collides with a customer's.
 */
export const ORIGIN_OWNER_MARK = "\u0001";

/** The key owner of records of this origin. */
export function originOwner(origin: Origin): string {
  return ORIGIN_OWNER_MARK +
    JSON.stringify([origin.owner, origin.environment, origin.tenant]);
}

/** The origin whose records a key owner seals; undefined for a customer (or the deployment). */
export function originOfOwner(owner: string): Origin | undefined {
  if (!owner.startsWith(ORIGIN_OWNER_MARK)) return undefined;
  try {
    const parts: unknown = JSON.parse(owner.slice(ORIGIN_OWNER_MARK.length));
    if (!Array.isArray(parts) || parts.length !== 3) return undefined;
    if (!parts.every((part) => typeof part === "string")) return undefined;
    const [originOwner, environment, tenant] = parts as [string, string, string];
    return { owner: originOwner, environment, tenant };
  } catch {
    return undefined;
  }
}

/**
 * The customer whose records an origin's are: the directory's answer, else
 * (for a customer removed from the directory since) what `formerly`, its last
 * record, says, else the owner their source names, as ingest attributes
 * what the directory cannot (a customer missing from the CRM's export, the
 * cluster for its tenants nobody registered). Null for nobody.
 */
export function customerOfOrigin(
  origin: Origin,
  directory: Directory,
  formerly?: Directory,
): string | null {
  return directory.customerOf(origin.owner, origin.tenant, origin.environment) ??
    formerly?.customerOf(origin.owner, origin.tenant, origin.environment) ??
    (origin.owner === "" ? null : origin.owner);
}

/**
 * The key owners whose keys go when a customer is forgotten: the customer
 * (what names it: tickets, its directory record, batches sealed before
 * origins had keys of their own) and every origin whose records are theirs
 * now ({@linkcode customerOfOrigin}), among those that hold keys.
 * `formerly` is the customer's last directory record when it has been
 * removed from the directory since: the origins it named then go too,
 * unless another customer has them now.
 */
export function keyOwnersOfCustomer(
  customerId: string,
  keyOwners: readonly string[],
  directory: Directory,
  formerly?: Directory,
): string[] {
  const owners = [customerId];
  for (const owner of keyOwners) {
    const origin = originOfOwner(owner);
    if (origin === undefined) continue;
    if (customerOfOrigin(origin, directory, formerly) === customerId) owners.push(owner);
  }
  return owners;
}

/** Who owns an event and for which period: the key it is sealed with. */
export interface Ownership {
  /** The customer, or {@linkcode DEPLOYMENT}. */
  readonly customer: string;
  /** UTC day number (days since 1970-01-01), or {@linkcode PERMANENT}. */
  readonly period: number;
  /**
   * Other customers the event names or holds data of (a note on an issue
   * that hit several): it is sealed under each one's permanent key too, so
   * forgetting any one of them makes it unreadable. Absent when none.
   */
  readonly coOwners?: readonly string[];
}

/** An ownership an event states itself, and whether the whole stream follows it. */
interface OwnClaim extends Ownership {
  /** True when every later event of the stream belongs to the same owner and period (a ticket). */
  readonly wholeStream: boolean;
}

/** The UTC day a time falls in. */
export function dayOf(epochMs: number): number {
  return Math.floor(epochMs / DAY_MS);
}

/**
 * What an event says about its owner, or undefined when it names none.
 * `latestRecordAt` is given for a log batch whose records the caller has
 * already looked through (they may arrive encoded).
 */
export function claimOf(
  event: { readonly type: string; readonly data: unknown },
  latestRecordAt?: number,
): OwnClaim | undefined {
  const data = event.data as Record<string, unknown> | null;
  if (data === null || typeof data !== "object") return undefined;
  switch (event.type) {
    case "LogBatchIngested": {
      const customer = keyOrigin(data.origin) ?? batchCustomer(data);
      if (customer === undefined) return undefined;
      // A batch is sealed once, so it is dropped whole: on the day of its
      // latest record, so retention never drops a record before its time.
      const at = latestRecordAt ?? latestRecordTime(data.records) ?? numberOr(data.receivedAt, 0);
      return { customer, period: dayOf(at), wholeStream: false };
    }
    case "TicketOpened": {
      const customer = nonEmpty(data.customer);
      if (customer === undefined) return undefined;
      // A ticket is one conversation: it expires as a whole, by when it was opened.
      const at = numberOr(data.openedAt, numberOr(data.at, 0));
      return { customer, period: dayOf(at), wholeStream: true };
    }
    case "CustomerRegistered":
    case "CustomerChanged": {
      const customer = nonEmpty((data.customer as { customerId?: unknown } | null)?.customerId);
      return customer === undefined
        ? undefined
        : { customer, period: PERMANENT, wholeStream: false };
    }
    // A template ingest says it learned from an origin's records: theirs
    // until they are forgotten. Its words may also be those of every origin
    // the template learned from before (`coOrigins`): it is sealed under each
    // of their keys in turn, so forgetting any of them makes it unreadable.
    case "SignatureDiscovered":
    case "SignatureGeneralized":
      return ownedByAll([
        keyOrigin(data.origin) ?? data.customer,
        ...(Array.isArray(data.coOrigins) ? data.coOrigins.map(keyOrigin) : []),
      ]);
    // What the ticketing sync keeps names customers: the customers a
    // delivery's text is about, the ones an impact report lists, the one a
    // regression or a Zendesk ticket is about. Kept until they are forgotten.
    // A failed attempt carries its delivery's customers: a remote's error may
    // quote the text it was sent.
    case "DeliveryQueued":
    case "DeliveryAttemptFailed":
    case "DeliveryDeadLettered":
      return ownedByAll(data.customers);
    // Feedback keeps the ticket's words to find the article by: the ticket's
    // customer's, for as long as the ticket is kept.
    case "ArticleFeedbackRecorded": {
      const customer = nonEmpty(data.customer);
      if (customer === undefined) return undefined;
      const openedAt = data.ticketOpenedAt;
      const period = typeof openedAt === "number" && Number.isFinite(openedAt)
        ? dayOf(openedAt)
        : PERMANENT;
      return { customer, period, wholeStream: false };
    }
    case "IssueImpactReported":
      return ownedByAll(
        Array.isArray(data.customers)
          ? data.customers.map((c) => (c as { customer?: unknown } | null)?.customer)
          : undefined,
      );
    case "IssueReopened":
    case "ZendeskTicketSynced":
      return ownedByAll([data.customer]);
    // Reads of a customer's data are about them; a token scoped to a customer
    // is theirs too (forgetting the customer ends its access); a customer's
    // removal and retention name nobody else.
    case "CustomerDataRead":
      return ownedByAll(
        Array.isArray(data.entries)
          ? data.entries.map((e) => (e as { customer?: unknown } | null)?.customer)
          : undefined,
      );
    case "TokenCreated":
      return ownedByAll([scopedCustomer(data.role)]);
    case "CustomerRemoved":
    case "RetentionSet":
      return ownedByAll([data.customerId]);
    case "MetricsRecorded": {
      const snapshots = data.snapshots;
      if (!Array.isArray(snapshots) || snapshots.length === 0) return undefined;
      const customers = new Set(snapshots.map((s) => (s as { customer?: unknown })?.customer));
      const [customer] = customers;
      if (customers.size !== 1 || typeof customer !== "string" || customer === "") return undefined;
      return { customer, period: dayOf(numberOr(data.receivedAt, 0)), wholeStream: false };
    }
    default:
      return undefined;
  }
}

/**
 * The owner of each event of one append. An event that names no owner takes
 * the one the next event that names one has (the miner's discoveries are
 * appended before the batch they were learned from, and hold its text; a
 * batch split by customer is several such runs), else the last one before
 * it, else its stream's (a comment on a ticket); everything else is the
 * deployment's. The templates the miner learned from a batch are not data
 * over time: they are kept until the customer is forgotten.
 */
export function ownersOfAppend(
  events: readonly { readonly type: string; readonly data: unknown }[],
  streamOwner: Ownership | undefined,
  latestRecordAt: (event: { readonly type: string; readonly data: unknown }) => number | undefined =
    () => undefined,
): { owners: Ownership[]; newStreamOwner: Ownership | undefined } {
  const claims = events.map((event) => claimOf(event, latestRecordAt(event)));
  let newStreamOwner: Ownership | undefined;
  if (streamOwner === undefined) {
    const whole = claims.find((claim) => claim?.wholeStream === true);
    if (whole !== undefined) newStreamOwner = ownershipOf(whole);
  }
  const inherited = streamOwner ?? newStreamOwner;
  if (inherited !== undefined) return { owners: claims.map(() => inherited), newStreamOwner };
  // The claim at or after each event: one pass from the end.
  const following = new Array<OwnClaim | undefined>(claims.length);
  for (let index = claims.length - 1; index >= 0; index--) {
    following[index] = claims[index] ?? following[index + 1];
  }
  let preceding: OwnClaim | undefined;
  const owners = claims.map((claim, index): Ownership => {
    if (claim !== undefined) {
      preceding = claim;
      return ownershipOf(claim);
    }
    const learnedFrom = following[index] ?? preceding;
    return learnedFrom === undefined
      ? { customer: DEPLOYMENT, period: PERMANENT }
      : { customer: learnedFrom.customer, period: PERMANENT };
  });
  return { owners, newStreamOwner };
}

/**
 * The customer a batch's records belong to: the one ingest attributed them
 * to, else (batches stored before) its context's, or the one all its records name.
 */
function batchCustomer(data: Record<string, unknown>): string | undefined {
  const attributed = nonEmpty(data.customer);
  if (attributed !== undefined) return attributed;
  const context = data.context as { customer?: unknown } | null | undefined;
  const fromContext = nonEmpty(context?.customer);
  if (fromContext !== undefined) return fromContext;
  const records = data.records;
  if (!Array.isArray(records) || records.length === 0) return undefined;
  const first = nonEmpty((records[0] as { customer?: unknown })?.customer);
  if (first === undefined) return undefined;
  for (const record of records) {
    if ((record as { customer?: unknown })?.customer !== first) return undefined;
  }
  return first;
}

/** The key owner of the origin a batch (or a template learned from it) states, if it states one. */
function keyOrigin(origin: unknown): string | undefined {
  if (origin === null || typeof origin !== "object") return undefined;
  const { owner, tenant, environment } = origin as Record<string, unknown>;
  if (typeof owner !== "string" || typeof tenant !== "string") return undefined;
  if (typeof environment !== "string") return undefined;
  return originOwner({ owner, tenant, environment });
}

/** The latest `timestamp` among a list of records; undefined when there is none. */
export function latestRecordTime(records: unknown): number | undefined {
  if (!Array.isArray(records)) return undefined;
  let latest: number | undefined;
  for (const record of records) {
    const at = (record as { timestamp?: unknown })?.timestamp;
    if (typeof at === "number" && Number.isFinite(at) && (latest === undefined || at > latest)) {
      latest = at;
    }
  }
  return latest;
}

function ownershipOf({ wholeStream: _, ...ownership }: OwnClaim): Ownership {
  return ownership;
}

/**
 * A permanent claim by every customer named (the first one's key outside,
 * the others' under it); undefined when none is.
 */
function ownedByAll(customers: readonly unknown[] | unknown): OwnClaim | undefined {
  if (!Array.isArray(customers)) return undefined;
  const named = [...new Set(customers.map(nonEmpty).filter((c) => c !== undefined))];
  const [customer, ...others] = named;
  if (customer === undefined) return undefined;
  return {
    customer,
    period: PERMANENT,
    wholeStream: false,
    ...(others.length === 0 ? {} : { coOwners: others }),
  };
}

/** The customer an access role is limited to (`customer:<id>`, `ingest:<id>/<env>`). */
function scopedCustomer(grant: unknown): string | undefined {
  const role = typeof grant === "string" ? parseRole(grant) : null;
  return role?.kind === "customer" || role?.kind === "ingest" ? role.customer : undefined;
}

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
