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

/** Milliseconds in a day. */
export const DAY_MS = 86_400_000;

/** The period of events kept until the customer is forgotten, never expired by retention. */
export const PERMANENT = -1;

/** The owner of events that name no customer: they use the deployment's own key. */
export const DEPLOYMENT = "";

/** Who owns an event and for which period: the key it is sealed with. */
export interface Ownership {
  /** The customer, or {@linkcode DEPLOYMENT}. */
  readonly customer: string;
  /** UTC day number (days since 1970-01-01), or {@linkcode PERMANENT}. */
  readonly period: number;
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
      const customer = batchCustomer(data);
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
 * the one another event of the same append names (the miner's discoveries
 * are appended with the batch they were learned from, and hold its text), or
 * else its stream's (a comment on a ticket); everything else is the
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
  const shared = claims.find((claim) => claim !== undefined);
  let newStreamOwner: Ownership | undefined;
  if (streamOwner === undefined) {
    const whole = claims.find((claim) => claim?.wholeStream === true);
    if (whole !== undefined) newStreamOwner = { customer: whole.customer, period: whole.period };
  }
  const inherited = streamOwner ?? newStreamOwner;
  const owners = claims.map((claim): Ownership => {
    if (inherited !== undefined) return inherited;
    if (claim !== undefined) return { customer: claim.customer, period: claim.period };
    if (shared !== undefined) return { customer: shared.customer, period: PERMANENT };
    return { customer: DEPLOYMENT, period: PERMANENT };
  });
  return { owners, newStreamOwner };
}

/** The customer a batch's records belong to: its context's, or the one all its records name. */
function batchCustomer(data: Record<string, unknown>): string | undefined {
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

function nonEmpty(value: unknown): string | undefined {
  return typeof value === "string" && value !== "" ? value : undefined;
}

function numberOr(value: unknown, fallback: number): number {
  return typeof value === "number" && Number.isFinite(value) ? value : fallback;
}
