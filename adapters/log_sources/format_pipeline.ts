/**
 * Lines to records, the same for a file, an archive and a request body: the
 * format detected from the first lines (or given), a header learned for
 * plain text, times checked, each bad line quarantined with its reason.
 *
 * @module
 */
import type { QuarantinedLine } from "../../domain/log_record.ts";
import { learnHeader } from "../../domain/mining/mod.ts";
import { parseSeverity } from "../../domain/severity.ts";
import type { SourcedLog } from "../../ports/log_source.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import {
  createParser,
  detectFormat,
  DETECTION_SAMPLE,
  type FormatName,
  type HeaderRecognizer,
  type ParseItem,
  recognizeHeader,
  type RecordParser,
} from "../log_formats/mod.ts";
import type { RawLine } from "./lines.ts";
import { TimeGuard } from "./time_guard.ts";

/** Longest line read when the caller names no limit. */
export const DEFAULT_MAX_LINE_BYTES = 64 * 1024;

/**
 * Lines held back while a format is being detected; past this many (problem
 * lines included), detection runs on what it has, so memory stays bounded
 * even for a file of binary junk.
 */
const MAX_SAMPLE_LINES = 1_000;

export interface ParseOptions {
  /** A format, or `auto` (the default) to detect it from the first lines. */
  readonly format?: FormatName | "auto";
  readonly maxLineBytes: number;
  /** Epoch ms near the logs' time, for formats that omit the year. */
  readonly referenceTime: number;
  /** For text: a header layout to try before the built-in and learned ones. */
  readonly headerRecognizer?: HeaderRecognizer;
  /** Sensitive values in records and quarantined lines are replaced as they are parsed. */
  readonly redaction?: RedactionSettings;
  /** Records may not name a customer or environment: the context's (an ingest token's) wins. */
  readonly pinOrigin?: boolean;
}

/**
 * One parser over a source's lines, detecting the format from the first
 * lines when asked to. Only those lines are ever held back.
 */
export class FormatPipeline {
  readonly #options: ParseOptions;
  readonly #time: TimeGuard;
  readonly #wanted: FormatName | undefined;
  #parser: RecordParser | undefined;
  #format: FormatName | undefined;
  readonly #sample: RawLine[] = [];
  #sampleTexts = 0;

  constructor(options: ParseOptions, historical = false) {
    this.#options = options;
    this.#time = new TimeGuard({ historical, now: Date.now() });
    this.#wanted = options.format === "auto" ? undefined : options.format;
    // Text without a given header layout waits for its sample to learn one.
    if (
      this.#wanted !== undefined &&
      (this.#wanted !== "text" || options.headerRecognizer !== undefined)
    ) {
      this.#start(this.#wanted, options.headerRecognizer);
    }
  }

  /** The format in use (text until one is known). */
  get format(): FormatName {
    return this.#format ?? this.#wanted ?? "text";
  }

  push(line: RawLine): ParseItem[] {
    if (this.#parser !== undefined) return this.#time.pass(this.#parser.push(line));
    this.#sample.push(line);
    if (line.text !== undefined) this.#sampleTexts++;
    return this.#sampleTexts >= DETECTION_SAMPLE || this.#sample.length >= MAX_SAMPLE_LINES
      ? this.#time.pass(this.#decide())
      : [];
  }

  end(): ParseItem[] {
    const items = this.#parser === undefined ? this.#decide() : [];
    for (const item of this.#parser!.flush()) items.push(item);
    const out = this.#time.pass(items);
    for (const item of this.#time.end()) out.push(item);
    return out;
  }

  #start(format: FormatName, headerRecognizer: HeaderRecognizer | undefined): void {
    this.#format = format;
    this.#parser = createParser(format, {
      referenceTime: this.#options.referenceTime,
      ...(headerRecognizer === undefined ? {} : { headerRecognizer }),
    });
  }

  #decide(): ParseItem[] {
    const texts: string[] = [];
    for (const line of this.#sample) if (line.text !== undefined) texts.push(line.text);
    const format = this.#wanted ?? detectFormat(texts).format;
    const recognizer = this.#options.headerRecognizer ??
      (format === "text" ? learnedHeader(texts, this.#options.referenceTime) : undefined);
    this.#start(format, recognizer);
    const items: ParseItem[] = [];
    for (const line of this.#sample) {
      for (const item of this.#parser!.push(line)) items.push(item);
    }
    this.#sample.length = 0;
    return items;
  }
}

/**
 * Plain text whose header the built-in patterns do not know (HDFS's
 * `081109 203615 148 INFO dfs.DataNode: ...`, BGL, custom layouts): the
 * header's shape is learned from the sample, so timestamp and level are read
 * and the message is mined without them.
 */
function learnedHeader(
  texts: readonly string[],
  referenceTime: number,
): HeaderRecognizer | undefined {
  let known = 0;
  for (const text of texts) if (recognizeHeader(text) !== undefined) known++;
  if (texts.length === 0 || known >= texts.length / 2) return undefined;
  const model = learnHeader(texts, { defaultYear: new Date(referenceTime).getUTCFullYear() });
  if (model.fieldCount === 0) return undefined;
  return (line) => {
    const stripped = model.strip(line);
    if (Object.keys(stripped.fields).length === 0) return undefined;
    const { time: _time, level: _level, ...fields } = stripped.fields;
    const severity = stripped.level === undefined ? undefined : parseSeverity(stripped.level);
    return {
      message: stripped.message,
      attributes: fields,
      ...(stripped.timestamp === undefined ? {} : { timestamp: stripped.timestamp }),
      ...(severity === undefined ? {} : { severity }),
    };
  };
}

export function toQuarantined(
  item: Extract<ParseItem, { kind: "quarantined" }>,
  source: string,
): QuarantinedLine {
  return { source, line: item.line, offset: item.offset, reason: item.reason, raw: item.raw };
}

export function sourced(item: Extract<ParseItem, { kind: "record" }>): SourcedLog {
  return { parsed: item.parsed, line: item.line, offset: item.offset };
}
