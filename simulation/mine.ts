/**
 * `deno task mine FILE [--message-only] [--per-line]`: mines the signatures of
 * a log file.
 *
 * - By default the file holds raw lines: their header (timestamp, level,
 *   host, component...) is learned from the file itself and stripped, and a
 *   line without the header that continues the record before it (a stack
 *   frame, `Caused by:`, an indented line) is mined with that record: every
 *   line of a record gets the record's signature.
 *   `--message-only` takes each line as a bare message.
 * - Prints the signatures with their line counts, most frequent first
 *   (`count<TAB>signature<TAB>template`); `--per-line` prints CSV instead,
 *   `line,signature,template`, one row per input line in input order.
 *
 * The file is read as a stream, line by line (LF or CRLF); the lines are then
 * mined at once, with whole-file statistics.
 *
 * @module
 */
import { parseArgs } from "node:util";
import { stringify } from "csv-stringify/sync";
import { learnHeader, mineCorpus } from "../domain/mining/mod.ts";
import { isContinuation } from "../adapters/log_formats/mod.ts";
import { argumentProblem } from "../adapters/cli/usage.ts";

const USAGE = "Usage: deno task mine FILE [--message-only] [--per-line]";

/** Reads a text file line by line, without line ends; a last line without one counts. */
export async function* readLines(path: string): AsyncGenerator<string> {
  const file = await Deno.open(path, { read: true });
  const decoder = new TextDecoder("utf-8");
  let rest = "";
  try {
    for await (const chunk of file.readable) {
      const text = rest + decoder.decode(chunk, { stream: true });
      let start = 0;
      for (let nl = text.indexOf("\n"); nl >= 0; nl = text.indexOf("\n", start)) {
        yield text.charCodeAt(nl - 1) === 13 && nl > start
          ? text.slice(start, nl - 1)
          : text.slice(start, nl);
        start = nl + 1;
      }
      rest = text.slice(start);
    }
    rest += decoder.decode();
    if (rest.endsWith("\r")) rest = rest.slice(0, -1);
    if (rest !== "") yield rest;
  } finally {
    try {
      file.close();
    } catch {
      // Already closed by the end of the stream.
    }
  }
}

export interface MineFileOptions {
  readonly messageOnly: boolean;
}

export interface MinedFile {
  readonly lines: number;
  readonly signatureIds: string[];
  readonly templates: Map<string, string>;
  /** Shapes of the learned header fields (empty with `messageOnly`). */
  readonly header: readonly string[];
}

/** Reads and mines a file. */
export async function mineFile(path: string, options: MineFileOptions): Promise<MinedFile> {
  const lines: string[] = [];
  for await (const line of readLines(path)) lines.push(line);
  if (options.messageOnly) {
    const { signatureIds, templates } = mineCorpus(lines);
    return { lines: lines.length, signatureIds, templates, header: [] };
  }
  const model = learnHeader(lines);
  const messages: string[] = [];
  const recordOf = new Int32Array(lines.length);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const stripped = model.strip(line);
    const continues = messages.length > 0 && model.fieldCount > 0 &&
      Object.keys(stripped.fields).length === 0 && isContinuation(line);
    if (continues) messages[messages.length - 1] += "\n" + line;
    else messages.push(stripped.message);
    recordOf[i] = messages.length - 1;
  }
  const mined = mineCorpus(messages);
  const signatureIds = Array.from(recordOf, (r) => mined.signatureIds[r]!);
  return { lines: lines.length, signatureIds, templates: mined.templates, header: model.shapes };
}

/** The signatures with their counts, most frequent first (ties: first seen first). */
export function countSignatures(
  mined: Pick<MinedFile, "signatureIds" | "templates">,
): { signatureId: string; count: number; template: string }[] {
  const counts = new Map<string, number>();
  for (const id of mined.signatureIds) counts.set(id, (counts.get(id) ?? 0) + 1);
  return [...counts]
    .map(([signatureId, count]) => ({
      signatureId,
      count,
      template: mined.templates.get(signatureId) ?? "",
    }))
    .sort((a, b) => b.count - a.count);
}

async function main(args: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args,
      options: {
        "message-only": { type: "boolean", default: false },
        "per-line": { type: "boolean", default: false },
        help: { type: "boolean", short: "h", default: false },
      },
      allowPositionals: true,
    });
  } catch (error) {
    console.error(`${argumentProblem(error)}\n\n${USAGE}`);
    return 2;
  }
  const { values, positionals } = parsed;
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  if (positionals.length !== 1) {
    console.error(USAGE);
    return 2;
  }
  const path = positionals[0]!;
  let mined: MinedFile;
  try {
    mined = await mineFile(path, { messageOnly: values["message-only"] });
  } catch (error) {
    console.error(
      `Cannot read log file: ${path}: ${error instanceof Error ? error.message : error}`,
    );
    return 1;
  }
  const out = new TextEncoder();
  const write = (text: string) => {
    const bytes = out.encode(text);
    let written = 0;
    while (written < bytes.length) written += Deno.stdout.writeSync(bytes.subarray(written));
  };
  if (values["per-line"]) {
    write(stringify([["line", "signature", "template"]]));
    const ids = mined.signatureIds;
    const CHUNK = 10_000;
    for (let start = 0; start < ids.length; start += CHUNK) {
      const rows: string[][] = [];
      for (let i = start; i < Math.min(ids.length, start + CHUNK); i++) {
        rows.push([String(i + 1), ids[i]!, mined.templates.get(ids[i]!) ?? ""]);
      }
      write(stringify(rows));
    }
    return 0;
  }
  const header = mined.header.length > 0 ? `header: ${mined.header.join(" ")}` : "no header";
  const signatures = countSignatures(mined);
  console.error(`${mined.lines} lines, ${signatures.length} signatures, ${header}`);
  let text = "";
  for (const s of signatures) {
    text += `${s.count}\t${s.signatureId}\t${JSON.stringify(s.template)}\n`;
  }
  write(text);
  return 0;
}

if (import.meta.main) {
  Deno.exit(await main(Deno.args));
}
