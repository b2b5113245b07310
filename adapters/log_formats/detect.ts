import { parse } from "csv-parse/sync";
import { parseAccessLine } from "./access.ts";
import { endsQuoted } from "./csv.ts";
import { FORMAT_NAMES, type FormatName } from "./format.ts";
import { parseJsonLine } from "./jsonl.ts";
import { parseLogfmtPairs } from "./logfmt.ts";
import { parseSyslogLine } from "./syslog.ts";
import { isContinuation, recognizeHeader } from "./text.ts";

/** Non-empty lines looked at to decide a source's format. */
export const DETECTION_SAMPLE = 50;

/** Below this share of clean lines, no structured format is trusted: text it is. */
const MIN_CONFIDENCE = 0.5;

export interface Detection {
  readonly format: FormatName;
  /** Share of the sample lines the format reads cleanly, 0 to 1. */
  readonly confidence: number;
}

// Syslog BSD times carry no year; any reference reads them for detection.
const REFERENCE = Date.UTC(2024, 0, 1);

const READS: Record<Exclude<FormatName, "csv">, (line: string) => boolean> = {
  jsonl: (line) => typeof parseJsonLine(line) !== "string",
  // Every word a key=value pair: text lines often end in a few pairs.
  logfmt: (line) => {
    const pairs = parseLogfmtPairs(line);
    return typeof pairs !== "string" && pairs.flags === 0 && pairs.pairs >= 2;
  },
  syslog: (line) => typeof parseSyslogLine(line, REFERENCE) !== "string",
  access: (line) => typeof parseAccessLine(line) !== "string",
  text: (line) => recognizeHeader(line) !== undefined || isContinuation(line),
};

/**
 * Picks the format that reads the most of a source's first lines cleanly.
 * Ties go to the more structured format (jsonl, logfmt, syslog, access, csv);
 * plain text is the fallback, since it keeps every line as a record.
 *
 * @example
 * ```ts
 * import { detectFormat } from "./detect.ts";
 * import assert from "node:assert/strict";
 * const detection = detectFormat([
 *   '{"level":"info","msg":"started"}',
 *   '{"level":"error","msg":"failed"}',
 * ]);
 * assert.deepEqual(detection, { format: "jsonl", confidence: 1 });
 * ```
 */
export function detectFormat(sampleLines: readonly string[]): Detection {
  const sample: string[] = [];
  for (const line of sampleLines) {
    if (line.trim().length > 0) sample.push(line);
    if (sample.length === DETECTION_SAMPLE) break;
  }
  if (sample.length === 0) return { format: "text", confidence: 0 };
  let best: Detection = { format: "text", confidence: 0 };
  for (const format of FORMAT_NAMES) {
    const confidence = format === "csv" ? csvConfidence(sample) : share(sample, READS[format]);
    if (confidence > best.confidence) best = { format, confidence };
    // Ties go to the earlier format: nothing later can win.
    if (best.confidence === 1) break;
  }
  return best.confidence >= MIN_CONFIDENCE
    ? best
    : { format: "text", confidence: share(sample, READS.text) };
}

function share(sample: readonly string[], reads: (line: string) => boolean): number {
  let clean = 0;
  for (const line of sample) if (reads(line)) clean++;
  return clean / sample.length;
}

const HEADER_NAME = /^[\w@. -]{1,64}$/;

/** Commas in `line`, counted up to two. */
function commas(line: string): number {
  let count = 0;
  for (let at = line.indexOf(","); at !== -1 && count < 2; at = line.indexOf(",", at + 1)) count++;
  return count;
}

/**
 * A header row of names with at least two commas, then rows with as many
 * fields. Rows are counted as csv-parse reads them, so quoted commas and
 * quoted newlines count right.
 */
function csvConfidence(sample: readonly string[]): number {
  // Header names hold no line breaks, so the header is the first line, and
  // three names need two commas: most sources are ruled out here, without
  // csv-parse failing on them (its errors were most of detecting a format).
  if (commas(sample[0]!) < 2) return 0;
  // Only whole rows: the sample may end inside a quoted field.
  let whole = 0;
  let quoted = false;
  for (let i = 0; i < sample.length; i++) {
    quoted = endsQuoted(sample[i]!, quoted);
    if (!quoted) whole = i + 1;
  }
  let rows: string[][];
  try {
    rows = parse(sample.slice(0, whole).join("\n"), {
      relax_column_count: true,
      relax_quotes: true,
      bom: true,
      skip_empty_lines: true,
    }) as string[][];
  } catch {
    return 0;
  }
  const header = rows[0];
  if (header === undefined || header.length < 3) return 0;
  if (!header.every((name) => HEADER_NAME.test(name.trim()))) return 0;
  const body = rows.slice(1);
  if (body.length === 0) return MIN_CONFIDENCE;
  let matching = 0;
  for (const row of body) if (row.length === header.length) matching++;
  // Per row, not per physical line: a quoted newline does not count against it.
  return matching / body.length;
}
