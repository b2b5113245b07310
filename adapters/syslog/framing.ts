/**
 * Syslog over TCP as RFC 6587 frames it: octet counting (`<length> <message>`)
 * or non-transparent framing (messages ended by LF). A sender may use
 * either, and each frame says which by its first byte: a digit starts a
 * length, `<` starts a message.
 */

import type { PackedFrames } from "./messages.ts";

/** A frame's bytes, or a frame refused with why. */
export type Frame = { readonly bytes: Uint8Array } | { readonly refused: string };

const LF = 0x0a;
const SPACE = 0x20;
const ASCII = new TextDecoder();

/**
 * Splits a TCP stream into syslog messages, whatever chunks it arrives in.
 *
 * @example
 * ```ts
 * import { SyslogFramer } from "./framing.ts";
 * import assert from "node:assert/strict";
 * const framer = new SyslogFramer(1024);
 * const text = (frames: ReturnType<SyslogFramer["push"]>) =>
 *   frames.map((f) => "bytes" in f ? new TextDecoder().decode(f.bytes) : f.refused);
 * assert.deepEqual(text(framer.push(new TextEncoder().encode("11 <13>1 - a b16 <13>1 - hi "))), ["<13>1 - a b"]);
 * assert.deepEqual(text(framer.push(new TextEncoder().encode("there\n<14>x\n"))), ["<13>1 - hi there", "<14>x"]);
 * ```
 */
export class SyslogFramer {
  readonly #maxFrameBytes: number;
  #buffer: Uint8Array = new Uint8Array(0);
  /** Bytes still to skip of a frame too long to keep. */
  #skipping = 0;
  #skippingLine = false;

  constructor(maxFrameBytes: number) {
    this.#maxFrameBytes = maxFrameBytes;
  }

  /** The frames completed by this chunk; a partial one waits for the next. */
  push(chunk: Uint8Array): Frame[] {
    const frames: Frame[] = [];
    this.#split(
      chunk,
      (data, start, end) => frames.push({ bytes: data.slice(start, end) }),
      (refused) => frames.push({ refused }),
    );
    return frames;
  }

  /**
   * {@linkcode push}, packed for a parsing worker: the chunk's bytes are
   * copied once, with where each frame starts and ends, instead of into a
   * buffer per message (an allocation and a copy per message on the thread
   * that also stores).
   */
  pushPacked(chunk: Uint8Array): PackedFrames {
    const starts: number[] = [];
    const ends: number[] = [];
    const refused: [number, string][] = [];
    let source: Uint8Array | undefined;
    let last = 0;
    this.#split(
      chunk,
      (data, start, end) => {
        source = data;
        last = end;
        starts.push(start);
        ends.push(end);
      },
      (reason) => {
        refused.push([ends.length, reason]);
        starts.push(0);
        ends.push(0);
      },
    );
    return {
      // Copied: `chunk` is the reader's buffer, read into again.
      bytes: source === undefined ? new Uint8Array(0) : source.slice(0, last),
      starts: Uint32Array.from(starts),
      ends: Uint32Array.from(ends),
      refused,
    };
  }

  #split(
    chunk: Uint8Array,
    frame: (data: Uint8Array, start: number, end: number) => void,
    refuse: (reason: string) => void,
  ): void {
    const data = this.#buffer.length === 0 ? chunk : concat(this.#buffer, chunk);
    let at = 0;
    while (at < data.length) {
      if (this.#skipping > 0) {
        const skip = Math.min(this.#skipping, data.length - at);
        this.#skipping -= skip;
        at += skip;
        continue;
      }
      if (this.#skippingLine) {
        const end = data.indexOf(LF, at);
        if (end === -1) {
          at = data.length;
          break;
        }
        this.#skippingLine = false;
        at = end + 1;
        continue;
      }
      const first = data[at]!;
      if (first === LF || first === 0x0d || first === 0) {
        at++;
        continue;
      }
      if (first >= 0x30 && first <= 0x39) {
        const space = data.indexOf(SPACE, at);
        if (space === -1) {
          if (data.length - at > 10) {
            refuse("Cannot read syslog frame: a length without a space");
            this.#skippingLine = true;
            continue;
          }
          break;
        }
        const length = Number(ASCII.decode(data.subarray(at, space)));
        if (!Number.isInteger(length) || space - at > 10) {
          refuse("Cannot read syslog frame: the octet count is not a number");
          this.#skippingLine = true;
          at = space + 1;
          continue;
        }
        if (length > this.#maxFrameBytes) {
          refuse(
            `Cannot read syslog frame: ${length} bytes is over the limit of ${this.#maxFrameBytes}`,
          );
          at = space + 1;
          this.#skipping = length;
          continue;
        }
        if (data.length - (space + 1) < length) break;
        frame(data, space + 1, space + 1 + length);
        at = space + 1 + length;
        continue;
      }
      const end = data.indexOf(LF, at);
      if (end === -1) {
        if (data.length - at > this.#maxFrameBytes) {
          refuse(`Cannot read syslog frame: a line over the limit of ${this.#maxFrameBytes} bytes`);
          this.#skippingLine = true;
          at = data.length;
        }
        break;
      }
      let stop = end;
      if (stop > at && data[stop - 1] === 0x0d) stop--;
      if (stop - at > this.#maxFrameBytes) {
        refuse(`Cannot read syslog frame: a line over the limit of ${this.#maxFrameBytes} bytes`);
      } else frame(data, at, stop);
      at = end + 1;
    }
    this.#buffer = at >= data.length ? new Uint8Array(0) : data.slice(at);
  }

  /** What is left when the stream ends: a last line without its LF still counts. */
  end(): Frame[] {
    const rest = this.#buffer;
    this.#buffer = new Uint8Array(0);
    if (rest.length === 0 || this.#skipping > 0 || this.#skippingLine) return [];
    if (rest[0]! >= 0x30 && rest[0]! <= 0x39) {
      return [{
        refused: "Cannot read syslog frame: the stream ended inside an octet-counted frame",
      }];
    }
    return [{ bytes: rest }];
  }
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
