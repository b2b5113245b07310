/** How the console writes times, durations, money and levels for a person. */
import { severityTextOf } from "../../domain/severity.ts";

/** `2026-10-02 03:35 UTC`: one zone for everyone on a call together. */
export function when(millis: number | null | undefined): string {
  if (millis === null || millis === undefined || !Number.isFinite(millis)) return "—";
  return `${new Date(millis).toISOString().slice(0, 16).replace("T", " ")} UTC`;
}

/** `03:35:17` within a ticket's window, where the day is known. */
export function clockTime(millis: number): string {
  return new Date(millis).toISOString().slice(11, 19);
}

export function hours(value: number): string {
  if (!Number.isFinite(value)) return "—";
  if (value < 1) return `${Math.max(1, Math.round(value * 60))} min`;
  if (value < 48) return `${Number(value.toFixed(1))} h`;
  return `${Number((value / 24).toFixed(1))} d`;
}

export function money(value: number | null): string {
  return value === null ? "—" : value.toLocaleString("en-US", { maximumFractionDigits: 0 });
}

export function percent(value: number): string {
  return `${Math.round(value * 100)}%`;
}

/** Level buckets the log filter offers, each named by its text (FATAL counts as ERROR, TRACE as DEBUG). */
export const LEVELS = ["ERROR", "WARN", "INFO", "DEBUG"] as const;
export type Level = (typeof LEVELS)[number];

/** The lowest OpenTelemetry severity number of each level. */
export const LEVEL_FLOOR: Readonly<Record<Level, number>> = {
  DEBUG: 1,
  INFO: 9,
  WARN: 13,
  ERROR: 17,
};

export function levelOf(severityNumber: number): Level {
  if (severityNumber >= 17) return "ERROR";
  if (severityNumber >= 13) return "WARN";
  if (severityNumber >= 9) return "INFO";
  return "DEBUG";
}

/** The text shown beside a line's colour: its own level name (FATAL stays FATAL). */
export function levelText(severityNumber: number): string {
  return severityTextOf(severityNumber);
}

/**
 * A highlighted passage as parts: the search marks matched words with
 * `<mark>`; everything else is text and is escaped when rendered.
 */
export function markedParts(passage: string): { text: string; marked: boolean }[] {
  const parts: { text: string; marked: boolean }[] = [];
  const pattern = /<mark>([\s\S]*?)<\/mark>/g;
  let last = 0;
  for (const match of passage.matchAll(pattern)) {
    if (match.index > last) parts.push({ text: passage.slice(last, match.index), marked: false });
    parts.push({ text: match[1]!, marked: true });
    last = match.index + match[0].length;
  }
  if (last < passage.length) parts.push({ text: passage.slice(last), marked: false });
  return parts;
}
