import { contextualField, type LogBatchIngestedData } from "../../domain/events.ts";
import { severityTextOf } from "../../domain/severity.ts";
import type { TimeWindow } from "../../domain/tickets/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import { Pacer } from "../../ports/pacing.ts";
import {
  type EventStore,
  loupeEvents,
  mayHoldSeverity,
  type RecordGroups,
  recordGroupsOf,
  type StoredEvent,
} from "../../ports/event_store.ts";
import type { ProjectionReader } from "../../ports/projection_store.ts";
import type { LogLine, LogPage, LogQuery } from "../../ports/tickets.ts";
import { ENVIRONMENT_TABLES } from "../projections/environment_logs.ts";
import { originOf } from "../../domain/customers/mod.ts";
import { type AttributedOrigin, originKey } from "../customers/attribution.ts";
import { HOUR_MS } from "../../domain/time.ts";

/** Batches kept decoded while one page is assembled. */
const BATCH_CACHE = 16;

interface Cursor {
  readonly timestamp: number;
  readonly position: number;
  readonly index: number;
}

/** Newest first: time, then position in the log, then index in the batch. */
function newer(a: Cursor, b: Cursor): number {
  return b.timestamp - a.timestamp || b.position - a.position || b.index - a.index;
}

export function encodeCursor(c: Cursor): string {
  return `${c.timestamp}.${c.position}.${c.index}`;
}

function decodeCursor(cursor: string): Cursor {
  const match = /^(-?\d+)\.(\d+)\.(\d+)$/.exec(cursor);
  if (match === null) {
    throw new LoupeError(
      "bad_request",
      `Cannot read cursor "${cursor}": use the next_cursor of a page`,
    );
  }
  return { timestamp: Number(match[1]), position: Number(match[2]), index: Number(match[3]) };
}

/**
 * The log records of some origins (a customer's, in one environment) in a
 * window, newest first, read from only the ingest batches the origin index
 * names for each hour. No other origin's record is ever shown.
 */
export async function environmentLogs(
  store: EventStore,
  reader: ProjectionReader,
  origins: readonly AttributedOrigin[],
  window: TimeWindow,
  query: LogQuery,
): Promise<LogPage> {
  const from = Math.max(window.from, query.from ?? -Infinity);
  const to = Math.min(window.to, query.to ?? Infinity);
  const after = query.cursor === undefined ? undefined : decodeCursor(query.cursor);
  const shown: LogPage["window"] = { from, to };
  if (from >= to) return { window: shown, items: [], nextCursor: null };
  const top = Math.min(to - 1, after?.timestamp ?? Infinity);
  const fromHour = Math.floor(from / HOUR_MS) * HOUR_MS;
  const topHour = Math.floor(top / HOUR_MS) * HOUR_MS;
  const byHour = new Map<number, Set<number>>();
  /** Origin key -> the customer its records are shown as (the directory's, not the cluster's). */
  const wanted = new Map<string, string | null>();
  for (const origin of origins) {
    const prefix = originKey(origin);
    wanted.set(prefix.join("\u0000"), origin.customer);
    for (
      const { key } of reader.range<number>(ENVIRONMENT_TABLES.batches, {
        prefix,
        start: [...prefix, fromHour],
        end: [...prefix, topHour + 1],
      })
    ) {
      const hour = key[3] as number;
      let positions = byHour.get(hour);
      if (positions === undefined) byHour.set(hour, positions = new Set());
      positions.add(key[4] as number);
    }
  }
  const needle = query.text?.toLowerCase();
  const minSeverity = query.minSeverity ?? 0;
  const batches = new Map<number, StoredEvent<string, LogBatchIngestedData> | null>();
  const load = async (position: number) => {
    if (batches.has(position)) return batches.get(position)!;
    const [event] = loupeEvents(await store.readAll(position - 1, 1));
    const batch = event?.type === "LogBatchIngested" && event.unreadable === undefined
      ? event
      : null;
    if (batches.size >= BATCH_CACHE) batches.delete(batches.keys().next().value!);
    batches.set(position, batch);
    return batch;
  };
  const items: LogLine[] = [];
  // A rare search word over hours of 150k records each reads them all: the
  // scan is paced so other requests (and /healthz) go on meanwhile.
  const pacer = new Pacer();
  const hours = [...byHour.keys()].sort((a, b) => b - a);
  for (const hour of hours) {
    const hourFrom = Math.max(hour, from);
    const hourTo = Math.min(hour + HOUR_MS, to);
    // Only the record groups that may hold a line of this hour at the level asked for.
    const candidates: {
      batch: StoredEvent<string, LogBatchIngestedData>;
      position: number;
      grouped: RecordGroups;
      group: number;
      latest: number;
    }[] = [];
    for (const position of byHour.get(hour)!) {
      await pacer.pace();
      const batch = await load(position);
      if (batch === null) continue;
      const grouped = recordGroupsOf(batch.data);
      grouped.groups.forEach((group, index) => {
        if (group.latest < hourFrom || group.earliest >= hourTo) return;
        if (!mayHoldSeverity(group.severities, minSeverity)) return;
        candidates.push({ batch, position, grouped, group: index, latest: group.latest });
      });
    }
    candidates.sort((a, b) => b.latest - a.latest);
    const wantedLines = query.limit + 1 - items.length;
    let found: LogLine[] = [];
    for (const { batch, position, grouped, group, latest } of candidates) {
      // Newest first: once a full page is newer than anything left, the rest cannot show.
      if (found.length >= wantedLines) {
        found.sort((a, b) => newer(cursorOf(a), cursorOf(b)));
        found = found.slice(0, wantedLines);
        if (found[found.length - 1]!.timestamp > latest) break;
      }
      await pacer.pace();
      const context = batch.data.context;
      const first = grouped.groups[group]!.first;
      grouped.records(group).forEach((record, offset) => {
        if (record.timestamp < hourFrom || record.timestamp >= hourTo) return;
        if (record.severityNumber < minSeverity) return;
        const origin = originOf(record, context);
        const shownAs = wanted.get(originKey(origin).join("\u0000"));
        if (shownAs === undefined) return;
        if (needle !== undefined && !record.message.toLowerCase().includes(needle)) return;
        const index = first + offset;
        const cursor = { timestamp: record.timestamp, position, index };
        if (after !== undefined && newer(after, cursor) >= 0) return;
        found.push({
          logEventId: `${position}:${index}`,
          timestamp: record.timestamp,
          customer: shownAs ?? contextualField(record, context, "customer"),
          environment: contextualField(record, context, "environment"),
          service: contextualField(record, context, "service"),
          version: contextualField(record, context, "version"),
          severityNumber: record.severityNumber,
          severityText: severityTextOf(record.severityNumber),
          message: record.message,
          signatureId: record.signatureId,
          source: batch.data.source,
          line: record.line,
        });
      });
    }
    found.sort((a, b) => newer(cursorOf(a), cursorOf(b)));
    // One by one: a spread of an hour's 150k records overflows the call stack.
    for (const item of found) items.push(item);
    if (items.length > query.limit) break;
  }
  const page = items.slice(0, query.limit);
  const more = items.length > query.limit;
  return {
    window: shown,
    items: page,
    nextCursor: more ? encodeCursor(cursorOf(page[page.length - 1]!)) : null,
  };
}

function cursorOf(line: LogLine): Cursor {
  const [position, index] = line.logEventId.split(":").map(Number);
  return { timestamp: line.timestamp, position: position!, index: index! };
}
