import type { ParsedLog } from "../../domain/log_record.ts";
import { splitLinesSync } from "../log_sources/lines.ts";
import { createParser, type CreateParserOptions, type FormatName, type ParseItem } from "./mod.ts";

/** The reference time the format tests read year-less timestamps against. */
export const REFERENCE = Date.UTC(2026, 2, 2);

/** Every item a format's parser makes of a text, as a source would feed it. */
export function parseText(
  format: FormatName,
  text: string,
  options: Partial<CreateParserOptions> = {},
): ParseItem[] {
  const parser = createParser(format, { referenceTime: REFERENCE, ...options });
  const lines = splitLinesSync(new TextEncoder().encode(text), { maxLineBytes: 65536 });
  return [...lines.flatMap((line) => parser.push(line)), ...parser.flush()];
}

export function records(items: readonly ParseItem[]): ParsedLog[] {
  return items.flatMap((item) => (item.kind === "record" ? [item.parsed] : []));
}

/** `[line, reason]` of each quarantined item. */
export function problems(items: readonly ParseItem[]): [number, string][] {
  return items.flatMap((item) => (item.kind === "quarantined" ? [[item.line, item.reason]] : []));
}

/** Line numbers of the records, to see that the good lines around bad ones are kept. */
export function recordLines(items: readonly ParseItem[]): number[] {
  return items.flatMap((item) => (item.kind === "record" ? [item.line] : []));
}

export function fixture(name: string): string {
  return Deno.readTextFileSync(new URL(`../../fixtures/formats/${name}`, import.meta.url));
}
