/**
 * Log sources over files: a file, a directory tree or a .gz archive,
 * streamed in bounded batches; and the same line and format handling for a
 * request body already in memory.
 *
 * @module
 */
import { pinToContext } from "./pinned_origin.ts";
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { learnHeader } from "../../domain/mining/mod.ts";
import { parseSeverity } from "../../domain/severity.ts";
import type { LogSource, SourceBatch, SourcedLog } from "../../ports/log_source.ts";
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
import { LineSplitter, type RawLine, splitLinesSync } from "./lines.ts";
import { TimeGuard } from "./time_guard.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { PrivateKeyFollower } from "../../domain/redaction/mod.ts";
import { redactorOf, redactSourced } from "../redaction/log_redaction.ts";

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

export interface FileSourceOptions extends Omit<ParseOptions, "maxLineBytes"> {
  /** Default {@linkcode DEFAULT_MAX_LINE_BYTES}. */
  readonly maxLineBytes?: number;
  /** Given to every file; the layout overrides it per file. */
  readonly context?: SourceContext;
  /**
   * `customer/environment`: `<root>/<customer>/<environment>/.../<file>` gives
   * each file its customer and environment. Default `none`.
   */
  readonly layout?: "customer/environment" | "none";
}

/** A body parsed whole: its format, its records and its quarantined lines. */
export interface ParsedBody {
  readonly format: FormatName;
  readonly records: SourcedLog[];
  readonly quarantined: QuarantinedLine[];
}

/**
 * A request body already in memory, with the same line and format handling
 * as files: detected format, line numbers, quarantine with reasons.
 *
 * @example
 * ```ts
 * import { parseBody } from "./file_source.ts";
 * import assert from "node:assert/strict";
 * const body = new TextEncoder().encode('{"msg":"paid"}\n{"msg":\n{"msg":"shipped"}\n');
 * const parsed = parseBody(body, { source: "http", maxLineBytes: 65536, referenceTime: 0 });
 * assert.equal(parsed.format, "jsonl");
 * assert.deepEqual(parsed.records.map((r) => r.parsed.message), ["paid", "shipped"]);
 * assert.deepEqual(parsed.quarantined.map((q) => q.line), [2]);
 * ```
 */
export function parseBody(
  bytes: Uint8Array,
  options: ParseOptions & { readonly source: string; readonly context?: SourceContext },
): ParsedBody {
  const pipeline = new FormatPipeline(options);
  const records: SourcedLog[] = [];
  const quarantined: QuarantinedLine[] = [];
  const take = (items: readonly ParseItem[]) => {
    for (const item of items) {
      if (item.kind === "record") records.push(sourced(item));
      else quarantined.push(toQuarantined(item, options.source));
    }
  };
  for (const line of splitLinesSync(bytes, options)) take(pipeline.push(line));
  take(pipeline.end());
  if (options.pinOrigin === true) pinToContext(records);
  if (options.redaction !== undefined) {
    redactSourced(records, quarantined, options.context ?? {}, redactorOf(options.redaction));
  }
  return { format: pipeline.format, records, quarantined };
}

/**
 * A file, a directory (walked recursively in path order, hidden files and
 * directories skipped) or a .gz archive, streamed in batches of at most
 * `maxRecords` records and quarantined lines that never mix files. Each
 * file's format is detected from its own first lines unless one is given.
 *
 * @example
 * ```ts
 * import { fileLogSource } from "./file_source.ts";
 * import assert from "node:assert/strict";
 * const root = await Deno.makeTempDir();
 * await Deno.mkdir(`${root}/acme/prod`, { recursive: true });
 * await Deno.writeTextFile(
 *   `${root}/acme/prod/checkout.log`,
 *   "time=2026-03-01T10:00:00Z level=error msg=\"card declined\"\n",
 * );
 * const source = fileLogSource(root, { layout: "customer/environment", referenceTime: Date.now() });
 * for await (const batch of source.batches(1000)) {
 *   assert.equal(batch.source, "acme/prod/checkout.log");
 *   assert.deepEqual(batch.context, { customer: "acme", environment: "prod", service: "checkout" });
 *   assert.equal(batch.records[0]!.parsed.message, "card declined");
 * }
 * await Deno.remove(root, { recursive: true });
 * ```
 */
export function fileLogSource(path: string, options: FileSourceOptions): LogSource {
  return {
    name: path,
    async *batches(maxRecords: number): AsyncIterable<SourceBatch> {
      if (!(maxRecords >= 1)) {
        throw new RangeError(`Cannot read ${path}: maxRecords must be at least 1`);
      }
      for (const file of await sourceFiles(path, options)) {
        yield* sourceFileBatches(file, options, maxRecords);
      }
    },
  };
}

/** A file a source reads, with the source name and context its records get. */
export interface SourceFile {
  readonly path: string;
  /** The path relative to the directory read, or the file's name. */
  readonly source: string;
  readonly context: SourceContext;
}

/** The files `fileLogSource(path, options)` reads, in the order it reads them. */
export async function sourceFiles(path: string, options: FileSourceOptions): Promise<SourceFile[]> {
  const info = await Deno.stat(path);
  const root = path.replace(/\/+$/, "");
  const files = info.isDirectory ? await walk(root) : [path];
  return files.map((file) => {
    const source = info.isDirectory ? file.slice(root.length + 1) : basename(file);
    return { path: file, source, context: contextFor(source, options) };
  });
}

/** The batches of one of a source's files: what `fileLogSource` yields for it. */
export function sourceFileBatches(
  file: SourceFile,
  options: FileSourceOptions,
  maxRecords: number,
): AsyncGenerator<SourceBatch> {
  const parseOptions: ParseOptions = {
    ...options,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  return fileBatches(file.path, file.source, file.context, parseOptions, maxRecords);
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
  const pipeline = new FormatPipeline(options, true);
  const splitter = new LineSplitter(options);
  // Items in the order the parser gave them, so each batch is a contiguous run.
  let items: ParseItem[] = [];
  let lastLine = 0;
  const privateKeys = new PrivateKeyFollower();
  const take = (more: readonly ParseItem[]) => {
    for (const item of more) items.push(item);
  };
  const batch = (): SourceBatch => {
    const out = items.length <= maxRecords ? items : items.slice(0, maxRecords);
    items = out === items ? [] : items.slice(maxRecords);
    const records: SourcedLog[] = [];
    const quarantined: QuarantinedLine[] = [];
    for (const item of out) {
      if (item.kind === "record") records.push(sourced(item));
      else quarantined.push(toQuarantined(item, source));
    }
    if (options.redaction !== undefined) {
      redactSourced(records, quarantined, context, redactorOf(options.redaction), privateKeys);
    }
    return { source, context, format: pipeline.format, records, quarantined };
  };
  const reader = stream.getReader();
  let failure: ParseItem | undefined;
  // The next chunk is read while this one is parsed.
  let ahead = reader.read();
  try {
    for (;;) {
      let chunk: ReadableStreamReadResult<Uint8Array>;
      try {
        chunk = await ahead;
      } catch (error) {
        // A truncated or corrupt archive, a file that vanished: keep what was
        // read, and say why the rest is missing.
        failure = {
          kind: "quarantined",
          line: lastLine + 1,
          offset: splitter.consumed,
          reason: `Cannot read the rest of the file: ${(error as Error).message}`,
          raw: "",
        };
        break;
      }
      if (chunk.done) break;
      ahead = reader.read();
      for (const line of splitter.push(chunk.value)) {
        lastLine = line.line;
        take(pipeline.push(line));
      }
      while (items.length >= maxRecords) yield batch();
    }
    if (failure === undefined) { for (const line of splitter.end()) take(pipeline.push(line)); }
  } finally {
    // Also when the consumer stops early: the file must not stay open. A
    // cancel reaches the file through a decompressing pipe only later.
    ahead.catch(() => {});
    await reader.cancel().catch(() => {});
    try {
      handle.close();
    } catch {
      // Already closed by the stream at its end.
    }
  }
  take(pipeline.end());
  if (failure !== undefined) items.push(failure);
  while (items.length > 0) yield batch();
}

/**
 * One parser over a source's lines, detecting the format from the first
 * lines when asked to. Only those lines are ever held back.
 */
class FormatPipeline {
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

function toQuarantined(
  item: Extract<ParseItem, { kind: "quarantined" }>,
  source: string,
): QuarantinedLine {
  return { source, line: item.line, offset: item.offset, reason: item.reason, raw: item.raw };
}

function sourced(item: Extract<ParseItem, { kind: "record" }>): SourcedLog {
  return { parsed: item.parsed, line: item.line, offset: item.offset };
}

/** Files under `dir`, sorted by path, hidden ones (and hidden directories) left out. */
async function walk(dir: string): Promise<string[]> {
  const entries: Deno.DirEntry[] = [];
  for await (const entry of Deno.readDir(dir)) if (!entry.name.startsWith(".")) entries.push(entry);
  entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const found: string[] = [];
  for (const entry of entries) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) found.push(...await walk(path));
    else if (entry.isFile) found.push(path);
  }
  return found;
}

function basename(path: string): string {
  return path.slice(path.lastIndexOf("/") + 1);
}

// A log extension, then a rotation suffix (`.1`, `.2024-03-01`), then `.gz`.
const LOG_EXTENSIONS =
  /\.(?:log|jsonl|ndjson|json|txt|csv|out|err)(?:\.(?:\d{1,4}|\d{4}-?\d{2}-?\d{2}))?(?:\.gz)?$|\.gz$/i;

/**
 * A file's context: the given one, with customer and environment from the
 * layout (which win, being specific to the file) and, when no service is
 * given, the service from the file name without its log extension, rotation
 * suffix and `.gz` (`checkout.log.1.gz` → `checkout`).
 *
 * @example
 * ```ts
 * import { contextFor } from "./file_source.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(
 *   contextFor("acme/prod/checkout.log.1.gz", { layout: "customer/environment", context: { version: "2.1" } }),
 *   { version: "2.1", customer: "acme", environment: "prod", service: "checkout" },
 * );
 * ```
 */
export function contextFor(
  relative: string,
  options: Pick<FileSourceOptions, "context" | "layout">,
): SourceContext {
  const parts = relative.split("/");
  const context: { -readonly [K in keyof SourceContext]: SourceContext[K] } = {
    ...options.context,
  };
  if (options.layout === "customer/environment" && parts.length >= 3) {
    context.customer = parts[0]!;
    context.environment = parts[1]!;
  }
  if (context.service === undefined) {
    const service = basename(relative).replace(LOG_EXTENSIONS, "");
    if (service.length > 0) context.service = service;
  }
  return context;
}
