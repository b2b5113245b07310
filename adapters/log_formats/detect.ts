import { FORMAT_NAMES, type FormatName } from "./format.ts";
import { parseJsonLine } from "./jsonl.ts";
import { parseLogfmtPairs } from "./logfmt.ts";
import { parseSyslogLine } from "./syslog.ts";
import { parseAccessLine } from "./access.ts";
import { isContinuation, recognizeHeader } from "./text.ts";

/** Lines looked at to decide a source's format. */
export const DETECTION_SAMPLE = 50;

export interface Detection {
  readonly format: FormatName;
  /** Share of the sample lines the format reads cleanly. */
  readonly confidence: number;
}

const REFERENCE = Date.UTC(2024, 0, 1);

const READS: Record<Exclude<FormatName, "csv">, (line: string) => boolean> = {
  jsonl: (line) => typeof parseJsonLine(line) !== "string",
  logfmt: (line) => {
    const pairs = parseLogfmtPairs(line);
    return typeof pairs !== "string" && Object.values(pairs).filter((v) => v !== true).length >= 2;
  },
  syslog: (line) => typeof parseSyslogLine(line, REFERENCE) !== "string",
  access: (line) => typeof parseAccessLine(line) !== "string",
  text: (line) => recognizeHeader(line) !== undefined || isContinuation(line),
};

/**
 * Picks the format that reads the most of the first lines of a source. Ties
 * go to the more structured format; plain text is the fallback, since it
 * keeps every line as a record.
 */
export function detectFormat(sampleLines: readonly string[]): Detection {
  const sample = sampleLines.filter((l) => l.trim().length > 0).slice(0, DETECTION_SAMPLE);
  if (sample.length === 0) return { format: "text", confidence: 0 };
  let best: Detection = { format: "text", confidence: 0 };
  for (const format of FORMAT_NAMES) {
    const confidence = format === "csv"
      ? csvConfidence(sample)
      : sample.filter(READS[format]).length / sample.length;
    if (confidence > best.confidence) best = { format, confidence };
  }
  return best.confidence >= 0.5 ? best : { format: "text", confidence: best.confidence };
}

/** A header of names, then rows with as many fields. */
function csvConfidence(sample: readonly string[]): number {
  const header = sample[0]!;
  if (header.startsWith("{") || header.startsWith("<")) return 0;
  const fields = countFields(header);
  if (fields < 2 || !header.split(",").every((name) => /^\s*"?[\w@. -]{1,64}"?\s*$/.test(name))) {
    return 0;
  }
  if (sample.length === 1) return 0.5;
  const rows = sample.slice(1);
  return rows.filter((row) => countFields(row) === fields).length / rows.length;
}

function countFields(line: string): number {
  let fields = 1;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const c = line[i];
    if (c === '"') quoted = !quoted;
    else if (c === "," && !quoted) fields++;
  }
  return fields;
}
