import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import type { LogSource, SourceBatch, SourcedLog } from "../../ports/log_source.ts";
import {
  createParser,
  detectFormat,
  DETECTION_SAMPLE,
  type FormatName,
  type HeaderRecognizer,
  type ParseItem,
  type RecordParser,
} from "../log_formats/mod.ts";
import { type RawLine, splitLines, splitLinesSync } from "./lines.ts";
import { recognizeHeader } from "../log_formats/text.ts";
import { learnHeader } from "../../domain/mining/mod.ts";
import { parseSeverity } from "../../domain/severity.ts";

export interface ParseOptions {
  readonly format?: FormatName | "auto";
  readonly maxLineBytes: number;
  /** Epoch ms near the logs' time, for formats that omit the year. */
  readonly referenceTime: number;
  readonly headerRecognizer?: HeaderRecognizer;
}

export interface FileSourceOptions extends ParseOptions {
  readonly context?: SourceContext;
  /** `customer/environment`: `<root>/<customer>/<environment>/<file>` gives both. */
  readonly layout?: "customer/environment" | "none";
}

/**
 * Reads lines with one parser, detecting the format from the first lines when
 * asked to. Only the detection sample is ever buffered.
 */
class FormatPipeline {
  #parser: RecordParser | undefined;
  #format: FormatName | undefined;
  readonly #sample: RawLine[] = [];
  readonly #options: ParseOptions;

  constructor(options: ParseOptions) {
    this.#options = options;
    if (options.format !== undefined && options.format !== "auto") this.#start(options.format);
  }

  get format(): FormatName {
    return this.#format ?? "text";
  }

  #start(format: FormatName, learned?: HeaderRecognizer): void {
    this.#format = format;
    const headerRecognizer = this.#options.headerRecognizer ?? learned;
    this.#parser = createParser(format, {
      referenceTime: this.#options.referenceTime,
      ...(headerRecognizer === undefined ? {} : { headerRecognizer }),
    });
  }

  /**
   * Plain text whose header the built-in patterns do not know (HDFS's
   * `081109 203615 148 INFO dfs.DataNode: ...`, BGL, custom layouts): learn
   * the header's shape from the sample, so timestamp and level are read and
   * the message is mined without them.
   */
  #learnedHeader(texts: readonly string[]): HeaderRecognizer | undefined {
    const known = texts.filter((t) => recognizeHeader(t) !== undefined).length;
    if (texts.length === 0 || known >= texts.length / 2) return undefined;
    const model = learnHeader(texts, {
      defaultYear: new Date(this.#options.referenceTime).getUTCFullYear(),
    });
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

  push(line: RawLine): ParseItem[] {
    if (this.#parser !== undefined) return this.#parser.push(line);
    this.#sample.push(line);
    return this.#sample.filter((l) => l.text !== undefined).length >= DETECTION_SAMPLE
      ? this.#detect()
      : [];
  }

  end(): ParseItem[] {
    return [...(this.#parser === undefined ? this.#detect() : []), ...this.#parser!.flush()];
  }

  #detect(): ParseItem[] {
    const texts = this.#sample.flatMap((l) => (l.text === undefined ? [] : [l.text]));
    const format = detectFormat(texts).format;
    this.#start(format, format === "text" ? this.#learnedHeader(texts) : undefined);
    const items = this.#sample.flatMap((line) => this.#parser!.push(line));
    this.#sample.length = 0;
    return items;
  }
}

function quarantined(
  item: Extract<ParseItem, { kind: "quarantined" }>,
  source: string,
): QuarantinedLine {
  return {
    source,
    line: item.line,
    offset: item.offset,
    reason: item.reason,
    raw: item.raw.length > QUARANTINE_RAW_LIMIT
      ? item.raw.slice(0, QUARANTINE_RAW_LIMIT)
      : item.raw,
  };
}

function sourced(item: Extract<ParseItem, { kind: "record" }>): SourcedLog {
  return { parsed: item.parsed, line: item.line, offset: item.offset };
}

/** A request body already in memory: the same line and format handling as files. */
export function parseBody(
  bytes: Uint8Array,
  options: ParseOptions & { readonly source: string },
): { format: FormatName; records: SourcedLog[]; quarantined: QuarantinedLine[] } {
  const pipeline = new FormatPipeline(options);
  const records: SourcedLog[] = [];
  const lines: QuarantinedLine[] = [];
  const take = (items: ParseItem[]) => {
    for (const item of items) {
      if (item.kind === "record") records.push(sourced(item));
      else lines.push(quarantined(item, options.source));
    }
  };
  for (const line of splitLinesSync(bytes, options)) take(pipeline.push(line));
  take(pipeline.end());
  return { format: pipeline.format, records, quarantined: lines };
}

/**
 * A file, a directory (walked in path order, hidden files skipped) or a .gz
 * archive, streamed in bounded batches that never mix files.
 */
export function fileLogSource(path: string, options: FileSourceOptions): LogSource {
  return {
    name: path,
    async *batches(maxRecords: number): AsyncIterable<SourceBatch> {
      const info = await Deno.stat(path);
      const files = info.isDirectory ? await walk(path) : [path];
      for (const file of files) {
        const relative = info.isDirectory
          ? file.slice(path.replace(/\/+$/, "").length + 1)
          : basename(file);
        yield* fileBatches(file, relative, contextFor(relative, options), options, maxRecords);
      }
    },
  };
}

async function* fileBatches(
  file: string,
  source: string,
  context: SourceContext,
  options: ParseOptions,
  maxRecords: number,
): AsyncGenerator<SourceBatch> {
  const handle = await Deno.open(file);
  let stream: ReadableStream<Uint8Array> = handle.readable;
  if (file.endsWith(".gz")) {
    stream = stream.pipeThrough(
      new DecompressionStream("gzip") as unknown as TransformStream<Uint8Array, Uint8Array>,
    );
  }
  const pipeline = new FormatPipeline(options);
  let records: SourcedLog[] = [];
  let lines: QuarantinedLine[] = [];
  const batch = (): SourceBatch => {
    const out: SourceBatch = {
      source,
      context,
      format: pipeline.format,
      records,
      quarantined: lines,
    };
    records = [];
    lines = [];
    return out;
  };
  const take = (items: ParseItem[]) => {
    for (const item of items) {
      if (item.kind === "record") records.push(sourced(item));
      else lines.push(quarantined(item, source));
    }
  };
  try {
    for await (const line of splitLines(stream, options)) {
      take(pipeline.push(line));
      if (records.length + lines.length >= maxRecords) yield batch();
    }
  } catch (error) {
    // A truncated or corrupt archive: keep what was read, say why the rest is missing.
    lines.push({
      source,
      line: 0,
      reason: `Cannot read the rest of the file: ${(error as Error).message}`,
      raw: "",
    });
  }
  take(pipeline.end());
  if (records.length + lines.length > 0) yield batch();
}

async function walk(dir: string): Promise<string[]> {
  const found: string[] = [];
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) if (!entry.name.startsWith(".")) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const entry of entries) {
    const path = `${dir.replace(/\/+$/, "")}/${entry.name}`;
    if (entry.isDirectory) found.push(...await walk(path));
    else if (entry.isFile) found.push(path);
  }
  return found;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

/** Customer and environment from the layout, the service from the file name. */
export function contextFor(relative: string, options: FileSourceOptions): SourceContext {
  const parts = relative.split("/");
  const given = options.context ?? {};
  const context: { -readonly [K in keyof SourceContext]: SourceContext[K] } = { ...given };
  if (options.layout === "customer/environment" && parts.length >= 3) {
    context.customer = given.customer ?? parts[0]!;
    context.environment = given.environment ?? parts[1]!;
  }
  if (context.service === undefined) {
    const service = basename(relative).replace(
      /(\.(gz|log|jsonl|ndjson|json|txt|csv|out|\d+))+$/i,
      "",
    );
    if (service.length > 0) context.service = service;
  }
  return context;
}
