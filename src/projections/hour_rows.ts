import type { Key, ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";

/**
 * Hourly counts kept one row per day: `[...prefix, day] -> [hourOfDay, n,
 * hourOfDay, n, ...]`, hours in order, only those with records. A signature
 * at one origin over a year is at most 365 rows instead of 8,760, so an
 * ingest batch dirties a day's row once, the tables stay a fraction of the
 * size and a three-week series is 21 reads.
 */
export type DayRow = readonly number[];

/** Adds counts by hour (hour starts, in ms) to the day rows under `prefix`. */
export function addHourCounts(
  tx: ProjectionWriter,
  table: string,
  prefix: Key,
  hours: ReadonlyMap<number, number>,
): void {
  const byDay = new Map<number, [number, number][]>();
  for (const [hour, n] of hours) {
    const day = Math.floor(hour / DAY_MS) * DAY_MS;
    let added = byDay.get(day);
    if (added === undefined) byDay.set(day, added = []);
    added.push([(hour - day) / HOUR_MS, n]);
  }
  for (const [day, added] of byDay) {
    const key = [...prefix, day];
    tx.put(table, key, mergeDayRow(tx.get<DayRow>(table, key), added));
  }
}

function mergeDayRow(row: DayRow | undefined, added: readonly [number, number][]): DayRow {
  const slots = new Array<number>(24).fill(0);
  if (row !== undefined) {
    for (let i = 0; i < row.length; i += 2) slots[row[i]!] = row[i + 1]!;
  }
  for (const [hourOfDay, n] of added) slots[hourOfDay]! += n;
  const merged: number[] = [];
  slots.forEach((n, hourOfDay) => {
    if (n !== 0) merged.push(hourOfDay, n);
  });
  return merged;
}

/** `[hour, n]` for every hour under `prefix` with records, in [from, to), in order. */
export function* hourCounts(
  reader: ProjectionReader,
  table: string,
  prefix: Key,
  from = -Infinity,
  to = Infinity,
): Generator<readonly [number, number]> {
  const rows = reader.range<DayRow>(table, {
    prefix,
    ...(from === -Infinity ? {} : { start: [...prefix, Math.floor(from / DAY_MS) * DAY_MS] }),
    ...(to === Infinity ? {} : { end: [...prefix, to] }),
  });
  for (const { key, value } of rows) {
    const day = key[key.length - 1] as number;
    for (let i = 0; i < value.length; i += 2) {
      const hour = day + value[i]! * HOUR_MS;
      if (hour >= from && hour < to) yield [hour, value[i + 1]!];
    }
  }
}
