/**
 * What a command line says when its arguments are wrong: the sentence that
 * names the problem. `node:util`'s parseArgs adds advice on `--` that no
 * Loupe command needs ("To specify a positional argument starting with a
 * '-' ..."), which buried the sentence that matters.
 *
 * @example
 * ```ts
 * import { parseArgs } from "node:util";
 * import { argumentProblem } from "./usage.ts";
 * import assert from "node:assert/strict";
 * try {
 *   parseArgs({ args: ["--bogus"], options: {}, allowPositionals: true });
 * } catch (error) {
 *   assert.equal(argumentProblem(error), "Unknown option '--bogus'");
 * }
 * ```
 *
 * @module
 */

export function argumentProblem(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\. To specify a positional argument[\s\S]*$/, "");
}
