/**
 * Bytes to lines, safely: a line that is not text (invalid UTF-8, binary
 * data, longer than allowed) becomes a problem to quarantine while the lines
 * around it are kept, and an over-long line is skipped to its end without
 * ever being buffered whole.
 *
 * @module
 */
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";

export interface RawLine {
  /** 1-based line number within the source. */
  readonly line: number;
  /** Byte offset of the line's first byte within the source. */
  readonly offset: number;
  readonly text?: string;
  /** Why the line cannot be read as text; `text` is then absent. */
  readonly problem?: string;
  /** What could be decoded of a problem line, for the quarantine. */
  readonly raw?: string;
}

export interface SplitOptions {
  /** Lines longer than this (in bytes, with a trailing `\r`) become problems. */
  readonly maxLineBytes: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
/** Share of control characters above which a line is taken for binary data. */
const BINARY_CONTROL_SHARE = 0.3;
const BYTE_ORDER_MARK = "\uFEFF";

// ignoreBOM keeps a byte order mark in the text: by default each decode call
// would drop one at its start, which depends on where chunks happen to begin.
const strictDecoder = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });
const lenientDecoder = new TextDecoder("utf-8", { ignoreBOM: true });

// Control characters other than tab, LF and CR: text rarely has them, binary
// data always does. Checked once per decoded region, so clean text pays one scan.
// deno-lint-ignore no-control-regex
const SUSPECT_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

/**
 * Splits a byte stream into lines. Chunk boundaries may fall anywhere, even
 * inside a multi-byte character: any chunking of the same bytes gives the
 * same lines.
 *
 * @example
 * ```ts
 * import { splitLines } from "./lines.ts";
 * import assert from "node:assert/strict";
 * const chunks = [new Uint8Array([0x61, 0x0a, 0xc3]), new Uint8Array([0xa9, 0x0d, 0x0a])];
 * const lines = [];
 * for await (const line of splitLines(ReadableStream.from(chunks), { maxLineBytes: 1024 })) {
 *   lines.push(line.text);
 * }
 * assert.deepEqual(lines, ["a", "é"]);
 * ```
 */
export async function* splitLines(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: SplitOptions,
): AsyncGenerator<RawLine> {
  const splitter = new LineSplitter(options);
  for await (const chunk of stream) yield* splitter.push(chunk);
  yield* splitter.end();
}

/**
 * The same lines as {@linkcode splitLines}, for a body already in memory.
 *
 * @example
 * ```ts
 * import { splitLinesSync } from "./lines.ts";
 * import assert from "node:assert/strict";
 * const bytes = new Uint8Array([...new TextEncoder().encode("ok\r\n\n"), 0xff, 0x0a]);
 * assert.deepEqual(splitLinesSync(bytes, { maxLineBytes: 1024 }), [
 *   { line: 1, offset: 0, text: "ok" },
 *   { line: 3, offset: 5, problem: "invalid UTF-8 at byte 0 of the line", raw: "\uFFFD" },
 * ]);
 * ```
 */
export function splitLinesSync(bytes: Uint8Array, options: SplitOptions): RawLine[] {
  const splitter = new LineSplitter(options);
  const lines = splitter.push(bytes);
  for (const line of splitter.end()) lines.push(line);
  return lines;
}

/**
 * The splitter behind {@linkcode splitLines}, for callers that would rather
 * take the lines of a chunk as one array than await each line.
 */
export class LineSplitter {
  readonly #max: number;
  readonly #previewBytes: number;
  /** Pieces of a line begun in an earlier chunk. */
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  /** Bytes seen of a line already known to be too long; 0 when none. */
  #overflow = 0;
  /** The start of an over-long line, kept for its quarantine entry. */
  #overflowPreview = "";
  #line = 0;
  /** Bytes consumed so far: the offset of the next chunk's first byte. */
  #consumed = 0;
  /** Offset of the line being gathered across chunks. */
  #lineStart = 0;

  constructor(options: SplitOptions) {
    if (!(options.maxLineBytes >= 1)) {
      throw new RangeError(`Cannot split lines: maxLineBytes must be at least 1`);
    }
    this.#max = options.maxLineBytes;
    // Never more than a line may hold, so every path cuts the same preview.
    this.#previewBytes = Math.min(QUARANTINE_RAW_LIMIT, this.#max);
  }

  /** Bytes taken in so far. */
  get consumed(): number {
    return this.#consumed;
  }

  /** The lines completed by the next chunk of bytes. */
  push(chunk: Uint8Array): RawLine[] {
    const out: RawLine[] = [];
    let from = 0;
    if (this.#pendingBytes > 0 || this.#overflow > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.#gather(chunk);
        this.#consumed += chunk.length;
        return out;
      }
      this.#gather(chunk.subarray(0, newline));
      this.#consumed += newline + 1;
      this.#finishGathered(out);
      from = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) {
      this.#completeLines(chunk.subarray(from, last + 1), out);
      this.#consumed += last + 1 - from;
      from = last + 1;
    }
    if (from < chunk.length) {
      this.#lineStart = this.#consumed;
      this.#gather(chunk.subarray(from));
      this.#consumed += chunk.length - from;
    }
    return out;
  }

  /** The last line, when the input does not end with a newline. */
  end(): RawLine[] {
    const out: RawLine[] = [];
    if (this.#pendingBytes > 0 || this.#overflow > 0) this.#finishGathered(out);
    return out;
  }

  /**
   * Whole lines, each ending in a newline, starting at `#consumed`. Valid
   * UTF-8 is decoded in one call and split as a string, several times faster
   * than line by line; byte offsets come from the newlines in the bytes.
   */
  #completeLines(region: Uint8Array, out: RawLine[]): void {
    let text: string;
    try {
      text = strictDecoder.decode(region);
    } catch {
      this.#completeLinesOneByOne(region, out);
      return;
    }
    const suspect = SUSPECT_CONTROL.test(text);
    const ascii = text.length === region.length;
    const base = this.#consumed;
    let byteFrom = 0;
    let charFrom = 0;
    while (charFrom < text.length) {
      const charNewline = text.indexOf("\n", charFrom);
      const byteNewline = ascii ? charNewline : region.indexOf(NEWLINE, byteFrom);
      const line = ++this.#line;
      const offset = base + byteFrom;
      const bytes = byteNewline - byteFrom;
      if (bytes > this.#max) {
        out.push(this.#tooLong(line, offset, bytes, region.subarray(byteFrom, byteNewline)));
      } else {
        const decided = decideText(text.slice(charFrom, charNewline), line, offset, suspect);
        if (decided !== undefined) out.push(decided);
      }
      byteFrom = byteNewline + 1;
      charFrom = charNewline + 1;
    }
  }

  /** The careful path, for a region holding invalid UTF-8 somewhere. */
  #completeLinesOneByOne(region: Uint8Array, out: RawLine[]): void {
    let from = 0;
    while (from < region.length) {
      const newline = region.indexOf(NEWLINE, from);
      const line = ++this.#line;
      const offset = this.#consumed + from;
      const bytes = region.subarray(from, newline);
      const decided = bytes.length > this.#max
        ? this.#tooLong(line, offset, bytes.length, bytes)
        : decideBytes(bytes, line, offset, this.#previewBytes);
      if (decided !== undefined) out.push(decided);
      from = newline + 1;
    }
  }

  /** Adds bytes of the current line, switching to counting once it is too long. */
  #gather(piece: Uint8Array): void {
    if (this.#overflow > 0) {
      this.#overflow += piece.length;
      return;
    }
    if (this.#pendingBytes + piece.length > this.#max) {
      this.#pending.push(piece);
      this.#overflowPreview = preview(
        concatBytes(this.#pending, this.#pendingBytes + piece.length),
        this.#previewBytes,
      );
      this.#overflow = this.#pendingBytes + piece.length;
      this.#pending = [];
      this.#pendingBytes = 0;
      return;
    }
    if (piece.length > 0) {
      // Kept across chunks: must not alias a buffer the caller may reuse.
      this.#pending.push(piece.slice());
      this.#pendingBytes += piece.length;
    }
  }

  #finishGathered(out: RawLine[]): void {
    const line = ++this.#line;
    const offset = this.#lineStart;
    this.#lineStart = this.#consumed;
    if (this.#overflow > 0) {
      out.push({
        line,
        offset,
        problem: tooLongProblem(this.#max, this.#overflow),
        raw: this.#overflowPreview,
      });
      this.#overflow = 0;
      this.#overflowPreview = "";
      return;
    }
    const bytes = this.#pending.length === 1
      ? this.#pending[0]!
      : concatBytes(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    const decided = decideBytes(bytes, line, offset, this.#previewBytes);
    if (decided !== undefined) out.push(decided);
  }

  #tooLong(line: number, offset: number, length: number, bytes: Uint8Array): RawLine {
    return {
      line,
      offset,
      problem: tooLongProblem(this.#max, length),
      raw: preview(bytes, this.#previewBytes),
    };
  }
}

function tooLongProblem(max: number, length: number): string {
  return `line longer than ${max} bytes (${length} bytes)`;
}

/** One line's bytes (without its newline): text, a problem, or nothing at all. */
function decideBytes(
  bytes: Uint8Array,
  line: number,
  offset: number,
  previewBytes: number,
): RawLine | undefined {
  let text: string;
  try {
    text = strictDecoder.decode(bytes);
  } catch {
    // Binary data is rarely valid UTF-8; a NUL says which of the two it is.
    const problem = bytes.indexOf(0) !== -1
      ? "binary data (NUL bytes) in line"
      : `invalid UTF-8 at byte ${firstInvalidUtf8(bytes)} of the line`;
    return { line, offset, problem, raw: preview(bytes, previewBytes) };
  }
  return decideText(text, line, offset, true);
}

/**
 * Every decoded line passes here, whichever path decoded it, so the same
 * bytes always get the same decision.
 */
function decideText(
  decoded: string,
  line: number,
  offset: number,
  suspect: boolean,
): RawLine | undefined {
  let text = decoded;
  if (text.charCodeAt(text.length - 1) === CARRIAGE_RETURN) text = text.slice(0, -1);
  if (offset === 0 && text.startsWith(BYTE_ORDER_MARK)) text = text.slice(1);
  if (text.trim().length === 0) return undefined;
  if (suspect) {
    const problem = text.includes("\0")
      ? "binary data (NUL bytes) in line"
      : controlShare(text) > BINARY_CONTROL_SHARE
      ? "binary data (control characters) in line"
      : undefined;
    if (problem !== undefined) {
      return { line, offset, problem, raw: text.slice(0, QUARANTINE_RAW_LIMIT) };
    }
  }
  return { line, offset, text };
}

function preview(bytes: Uint8Array, limit: number): string {
  return lenientDecoder.decode(bytes.subarray(0, limit));
}

/** Share of control characters (those SUSPECT_CONTROL looks for) in the line's start. */
function controlShare(text: string): number {
  let control = 0;
  const length = Math.min(text.length, 256);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 && code !== 9 && code !== 10 && code !== 13) control++;
  }
  return length === 0 ? 0 : control / length;
}

/**
 * Index of the first byte of the first ill-formed sequence (RFC 3629: no
 * overlong forms, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (next === undefined || next < min || next > max) return i;
    }
    i += need + 1;
  }
  return i;
}

/** Joins byte chunks whose total size is known. */
export function concatBytes(parts: readonly Uint8Array[], size: number): Uint8Array {
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}
