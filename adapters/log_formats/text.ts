import type { Attributes, ParsedLog } from "../../domain/log_record.ts";
import { parseSeverity, type Severity } from "../../domain/severity.ts";
import type { RawLine } from "../log_sources/lines.ts";
import { type ParseItem, quarantine, type RecordParser } from "./format.ts";
import { parseIsoLike } from "./time.ts";

/** What a header recognizer reads from the start of a line. */
export interface RecognizedHeader {
  readonly timestamp?: number;
  readonly severity?: Severity;
  readonly message: string;
  readonly attributes: Attributes;
}

/** Reads a line's header, or says the line has none (undefined). */
export type HeaderRecognizer = (line: string) => RecognizedHeader | undefined;

export interface TextParserOptions {
  /** Tried before the built-in log4j/logback/Python patterns. */
  readonly headerRecognizer?: HeaderRecognizer;
  /** Most lines joined into one record; further lines are quarantined. */
  readonly maxRecordLines?: number;
}

const LEADING_TIME =
  /^\[?(\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}(?::\d{2}(?:[.,]\d{1,9})?)?(?:\s?(?:Z|[+-]\d{2}:?\d{2}|UTC|GMT))?)]?(?:\s+-\s+|\s*\|\s*|\s+|$)/i;
const LEVEL_WORD =
  /^\[?(TRACE|DEBUG|DBG|INFO|INFORMATION|NOTICE|WARN|WARNING|ERROR|ERR|SEVERE|CRITICAL|CRIT|FATAL|ALERT|EMERG|PANIC)\]?:?$/i;
const THREAD = /^\[([^\]]{0,120})\]\s*/;
const LOGGER = /^([A-Za-z_$][\w$]*(?:\.[\w$]+)+|[A-Za-z_$][\w$]*)(?:\s+-\s+|:\s+|\s*-\s*$)/;
const LEADING_LEVEL =
  /^\[?(TRACE|DEBUG|INFO|NOTICE|WARN|WARNING|ERROR|SEVERE|CRITICAL|FATAL)\]?:?\s+/i;

/**
 * Plain text logs with a leading timestamp and level: log4j/logback,
 * Python logging, and the like. Lines that are parts of the record before
 * them (indented lines, Java and Python stack traces) are joined to it.
 */
export function textParser(options: TextParserOptions = {}): RecordParser {
  const maxLines = options.maxRecordLines ?? 500;
  let current:
    | { header: RecognizedHeader; lines: string[]; line: number; offset: number }
    | undefined;

  const finish = (): ParseItem[] => {
    if (current === undefined) return [];
    const { header, lines, line, offset } = current;
    current = undefined;
    const parsed: ParsedLog = { ...header, message: lines.join("\n") };
    return [{ kind: "record", parsed, line, offset }];
  };

  return {
    push(raw: RawLine): ParseItem[] {
      if (raw.problem !== undefined) return [quarantine(raw, raw.problem)];
      const text = raw.text!;
      const header = options.headerRecognizer?.(text) ?? recognizeHeader(text);
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
      const done = finish();
      current = {
        header: header ?? { message: text.trim(), attributes: {} },
        lines: [(header?.message ?? text).trim()],
        line: raw.line,
        offset: raw.offset,
      };
      return done;
    },
    flush: finish,
  };
}

/** A line that belongs to the record before it rather than starting one. */
export function isContinuation(text: string): boolean {
  const first = text.charCodeAt(0);
  if (first === 32 || first === 9) return true;
  return /^(at |Caused by:|Suppressed:|\.\.\. \d+ (more|common frames omitted)|Traceback \(most recent call last\):)/
    .test(text) ||
    /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::|$)/.test(text) ||
    /^[A-Z][A-Za-z]*(?:Error|Exception|Warning|Exit|Interrupt)(?::|$)/.test(text);
}

/** Built-in header patterns; undefined when the line has no recognizable header. */
export function recognizeHeader(text: string): RecognizedHeader | undefined {
  const time = LEADING_TIME.exec(text);
  if (time === null) {
    const level = LEADING_LEVEL.exec(text);
    if (level === null) return undefined;
    const rest = text.slice(level[0].length);
    const timeAfter = LEADING_TIME.exec(rest);
    const timestamp = timeAfter === null
      ? undefined
      : parseIsoLike(timeAfter[1]!.replace(",", "."));
    const message = timeAfter === null ? rest : rest.slice(timeAfter[0].length);
    const severity = parseSeverity(level[1]);
    return {
      ...(timestamp === undefined ? {} : { timestamp }),
      ...(severity === undefined ? {} : { severity }),
      ...splitThreadAndLogger(message),
    };
  }
  const timestamp = parseIsoLike(time[1]!);
  if (timestamp === undefined) return undefined;
  let rest = text.slice(time[0].length);
  const attributes: Attributes = {};
  let severity: Severity | undefined;
  // The level sits within the next few fields: `[thread] LEVEL`, `LEVEL [thread]`,
  // Python's `name - LEVEL - message`.
  for (let field = 0; field < 4 && rest.length > 0; field++) {
    const thread = THREAD.exec(rest);
    if (thread !== null && !LEVEL_WORD.test(thread[0].trim())) {
      attributes.thread = thread[1]!;
      rest = rest.slice(thread[0].length);
      continue;
    }
    const word = /^(\S+)(\s+-\s+|\s+|$)/.exec(rest);
    if (word === null) break;
    if (LEVEL_WORD.test(word[1]!)) {
      severity = parseSeverity(word[1]!.replace(/[\[\]:]/g, ""));
      rest = rest.slice(word[0].length);
      break;
    }
    if (word[2]!.includes("-") && /^[\w$.]+$/.test(word[1]!) && severity === undefined) {
      attributes.logger = word[1]!;
      rest = rest.slice(word[0].length);
      continue;
    }
    if (/^\d+$/.test(word[1]!) && field === 0) {
      attributes.pid = Number(word[1]);
      rest = rest.slice(word[0].length);
      continue;
    }
    break;
  }
  const split = splitThreadAndLogger(rest);
  return {
    timestamp,
    ...(severity === undefined ? {} : { severity }),
    message: split.message,
    attributes: { ...attributes, ...split.attributes },
  };
}

function splitThreadAndLogger(text: string): { message: string; attributes: Attributes } {
  const attributes: Attributes = {};
  let rest = text.replace(/^-\s+/, "");
  const thread = THREAD.exec(rest);
  if (thread !== null) {
    attributes.thread = thread[1]!;
    rest = rest.slice(thread[0].length).replace(/^-\s+/, "");
  }
  const logger = LOGGER.exec(rest);
  // A bare word before ":" is too often the message itself ("Connection: refused").
  if (logger !== null && (logger[1]!.includes(".") || logger[0].includes("-"))) {
    attributes.logger = logger[1]!;
    rest = rest.slice(logger[0].length);
  }
  return { message: rest.trim(), attributes };
}
