/**
 * Multi-line records: Java stack traces and Python tracebacks get one
 * signature keyed by the exception class and the top frames, never by the
 * exception's message text; other multi-line records are keyed by their first
 * line.
 */
import { VAR } from "./_tokenize.ts";

/** How many frames of a trace go into its signature. */
export const TOP_FRAMES = 3;

export interface RecordParts {
  /** The line mined like a single-line message ("" when the trace is the record). */
  readonly head: string;
  /** What tells the rest of the record apart; "" for single-line records. */
  readonly tailKey: string;
  /** The readable rest of the template (starts with a newline, or ""). */
  readonly tailText: string;
}

const SINGLE: RecordParts = { head: "", tailKey: "", tailText: "" };

/** Splits a record into its head line and the key of its tail. */
export function splitRecord(message: string): RecordParts {
  const nl = message.indexOf("\n");
  if (nl < 0) return { ...SINGLE, head: message };
  const lines = message.split("\n").map((l) => (l.endsWith("\r") ? l.slice(0, -1) : l));
  while (lines.length > 0 && lines[lines.length - 1]!.trim() === "") lines.pop();
  while (lines.length > 0 && lines[0]!.trim() === "") lines.shift();
  if (lines.length <= 1) return { ...SINGLE, head: lines[0] ?? "" };
  return javaTrace(lines) ?? pythonTrace(lines) ??
    { head: lines[0]!, tailKey: "\n+", tailText: "\n" + VAR };
}

const FRAME = /^\s*at\s+([^\s(]+)/;
const CAUSED_BY = /^\s*Caused by:\s*([^\s:]+)/;

function javaTrace(lines: readonly string[]): RecordParts | undefined {
  const first = lines.findIndex((l) => FRAME.test(l));
  if (first < 0) return undefined;
  // The exception line is the last unindented line before the first frame.
  let at = first - 1;
  while (at > 0 && /^\s/.test(lines[at]!)) at--;
  const exceptionLine = at >= 0 ? lines[at]!.trim() : "";
  const exception = exceptionClass(exceptionLine);
  const frames: string[] = [];
  for (let i = first; i < lines.length && frames.length < TOP_FRAMES; i++) {
    const m = FRAME.exec(lines[i]!);
    if (m) frames.push(maskFrame(m[1]!));
    else if (CAUSED_BY.test(lines[i]!)) break;
  }
  const causes: string[] = [];
  for (const line of lines) {
    const m = CAUSED_BY.exec(line);
    if (m) causes.push(m[1]!);
  }
  const head = at > 0 ? lines[0]! : exception === undefined ? exceptionLine : "";
  const name = exception ?? "";
  let text = "";
  if (exception !== undefined) {
    text += "\n" + exception + (exceptionLine.length > exception.length ? ": " + VAR : "");
  }
  for (const f of frames) text += "\n\tat " + f;
  const root = causes[causes.length - 1];
  if (root !== undefined) text += "\nCaused by: " + root + ": " + VAR;
  return {
    head,
    tailKey: "\njava|" + name + "|" + frames.join("|") + "|" + (root ?? ""),
    tailText: text,
  };
}

/**
 * A frame's method name with its numbers masked (`Foo$1.run`, `lambda$save$12`):
 * the dotted name itself is the code location, not a value.
 */
function maskFrame(name: string): string {
  return name.replace(/(?<![A-Za-z])\d+|(?<=[A-Za-z])\d{2,}/g, VAR);
}

/** `java.io.IOException: msg` -> `java.io.IOException`, when it reads as a class. */
function exceptionClass(line: string): string | undefined {
  const m = /^([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)*)(?::|$)/.exec(line);
  if (!m) return undefined;
  const name = m[1]!;
  if (name.includes(".") || /(Exception|Error|Throwable)$/.test(name)) return name;
  return undefined;
}

const PY_FRAME = /^\s+File "([^"]*)", line \d+, in (.+)$/;

function pythonTrace(lines: readonly string[]): RecordParts | undefined {
  const start = lines.findIndex((l) => l.startsWith("Traceback (most recent call last)"));
  if (start < 0) return undefined;
  const frames: string[] = [];
  let last = "";
  for (let i = start + 1; i < lines.length; i++) {
    const line = lines[i]!;
    const m = PY_FRAME.exec(line);
    if (m) {
      const file = m[1]!.slice(m[1]!.replace(/\\/g, "/").lastIndexOf("/") + 1);
      frames.push(file + " in " + m[2]!.trim());
    } else if (!/^\s/.test(line) && line.trim() !== "") last = line.trim();
  }
  const m = /^([A-Za-z_][\w.]*)(?::|$)/.exec(last);
  const exception = m ? m[1]! : "";
  const top = frames.slice(-TOP_FRAMES);
  let text = "\nTraceback (most recent call last):";
  for (const f of top) text += "\n  File " + f;
  if (exception !== "") {
    text += "\n" + exception + (last.length > exception.length ? ": " + VAR : "");
  }
  return {
    head: start > 0 ? lines[0]! : "",
    tailKey: "\npython|" + exception + "|" + top.join("|"),
    tailText: text,
  };
}

const CONTINUATION =
  /^(?:at [\w$./<>-]+\(|Caused by:|Suppressed:|\.\.\. \d+ (?:more|common frames omitted)|Traceback \(most recent call last\):)/;
const QUALIFIED_EXCEPTION =
  /^(?:[a-z_$][\w$]*\.)+[A-Z][\w$]*(?:Exception|Error|Throwable|Fault)(?::|$)/;

/**
 * Whether a raw line continues the record before it: an indented line, a
 * stack frame, `Caused by:`, `... 12 more`, a traceback, a qualified
 * exception line. Header learning leaves these out: they carry no header.
 */
export function continuesRecord(line: string): boolean {
  const first = line.charCodeAt(0);
  if (first === 32 || first === 9) return true;
  return CONTINUATION.test(line) || QUALIFIED_EXCEPTION.test(line);
}
