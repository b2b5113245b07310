import type { ProjectionReader } from "../../ports/projection_store.ts";
import { recordGroupsOf } from "../../ports/event_store.ts";
import { type AsOf, type HourCount, trustworthyAsOf } from "../../domain/issues/as_of.ts";
import type { Projection } from "./projection.ts";

const HOUR = 3_600_000;

export const AS_OF_TABLES = {
  /** [hour] -> [records, latest record time]: every record, by hour of its time. */
  hours: "record_hours",
} as const;

/** Records per hour of record time: what "as of" is judged on. */
export const asOfProjection: Projection = {
  name: "as_of@1",
  tables: Object.values(AS_OF_TABLES),
  apply(events, tx) {
    const hours = new Map<number, [number, number]>();
    for (const event of events) {
      if (event.type !== "LogBatchIngested") continue;
      const grouped = recordGroupsOf(event.data);
      for (let group = 0; group < grouped.groups.length; group++) {
        const timestamps = grouped.field(group, "timestamp");
        for (let i = 0; i < timestamps.length; i++) {
          const timestamp = timestamps[i]!;
          const hour = Math.floor(timestamp / HOUR) * HOUR;
          const at = hours.get(hour);
          if (at === undefined) hours.set(hour, [1, timestamp]);
          else {
            at[0]++;
            if (timestamp > at[1]) at[1] = timestamp;
          }
        }
      }
    }
    for (const [hour, [count, latest]] of hours) {
      const before = tx.get<[number, number]>(AS_OF_TABLES.hours, [hour]);
      tx.put(AS_OF_TABLES.hours, [hour], [
        (before?.[0] ?? 0) + count,
        Math.max(before?.[1] ?? -Infinity, latest),
      ]);
    }
  },
};

const cache = new WeakMap<ProjectionReader, { hours: number; records: number; asOf: AsOf }>();

/**
 * The latest trustworthy record time, and the outliers left out: recomputed
 * only when the hours or their counts change (one read of the hour table).
 */
export function asOfInfo(reader: ProjectionReader, records: number): AsOf {
  const hourRows = reader.count(AS_OF_TABLES.hours);
  const cached = cache.get(reader);
  if (cached !== undefined && cached.hours === hourRows && cached.records === records) {
    return cached.asOf;
  }
  const hours: HourCount[] = [];
  for (const { key, value } of reader.range<[number, number]>(AS_OF_TABLES.hours)) {
    hours.push({ hour: Number(key[0]), count: value[0], latest: value[1] });
  }
  const asOf = trustworthyAsOf(hours);
  cache.set(reader, { hours: hourRows, records, asOf });
  return asOf;
}
