/**
 * The read side does not trust the log blindly. An event a projection cannot
 * use (a time no calendar holds, a number that is not one) may already be in
 * someone's append-only log, written before the edges refused it or by a
 * future bug: projections skip it and the skip is counted, instead of every
 * query failing for good.
 *
 * @module
 */
import { RECORD_GROUPS, type RecordGroups, type StoredEvent } from "../../ports/event_store.ts";
import type { ProjectionWriter } from "../../ports/projection_store.ts";
import type { Projection } from "./projection.ts";

/** Earliest time a projection uses: 1970-01-01. */
export const EARLIEST_USABLE_TIME = 0;
/**
 * Latest time a projection uses: 2200-01-01. Fixed, not "now + 100 years", so
 * a replay decides exactly as the live path did; the edges refuse anything
 * past now + 100 years, well inside it.
 */
export const LATEST_USABLE_TIME = Date.UTC(2200, 0, 1);

/** A time field: `at`, `from`, `to`, `timestamp`, `time` or any `...At`. */
const TIME_KEY = /^(?:at|from|to|timestamp|time)$|At$/;
/** Deepest nesting of event data looked through. */
const MAX_SCAN_DEPTH = 8;

/** Decisions already made, so the projector and the skip counter scan an event once. */
const decided = new WeakMap<StoredEvent, string | null>();

/** Why an event cannot be used, or undefined when it can. */
export function unusableReason(event: StoredEvent): string | undefined {
  // A forgotten customer's event, or one past retention: its data is gone.
  if (event.unreadable !== undefined) return event.unreadable;
  const known = decided.get(event);
  if (known !== undefined) return known ?? undefined;
  const reason = event.type === "LogBatchIngested"
    ? batchProblem(event.data)
    : dataProblem(event.data, "", 0);
  decided.set(event, reason ?? null);
  return reason;
}

function batchProblem(data: unknown): string | undefined {
  if (data === null || typeof data !== "object") return "batch without data";
  const batch = data as { records?: unknown; receivedAt?: unknown };
  const timeProblem = timeValueProblem("receivedAt", batch.receivedAt);
  if (timeProblem !== undefined) return timeProblem;
  const grouped = (batch as { [RECORD_GROUPS]?: RecordGroups })[RECORD_GROUPS];
  if (grouped !== undefined) return groupedTimeProblem(grouped);
  const records = batch.records as ArrayLike<{ timestamp?: unknown }> | undefined;
  if (records === undefined || typeof records.length !== "number") {
    return "batch without records";
  }
  for (let i = 0; i < records.length; i++) {
    const problem = timeValueProblem("record timestamp", records[i]?.timestamp);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

/**
 * The records' times read as a field, without building the records: the
 * projections read the same field next, from the same cache. Not each
 * group's earliest and latest: a time that is not a number is in neither.
 */
function groupedTimeProblem(grouped: RecordGroups): string | undefined {
  for (let group = 0; group < grouped.groups.length; group++) {
    const times = grouped.field(group, "timestamp");
    for (let i = 0; i < times.length; i++) {
      const problem = timeValueProblem("record timestamp", times[i]);
      if (problem !== undefined) return problem;
    }
  }
  return undefined;
}

function dataProblem(value: unknown, key: string, depth: number): string | undefined {
  if (typeof value === "number") {
    if (!Number.isFinite(value)) return `${key || "a value"} is not a finite number`;
    return TIME_KEY.test(key) ? timeValueProblem(key, value) : undefined;
  }
  if (value === null || typeof value !== "object" || depth >= MAX_SCAN_DEPTH) return undefined;
  if (Array.isArray(value)) {
    for (const item of value) {
      const problem = dataProblem(item, key, depth + 1);
      if (problem !== undefined) return problem;
    }
    return undefined;
  }
  for (const [name, item] of Object.entries(value)) {
    const problem = dataProblem(item, name, depth + 1);
    if (problem !== undefined) return problem;
  }
  return undefined;
}

function timeValueProblem(name: string, value: unknown): string | undefined {
  if (typeof value !== "number") return undefined;
  if (!(value >= EARLIEST_USABLE_TIME && value <= LATEST_USABLE_TIME)) {
    return `${name} outside 1970-01-01 .. 2200-01-01`;
  }
  return undefined;
}

/** The skip counts kept per reason: `[reason] -> SkippedEvents`. */
export const SKIPPED_TABLE = "skipped_events";

export interface SkippedEvents {
  readonly reason: string;
  readonly count: number;
  /** Positions of the last few events skipped for this reason. */
  readonly positions: readonly number[];
}

const POSITIONS_KEPT = 10;

/**
 * Counts what the other projections skip. It is given every event (the
 * projector screens the rest), so its table says how many were skipped and why.
 */
export const skippedEventsProjection: Projection & { readonly seesUnusable: true } = {
  name: "skipped_events@1",
  tables: [SKIPPED_TABLE],
  seesUnusable: true,
  apply(events: readonly StoredEvent[], tx: ProjectionWriter) {
    for (const event of events) {
      const reason = unusableReason(event);
      if (reason === undefined) continue;
      const key = `${event.type}: ${reason}`;
      const earlier = tx.get<SkippedEvents>(SKIPPED_TABLE, [key]);
      tx.put(SKIPPED_TABLE, [key], {
        reason: key,
        count: (earlier?.count ?? 0) + 1,
        positions: [...(earlier?.positions ?? []), event.position].slice(-POSITIONS_KEPT),
      });
    }
  },
};

/** The events a projection can use. */
export function usableEvents(events: readonly StoredEvent[]): readonly StoredEvent[] {
  let usable: StoredEvent[] | undefined;
  events.forEach((event, index) => {
    if (unusableReason(event) === undefined) {
      usable?.push(event);
    } else if (usable === undefined) {
      usable = events.slice(0, index);
    }
  });
  return usable ?? events;
}
