/**
 * Syslog frames as records, redacted: what the listeners store, whether the
 * frames are parsed on the listening thread or on a parsing worker.
 *
 * @module
 */
import type { ParsedLog, QuarantinedLine } from "../../domain/log_record.ts";
import { QUARANTINE_RAW_LIMIT } from "../../domain/log_record.ts";
import type { SourcedLog } from "../../ports/log_source.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";
import { parseSyslogLine } from "../log_formats/syslog.ts";
import { redactorOf, redactSourced } from "../redaction/log_redaction.ts";
import type { Frame } from "./framing.ts";

const UTF8 = new TextDecoder("utf-8", { fatal: true });

/** What a batch of frames is parsed with. */
export interface FrameOptions {
  readonly source: string;
  /** The line number of the first frame (frames count from 1 per connection). */
  readonly firstLine: number;
  /** Epoch ms when the frames arrived: RFC 3164 times have no year. */
  readonly now: number;
  /** The environment of a message whose structured data names none. */
  readonly environment: string;
  readonly redaction?: RedactionSettings;
}

/**
 * Frames as records: the hostname names the customer (or shared cluster) as
 * the directory knows it, the app-name the service; structured data may name
 * the environment (`environment="staging"` in any SD element).
 *
 * @example
 * ```ts
 * import { recordsOfFrames } from "./messages.ts";
 * import assert from "node:assert/strict";
 * const frame = { bytes: new TextEncoder().encode("<11>1 2026-12-04T10:00:00Z acme api 1 - - failed") };
 * const { records } = recordsOfFrames([frame, { refused: "too long" }], {
 *   source: "tcp", firstLine: 1, now: 0, environment: "prod",
 * });
 * assert.equal(records[0]!.parsed.customer, "acme");
 * assert.equal(records[0]!.parsed.environment, "prod");
 * ```
 */
export function recordsOfFrames(
  frames: readonly Frame[],
  options: FrameOptions,
): { records: SourcedLog[]; quarantined: QuarantinedLine[] } {
  const { source, firstLine } = options;
  const batch: FrameBatch = { records: [], quarantined: [] };
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    const line = firstLine + i;
    if ("refused" in frame) {
      batch.quarantined.push({ source, line, reason: frame.refused, raw: "" });
      continue;
    }
    let text: string;
    try {
      text = UTF8.decode(frame.bytes);
    } catch {
      batch.quarantined.push({
        source,
        line,
        reason: "Cannot read syslog message: it is not valid UTF-8",
        raw: new TextDecoder().decode(frame.bytes.subarray(0, QUARANTINE_RAW_LIMIT)),
      });
      continue;
    }
    readMessage(text, line, options, batch);
  }
  return redacted(batch, options);
}

/**
 * {@linkcode recordsOfFrames} for packed frames. A read of ASCII messages
 * (the usual case) is decoded once as a whole, not message by message.
 *
 * @example
 * ```ts
 * import { packFrames, recordsOfPacked } from "./messages.ts";
 * import assert from "node:assert/strict";
 * const frame = { bytes: new TextEncoder().encode("<11>1 2026-12-04T10:00:00Z acme api 1 - - failed") };
 * const { records, quarantined } = recordsOfPacked(packFrames([{ refused: "too long" }, frame]), {
 *   source: "tcp", firstLine: 1, now: 0, environment: "prod",
 * });
 * assert.equal(records[0]!.parsed.message, "failed");
 * assert.deepEqual(quarantined.map((q) => q.line), [1]);
 * ```
 */
export function recordsOfPacked(
  packed: PackedFrames,
  options: FrameOptions,
): { records: SourcedLog[]; quarantined: QuarantinedLine[] } {
  const whole = asciiText(packed.bytes);
  if (whole === undefined) return recordsOfFrames(unpackFrames(packed), options);
  const { source, firstLine } = options;
  const { starts, ends, refused } = packed;
  const reasons = new Map(refused);
  const batch: FrameBatch = { records: [], quarantined: [] };
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    if (starts !== undefined) start = starts[i]!;
    const line = firstLine + i;
    const reason = reasons.get(i);
    if (reason === undefined) readMessage(whole.slice(start, ends[i]), line, options, batch);
    else batch.quarantined.push({ source, line, reason, raw: "" });
    start = ends[i]!;
  }
  return redacted(batch, options);
}

interface FrameBatch {
  readonly records: SourcedLog[];
  readonly quarantined: QuarantinedLine[];
}

/** The bytes as text when they are all ASCII: then byte offsets are character offsets. */
function asciiText(bytes: Uint8Array): string | undefined {
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    return undefined;
  }
  // Any byte above 0x7f is part of a sequence that decodes to fewer UTF-16 units.
  return text.length === bytes.length ? text : undefined;
}

function readMessage(text: string, line: number, options: FrameOptions, batch: FrameBatch): void {
  const parsed = parseSyslogLine(text, options.now);
  if (typeof parsed === "string") {
    batch.quarantined.push({
      source: options.source,
      line,
      reason: parsed,
      raw: text.slice(0, QUARANTINE_RAW_LIMIT),
    });
    return;
  }
  batch.records.push({ parsed: withOrigin(parsed, options.environment), line });
}

function redacted(
  batch: FrameBatch,
  options: FrameOptions,
): { records: SourcedLog[]; quarantined: QuarantinedLine[] } {
  if (options.redaction !== undefined) {
    redactSourced(batch.records, batch.quarantined, {}, redactorOf(options.redaction));
  }
  return batch;
}

function withOrigin(parsed: ParsedLog, defaultEnvironment: string): ParsedLog {
  const host = parsed.attributes.host;
  let environment: string | undefined;
  for (const key in parsed.attributes) {
    if (key.endsWith(".environment")) {
      const value = parsed.attributes[key];
      if (typeof value === "string" && value !== "") environment = value;
    }
  }
  return {
    ...parsed,
    // rsyslog keeps the space after a BSD tag's colon in MSG, and its RFC 5424
    // templates end the frame with LF: neither is part of the message.
    message: parsed.message.trim(),
    ...(parsed.customer === undefined && typeof host === "string" ? { customer: host } : {}),
    environment: parsed.environment ?? environment ?? defaultEnvironment,
  };
}

/**
 * Frames packed for a worker: their bytes end to end in one buffer that can
 * be moved rather than copied, and where each ends (a refused frame keeps its
 * reason and takes no bytes).
 */
export interface PackedFrames {
  readonly bytes: Uint8Array;
  /** Where each frame starts; without them, each starts where the one before ends. */
  readonly starts?: Uint32Array;
  readonly ends: Uint32Array;
  /** Index of each refused frame, with its reason. */
  readonly refused: readonly (readonly [number, string])[];
}

/**
 * @example
 * ```ts
 * import { packFrames, unpackFrames } from "./messages.ts";
 * import assert from "node:assert/strict";
 * const frames = [{ bytes: Uint8Array.of(1, 2) }, { refused: "no" }, { bytes: Uint8Array.of(3) }];
 * assert.deepEqual(unpackFrames(packFrames(frames)), frames);
 * ```
 */
export function packFrames(frames: readonly Frame[]): PackedFrames {
  let total = 0;
  for (const frame of frames) if ("bytes" in frame) total += frame.bytes.length;
  const bytes = new Uint8Array(total);
  const ends = new Uint32Array(frames.length);
  const refused: [number, string][] = [];
  let at = 0;
  for (let i = 0; i < frames.length; i++) {
    const frame = frames[i]!;
    if ("bytes" in frame) {
      bytes.set(frame.bytes, at);
      at += frame.bytes.length;
    } else refused.push([i, frame.refused]);
    ends[i] = at;
  }
  return { bytes, ends, refused };
}

/** The frames {@linkcode packFrames} packed, as views of its buffer. */
export function unpackFrames({ bytes, starts, ends, refused }: PackedFrames): Frame[] {
  const reasons = new Map(refused);
  const frames: Frame[] = [];
  let start = 0;
  for (let i = 0; i < ends.length; i++) {
    if (starts !== undefined) start = starts[i]!;
    const reason = reasons.get(i);
    frames.push(
      reason === undefined ? { bytes: bytes.subarray(start, ends[i]) } : { refused: reason },
    );
    start = ends[i]!;
  }
  return frames;
}
