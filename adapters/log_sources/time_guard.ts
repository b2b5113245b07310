/**
 * Time a log record can be trusted with. A time outside 1970 .. 100 years
 * ahead is a bug or an attack (`"timestamp": 1e308`), never a log: the line
 * is quarantined with the reason. A record whose time cannot be read takes
 * the time of the record before it in the same source, flagged, instead of
 * the wall clock; when importing history, records before the first readable
 * time wait for it, and a source with no readable time at all is quarantined.
 *
 * @module
 */
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import type { ParseItem } from "../log_formats/mod.ts";

/** The attribute that marks a record whose time was taken from a neighbour. */
export const TIME_INFERRED_ATTRIBUTE = "loupe.time_inferred";
/** A century ahead of now: further than any clock skew, nearer than any overflow. */
const CENTURY_MS = 100 * 365.25 * 86_400_000;
/** Timeless records held while waiting for a readable time, at most. */
const MAX_HELD = 10_000;

type RecordItem = Extract<ParseItem, { kind: "record" }>;

export interface TimeGuardOptions {
  /** Importing history: a timeless record never gets the time it was read at. */
  readonly historical: boolean;
  /** Epoch ms the latest acceptable time is counted from (now). */
  readonly now: number;
}

export class TimeGuard {
  readonly #historical: boolean;
  readonly #latest: number;
  #previous: number | undefined;
  #held: RecordItem[] = [];

  constructor(options: TimeGuardOptions) {
    this.#historical = options.historical;
    this.#latest = options.now + CENTURY_MS;
  }

  /** The items with times checked and filled in, in order (held ones come later). */
  pass(items: readonly ParseItem[]): ParseItem[] {
    const out: ParseItem[] = [];
    for (const item of items) {
      if (item.kind !== "record") {
        out.push(item);
        continue;
      }
      const time = item.parsed.timestamp;
      if (time === undefined) {
        if (this.#previous !== undefined) {
          out.push(inferred(item, this.#previous, "previous_record"));
        } else if (this.#historical) {
          this.#held.push(item);
          if (this.#held.length >= MAX_HELD) this.#releaseTimeless(out);
        } else {
          out.push(item);
        }
        continue;
      }
      if (!(time >= 0 && time <= this.#latest)) {
        out.push({
          kind: "quarantined",
          line: item.line,
          offset: item.offset,
          reason: `time ${
            Number.isFinite(time) ? time : String(time)
          } is outside 1970-01-01 .. 100 years from now`,
          raw: item.parsed.message.slice(0, QUARANTINE_RAW_LIMIT),
        });
        continue;
      }
      if (this.#held.length > 0) {
        for (const held of this.#held) out.push(inferred(held, time, "next_record"));
        this.#held = [];
      }
      this.#previous = time;
      out.push(item);
    }
    return out;
  }

  /** At the end of the source: timeless records still held are quarantined. */
  end(): ParseItem[] {
    const out: ParseItem[] = [];
    this.#releaseTimeless(out);
    return out;
  }

  #releaseTimeless(out: ParseItem[]): void {
    for (const held of this.#held) {
      out.push({
        kind: "quarantined",
        line: held.line,
        offset: held.offset,
        reason: this.#held.length >= MAX_HELD
          ? `no readable time in ${MAX_HELD} records in a row of a history import`
          : "no readable time in this record nor any record before it in the source",
        raw: held.parsed.message.slice(0, QUARANTINE_RAW_LIMIT),
      });
    }
    this.#held = [];
  }
}

function inferred(item: RecordItem, time: number, from: string): RecordItem {
  return {
    ...item,
    parsed: {
      ...item.parsed,
      timestamp: time,
      attributes: { ...item.parsed.attributes, [TIME_INFERRED_ATTRIBUTE]: from },
    },
  };
}
