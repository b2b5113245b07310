import type { Attributes, ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity, type Severity } from "../../domain/severity.ts";
import type { RawLine } from "../log_sources/lines.ts";
import { type ParseItem, quarantine, type RecordParser } from "./format.ts";
import { scanIsoTime } from "../../domain/time.ts";

/** What a header recognizer reads from the start of a line. */
export interface RecognizedHeader {
  readonly timestamp?: number;
  readonly severity?: Severity;
  /** The line without its header. */
  readonly message: string;
  readonly attributes: Attributes;
}

/** Reads a line's header, or says the line has none (undefined). */
export type HeaderRecognizer = (line: string) => RecognizedHeader | undefined;

export interface TextParserOptions {
  /** Tried before the built-in log4j/logback/Python/Spring patterns. */
  readonly headerRecognizer?: HeaderRecognizer;
  /** Most lines joined into one record; further lines are quarantined. */
  readonly maxRecordLines?: number;
}

const DEFAULT_MAX_RECORD_LINES = 500;

/**
 * Plain text logs with a leading timestamp and level: log4j/logback, Spring
 * Boot, Python logging and the like. Lines that are parts of the record
 * before them (indented lines, Java and Python stack traces) are joined to
 * it with "\n". A line with no header it knows is still a record, with the
 * whole line as its message: Loupe keeps what it cannot structure.
 */
export function textParser(options: TextParserOptions = {}): RecordParser {
  const maxLines = options.maxRecordLines ?? DEFAULT_MAX_RECORD_LINES;
  const recognize = options.headerRecognizer;
  let current:
    | { header: RecognizedHeader; lines: string[]; line: number; offset: number }
    | undefined;

  const finish = (out: ParseItem[]): ParseItem[] => {
    if (current === undefined) return out;
    const { header, lines, line, offset } = current;
    current = undefined;
    const parsed: { -readonly [K in keyof ParsedLog]: ParsedLog[K] } = {
      message: lines.length === 1 ? lines[0]! : lines.join("\n"),
      attributes: header.attributes,
    };
    if (header.timestamp !== undefined) parsed.timestamp = header.timestamp;
    if (header.severity !== undefined) parsed.severity = header.severity;
    out.push({ kind: "record", parsed, line, offset });
    return out;
  };

  return {
    push(raw: RawLine): ParseItem[] {
      if (raw.problem !== undefined) return [quarantine(raw, raw.problem)];
      const text = raw.text!;
      const header = recognize?.(text) ?? recognizeHeader(text);
      if (header === undefined && isContinuation(text)) {
        if (current === undefined) {
          return [quarantine(raw, "continuation line with no record before it")];
        }
        if (current.lines.length >= maxLines) {
          return [quarantine(raw, `record longer than ${maxLines} lines: line not joined`)];
        }
        current.lines.push(text.trimEnd());
        return [];
      }
      const done = finish([]);
      const start = header ?? { message: text.trim(), attributes: {} };
      current = {
        header: start,
        lines: [start.message.trim()],
        line: raw.line,
        offset: raw.offset,
      };
      return done;
    },
    flush: () => finish([]),
  };
}

// A Java frame that lost its indentation still reads `at pkg.Class.method(`.
const CONTINUATION =
  /^(?:at [\w$./<>-]+\(|Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted)|Traceback \(most recent call last\):|During handling of the above exception|The above exception was the direct cause)/;
const QUALIFIED_EXCEPTION =
  /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::|$)/;
const PYTHON_EXCEPTION = /^[A-Z][A-Za-z]*(?:Error|Exception|Warning|Exit|Interrupt)(?::|$)/;

/**
 * A line that belongs to the record before it rather than starting one: an
 * indented line, a stack frame, `Caused by:`, `... 12 more`, a traceback or
 * the exception line that ends it.
 *
 * @example
 * ```ts
 * import { isContinuation } from "./text.ts";
 * import assert from "node:assert/strict";
 * assert.ok(isContinuation("\tat com.acme.Foo.bar(Foo.java:42)"));
 * assert.ok(isContinuation("ValueError: bad input"));
 * assert.ok(!isContinuation("2024-03-01 12:00:01 ERROR boom"));
 * ```
 */
export function isContinuation(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 32 || first === 9) return true;
  return CONTINUATION.test(text) || QUALIFIED_EXCEPTION.test(text) ||
    PYTHON_EXCEPTION.test(text);
}

// Level words as log layouts write them, with the short forms of Serilog and
// zerolog (INF, WRN...) that the domain's severity names leave out.
const LEVELS = new Map<string, Severity>();
for (
  const word of [
    "TRACE",
    "DEBUG",
    "INFO",
    "INFORMATION",
    "NOTICE",
    "WARN",
    "WARNING",
    "ERROR",
    "ERR",
    "SEVERE",
    "CRITICAL",
    "CRIT",
    "FATAL",
    "ALERT",
    "EMERG",
    "PANIC",
  ]
) LEVELS.set(word, parseSeverity(word)!);
for (
  const [short, word] of [
    ["TRC", "TRACE"],
    ["VRB", "TRACE"],
    ["DBG", "DEBUG"],
    ["INF", "INFO"],
    ["WRN", "WARN"],
    ["FTL", "FATAL"],
  ]
) LEVELS.set(short!, parseSeverity(word)!);

/** The severity a header word states: `ERROR`, `[warn]`, `INFO:`; undefined for other words. */
function levelOf(word: string): Severity | undefined {
  let from = 0;
  let to = word.length;
  if (word.charCodeAt(0) === 91) from++;
  if (word.charCodeAt(to - 1) === 58) to--;
  if (word.charCodeAt(to - 1) === 93) to--;
  if (to - from < 3 || to - from > 11) return undefined;
  return LEVELS.get((from === 0 && to === word.length ? word : word.slice(from, to)).toUpperCase());
}

const NAME_PATH = /^[A-Za-z_$][\w$]*(?:\.[\w$]+)*$/;
// Spring Boot: `1234 --- [app] [  main] c.a.Foo   : message` after the level.
const SPRING = /^(\d+) --- (?:\[([^\]]{0,120})\] )?\[\s*([^\]]{0,120}?)\] (\S+)\s+: ?/;
/** Header fields looked at for the level before giving up. */
const MAX_HEADER_FIELDS = 4;

/**
 * The built-in header patterns: a leading ISO-like timestamp (optionally in
 * brackets), then within the next few fields the level, thread (`[main]`),
 * logger (`com.acme.Foo -`) and pid; or a leading level (`ERROR:`, `[WARN]`).
 * Undefined when the line starts with neither.
 *
 * @example
 * ```ts
 * import { recognizeHeader } from "./text.ts";
 * import assert from "node:assert/strict";
 * const header = recognizeHeader("2024-03-01 12:00:01,123 ERROR [main] com.acme.Foo - Something failed");
 * assert.deepEqual(header, {
 *   timestamp: Date.UTC(2024, 2, 1, 12, 0, 1, 123),
 *   severity: { number: 17, text: "ERROR" },
 *   message: "Something failed",
 *   attributes: { thread: "main", logger: "com.acme.Foo" },
 * });
 * ```
 */
export function recognizeHeader(text: string): RecognizedHeader | undefined {
  const first = text.charCodeAt(0);
  const bracketed = first === 91;
  if (bracketed || (first >= 48 && first <= 57)) {
    const time = scanIsoTime(text, bracketed ? 1 : 0);
    if (time !== undefined) {
      let at = time.end;
      if (bracketed) {
        if (text.charCodeAt(at) !== 93) return undefined;
        at++;
      }
      const c = text.charCodeAt(at);
      if (at < text.length && c !== 32 && c !== 9 && c !== 124) return undefined;
      return afterTime(text, skipSeparator(text, at), time.time);
    }
  }
  return levelFirst(text);
}

/** `ERROR: message`, `[WARN] 2024-03-01 12:00:01 message`. */
function levelFirst(text: string): RecognizedHeader | undefined {
  const end = wordEnd(text, 0);
  if (end === text.length) return undefined;
  const severity = levelOf(text.slice(0, end));
  if (severity === undefined) return undefined;
  let at = skipSeparator(text, end);
  let timestamp: number | undefined;
  const bracketed = text.charCodeAt(at) === 91;
  const time = scanIsoTime(text, bracketed ? at + 1 : at);
  if (time !== undefined && (!bracketed || text.charCodeAt(time.end) === 93)) {
    timestamp = time.time;
    at = skipSeparator(text, bracketed ? time.end + 1 : time.end);
  }
  const attributes: Attributes = {};
  const message = threadAndLogger(text, at, attributes);
  return timestamp === undefined
    ? { severity, message, attributes }
    : { timestamp, severity, message, attributes };
}

function afterTime(text: string, from: number, timestamp: number): RecognizedHeader {
  const attributes: Attributes = {};
  let severity: Severity | undefined;
  let at = from;
  const n = text.length;
  // The level sits within the next few fields: `[thread] LEVEL`, `LEVEL [thread]`,
  // `pid LEVEL`, Python's `name - LEVEL - message`.
  for (let field = 0; field < MAX_HEADER_FIELDS && at < n; field++) {
    if (text.charCodeAt(at) === 91) {
      const close = text.indexOf("]", at + 1);
      if (close === -1 || close - at > 121) break;
      const inner = text.slice(at + 1, close);
      const level = levelOf(inner);
      at = skipSeparator(text, close + 1);
      if (level !== undefined) {
        severity = level;
        break;
      }
      attributes.thread = inner;
      continue;
    }
    const end = wordEnd(text, at);
    const word = text.slice(at, end);
    const level = levelOf(word);
    if (level !== undefined) {
      severity = level;
      at = skipSeparator(text, end);
      break;
    }
    const next = skipSpaces(text, end);
    if (isDashSeparator(text, next) && NAME_PATH.test(word)) {
      attributes.logger = word;
      at = skipSeparator(text, next);
      continue;
    }
    if (field === 0 && isDigits(word)) {
      attributes.pid = Number(word);
      at = skipSpaces(text, end);
      continue;
    }
    break;
  }
  const message = threadAndLogger(text, at, attributes);
  return severity === undefined
    ? { timestamp, message, attributes }
    : { timestamp, severity, message, attributes };
}

/** After the level: Spring Boot's `pid --- [thread] logger :`, or `[thread] logger - `. */
function threadAndLogger(text: string, from: number, attributes: Attributes): string {
  let at = from;
  const first = text.charCodeAt(at);
  if (first >= 48 && first <= 57 && text.includes(" --- ", at)) {
    const spring = SPRING.exec(text.slice(at));
    if (spring !== null) {
      attributes.pid = Number(spring[1]);
      if (spring[2] !== undefined) attributes.application = spring[2].trim();
      attributes.thread = spring[3]!;
      attributes.logger = spring[4]!;
      return text.slice(at + spring[0].length).trim();
    }
  }
  if (first === 91) {
    const close = text.indexOf("]", at + 1);
    if (close !== -1 && close - at <= 121) {
      attributes.thread = text.slice(at + 1, close);
      at = skipSeparator(text, close + 1);
    }
  }
  at = mappedDiagnosticContext(text, at, attributes);
  const end = wordEnd(text, at);
  const next = skipSpaces(text, end);
  const word = text.slice(at, end);
  if (isDashSeparator(text, next) && NAME_PATH.test(word)) {
    attributes.logger = word;
    at = skipSeparator(text, next);
  } else if (
    // A bare word before ":" is too often the message itself ("Connection: refused").
    word.endsWith(":") && word.includes(".") && NAME_PATH.test(word.slice(0, -1))
  ) {
    attributes.logger = word.slice(0, -1);
    at = skipSpaces(text, end);
  }
  return at === 0 ? text.trim() : text.slice(at).trim();
}

const MDC_PAIR = /^\s*([A-Za-z_][\w.-]{0,63})=([^,\s]*)\s*$/;

/**
 * A pattern's `%X` output after the thread, `[tenant_id=acme, user=7]` or
 * log4j2's `{tenant_id=acme}`: the pairs become attributes (they carry the
 * tenant on shared clusters). Anything else in brackets is left in the message.
 */
function mappedDiagnosticContext(text: string, from: number, attributes: Attributes): number {
  const open = text.charCodeAt(from);
  if (open !== 91 && open !== 123) return from;
  const close = text.indexOf(open === 91 ? "]" : "}", from + 1);
  if (close === -1 || close - from > 400) return from;
  const pairs: [string, string][] = [];
  // `a=1, b=2` (logback) or `a=1 b=2`: a comma, or a space before the next key.
  for (const part of text.slice(from + 1, close).split(/,|\s(?=[A-Za-z_][\w.-]*=)/)) {
    if (part.trim() === "") continue;
    const pair = MDC_PAIR.exec(part);
    if (pair === null) return from;
    pairs.push([pair[1]!, pair[2]!]);
  }
  if (pairs.length === 0) return from;
  for (const [key, value] of pairs) if (!(key in attributes)) attributes[key] = value;
  return skipSeparator(text, close + 1);
}

function wordEnd(text: string, from: number): number {
  let i = from;
  while (i < text.length && text.charCodeAt(i) > 32) i++;
  return i;
}

function skipSpaces(text: string, from: number): number {
  let i = from;
  while (i < text.length && (text.charCodeAt(i) === 32 || text.charCodeAt(i) === 9)) i++;
  return i;
}

/** A lone `-` or `|` (then a space or the end) at `at`. */
function isDashSeparator(text: string, at: number): boolean {
  const c = text.charCodeAt(at);
  if (c !== 45 && c !== 124) return false;
  const next = text.charCodeAt(at + 1);
  return at + 1 >= text.length || next === 32 || next === 9;
}

/** Spaces, then one `-`, `|` or `:` separator if there is one, then spaces. */
function skipSeparator(text: string, from: number): number {
  let at = skipSpaces(text, from);
  if (isDashSeparator(text, at)) at = skipSpaces(text, at + 1);
  else if (text.charCodeAt(at) === 58 && text.charCodeAt(at + 1) === 32) {
    at = skipSpaces(text, at + 1);
  }
  return at;
}

function isDigits(word: string): boolean {
  if (word.length === 0 || word.length > 10) return false;
  for (let i = 0; i < word.length; i++) {
    const c = word.charCodeAt(i);
    if (c < 48 || c > 57) return false;
  }
  return true;
}
