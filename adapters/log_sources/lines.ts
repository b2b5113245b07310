/**
 * Bytes to lines, safely: each line is decoded on its own with a fatal UTF-8
 * decoder, so one bad line becomes a quarantined problem while the lines
 * around it are kept; an over-long line is skipped to its end without ever
 * being buffered whole.
 */
export interface RawLine {
  /** 1-based line number within the source. */
  readonly line: number;
  /** Byte offset of the line's first byte. */
  readonly offset: number;
  readonly text?: string;
  /** Why the line cannot be read as text; `text` is then absent. */
  readonly problem?: string;
  /** What could be decoded of a problem line, for the quarantine. */
  readonly raw?: string;
}

export interface SplitOptions {
  readonly maxLineBytes: number;
}

const NEWLINE = 10;
const CARRIAGE_RETURN = 13;
const RAW_PREVIEW_BYTES = 512;

const strictDecoder = new TextDecoder("utf-8", { fatal: true });
const lenientDecoder = new TextDecoder("utf-8");

/** Decides what one complete line (without its newline) is. */
function classify(bytes: Uint8Array, line: number, offset: number): RawLine | undefined {
  let end = bytes.length;
  if (end > 0 && bytes[end - 1] === CARRIAGE_RETURN) end--;
  const content = end === bytes.length ? bytes : bytes.subarray(0, end);
  if (content.indexOf(0) !== -1) {
    return { line, offset, problem: "binary data (NUL bytes) in line", raw: preview(content) };
  }
  let text: string;
  try {
    text = strictDecoder.decode(content);
  } catch {
    return {
      line,
      offset,
      problem: `invalid UTF-8 at byte ${firstInvalidUtf8(content)} of the line`,
      raw: preview(content),
    };
  }
  if (text.trim().length === 0) return undefined;
  if (controlShare(text) > 0.3) {
    return {
      line,
      offset,
      problem: "binary data (control characters) in line",
      raw: text.slice(0, RAW_PREVIEW_BYTES),
    };
  }
  return { line, offset, text };
}

function preview(bytes: Uint8Array): string {
  return lenientDecoder.decode(bytes.subarray(0, RAW_PREVIEW_BYTES));
}

function controlShare(text: string): number {
  let control = 0;
  const length = Math.min(text.length, 256);
  for (let i = 0; i < length; i++) {
    const code = text.charCodeAt(i);
    if (code < 32 && code !== 9) control++;
  }
  return length === 0 ? 0 : control / length;
}

/** Index of the first byte where a UTF-8 sequence goes wrong. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i]!;
    const need = b < 0x80
      ? 0
      : (b & 0xe0) === 0xc0
      ? 1
      : (b & 0xf0) === 0xe0
      ? 2
      : (b & 0xf8) === 0xf0
      ? 3
      : -1;
    if (need < 0) return i;
    for (let k = 1; k <= need; k++) {
      const next = bytes[i + k];
      if (next === undefined || (next & 0xc0) !== 0x80) return i;
    }
    i += need + 1;
  }
  return i;
}

/**
 * Splits a byte stream into lines. Chunk boundaries may fall anywhere, even
 * inside a multi-byte character: bytes are joined before decoding.
 */
export async function* splitLines(
  stream: ReadableStream<Uint8Array> | AsyncIterable<Uint8Array>,
  options: SplitOptions,
): AsyncGenerator<RawLine> {
  const splitter = new LineSplitter(options);
  for await (const chunk of stream) yield* splitter.push(chunk);
  yield* splitter.end();
}

/** The same decisions for a body already in memory. */
export function splitLinesSync(bytes: Uint8Array, options: SplitOptions): RawLine[] {
  const splitter = new LineSplitter(options);
  return [...splitter.push(bytes), ...splitter.end()];
}

// Control bytes other than tab, CR and LF are what this pattern looks for.
// deno-lint-ignore no-control-regex
const SUSPECT_CONTROL = /[\x00-\x08\x0b\x0c\x0e-\x1f]/;

class LineSplitter {
  readonly #max: number;
  #pending: Uint8Array[] = [];
  #pendingBytes = 0;
  #line = 0;
  #lineStart = 0;
  #consumed = 0;
  /** Bytes seen of a line already known to be too long. */
  #overflow = 0;

  constructor(options: SplitOptions) {
    this.#max = options.maxLineBytes;
  }

  *push(chunk: Uint8Array): Generator<RawLine> {
    let from = 0;
    // A line begun in an earlier chunk ends through the general path.
    if (this.#pendingBytes > 0 || this.#overflow > 0) {
      const newline = chunk.indexOf(NEWLINE);
      if (newline === -1) {
        this.#accumulate(chunk, true);
        this.#consumed += chunk.length;
        return;
      }
      this.#accumulate(chunk.subarray(0, newline), false);
      this.#consumed += newline + 1;
      const done = this.#finishLine();
      if (done !== undefined) yield done;
      from = newline + 1;
    }
    const last = chunk.lastIndexOf(NEWLINE);
    if (last >= from) {
      yield* this.#completeLines(chunk.subarray(from, last + 1));
      from = last + 1;
    }
    if (from < chunk.length) {
      this.#accumulate(chunk.subarray(from), true);
      this.#consumed += chunk.length - from;
    }
  }

  *end(): Generator<RawLine> {
    if (this.#pendingBytes > 0 || this.#overflow > 0) {
      const done = this.#finishLine();
      if (done !== undefined) yield done;
    }
  }

  /**
   * Whole lines, each ending in a newline. Clean text (valid UTF-8, no
   * control bytes) is decoded in one call and split as a string, several
   * times faster than line by line; anything else takes the careful path.
   */
  *#completeLines(region: Uint8Array): Generator<RawLine> {
    let text: string | undefined;
    try {
      text = strictDecoder.decode(region);
    } catch {
      text = undefined;
    }
    if (text === undefined || SUSPECT_CONTROL.test(text)) {
      let from = 0;
      while (from < region.length) {
        const newline = region.indexOf(NEWLINE, from);
        this.#accumulate(region.subarray(from, newline), false);
        this.#consumed += newline + 1 - from;
        const done = this.#finishLine();
        if (done !== undefined) yield done;
        from = newline + 1;
      }
      return;
    }
    const ascii = text.length === region.length;
    let start = 0;
    for (;;) {
      const newline = text.indexOf("\n", start);
      if (newline === -1) break;
      let line = text.slice(start, newline);
      start = newline + 1;
      const bytes = ascii ? line.length : utf8Length(line);
      this.#line++;
      const offset = this.#consumed;
      this.#consumed += bytes + 1;
      this.#lineStart = this.#consumed;
      if (bytes > this.#max) {
        yield {
          line: this.#line,
          offset,
          problem: `line longer than ${this.#max} bytes (${bytes} bytes)`,
          raw: "",
        };
        continue;
      }
      if (line.charCodeAt(line.length - 1) === CARRIAGE_RETURN) line = line.slice(0, -1);
      if (line.trim().length === 0) continue;
      yield { line: this.#line, offset, text: line };
    }
  }

  /** Adds bytes of the current line, switching to counting once it is too long. */
  #accumulate(piece: Uint8Array, copy: boolean): void {
    if (this.#overflow > 0) {
      this.#overflow += piece.length;
    } else if (this.#pendingBytes + piece.length > this.#max) {
      this.#overflow = this.#pendingBytes + piece.length;
      this.#pending = [];
      this.#pendingBytes = 0;
    } else if (piece.length > 0) {
      // Pieces kept across chunks must not alias a buffer the caller may reuse.
      this.#pending.push(copy ? piece.slice() : piece);
      this.#pendingBytes += piece.length;
    }
  }

  #finishLine(): RawLine | undefined {
    this.#line++;
    const offset = this.#lineStart;
    this.#lineStart = this.#consumed;
    if (this.#overflow > 0) {
      const length = this.#overflow;
      this.#overflow = 0;
      return {
        line: this.#line,
        offset,
        problem: `line longer than ${this.#max} bytes (${length} bytes)`,
        raw: "",
      };
    }
    const bytes = this.#pending.length === 1
      ? this.#pending[0]!
      : concatBytes(this.#pending, this.#pendingBytes);
    this.#pending = [];
    this.#pendingBytes = 0;
    return classify(bytes, this.#line, offset);
  }
}

function utf8Length(text: string): number {
  let bytes = 0;
  for (let i = 0; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code < 0x80) bytes += 1;
    else if (code < 0x800) bytes += 2;
    else if (code >= 0xd800 && code <= 0xdbff) {
      bytes += 4;
      i++;
    } else bytes += 3;
  }
  return bytes;
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
