/**
 * Log sources over files: a file, a directory tree or a .gz archive,
 * streamed in bounded batches. Lines become records through the same
 * `FormatPipeline` a request body goes through (`parse_body.ts`).
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import type { LogSource, SourceBatch, SourcedLog } from "../../ports/log_source.ts";
import type { ParseItem } from "../log_formats/mod.ts";
import { LineSplitter } from "./lines.ts";
import {
  DEFAULT_MAX_LINE_BYTES,
  FormatPipeline,
  type ParseOptions,
  sourced,
  toQuarantined,
} from "./format_pipeline.ts";
import { PrivateKeyFollower } from "../../domain/redaction/mod.ts";
import { redactorOf, redactSourced } from "../redaction/log_redaction.ts";

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

/**
 * The batches of one of a source's files: what `fileLogSource` yields for it.
 * With `pieceRecords`, each batch comes in pieces of at most that many
 * records and quarantined lines, a batch's last piece ending where the
 * batch does (every `maxRecords` of them, and at the end of the file).
 */
export function sourceFileBatches(
  file: SourceFile,
  options: FileSourceOptions,
  maxRecords: number,
  pieceRecords = maxRecords,
): AsyncGenerator<SourceBatch> {
  const parseOptions: ParseOptions = {
    ...options,
    maxLineBytes: options.maxLineBytes ?? DEFAULT_MAX_LINE_BYTES,
  };
  return fileBatches(
    file.path,
    file.source,
    file.context,
    parseOptions,
    maxRecords,
    Math.min(pieceRecords, maxRecords),
  );
}

async function* fileBatches(
  file: string,
  source: string,
  context: SourceContext,
  options: ParseOptions,
  maxRecords: number,
  pieceRecords: number,
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
  // Items of the current batch already yielded, in earlier pieces.
  let yielded = 0;
  const nextSize = () => Math.min(pieceRecords, maxRecords - yielded);
  const batch = (): SourceBatch => {
    const size = nextSize();
    const out = items.length <= size ? items : items.slice(0, size);
    items = out === items ? [] : items.slice(size);
    yielded = (yielded + out.length) % maxRecords;
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
      while (items.length >= nextSize()) yield batch();
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
