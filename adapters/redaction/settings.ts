/**
 * Redaction's configuration: the rules from the JSON file named by
 * `LOUPE_REDACTION_RULES`, and the secret from `LOUPE_REDACTION_SECRET` or,
 * when that is unset, from `redaction.secret` in the data directory, made on
 * first start so pseudonyms stay the same across restarts.
 *
 * @module
 */
import { z } from "zod";
import { type RedactionRules, ruleProblems } from "../../domain/redaction/mod.ts";
import type { RedactionSettings } from "../../ports/redaction.ts";

/** Where the generated secret is kept, in the data directory. */
export const SECRET_FILE = "redaction.secret";

const ruleSet = z.object({
  disabled: z.array(z.string()).optional(),
  patterns: z.array(
    z.object({ type: z.string(), pattern: z.string().min(1), flags: z.string().optional() })
      .strict(),
  ).optional(),
  allow: z.array(z.string()).optional(),
  allowPatterns: z.array(z.string()).optional(),
}).strict();

const rulesSchema = ruleSet.extend({ customers: z.record(z.string(), ruleSet).optional() })
  .strict();

/**
 * Rules read from JSON text, checked; a clear error says what is wrong.
 *
 * @example
 * ```ts
 * import { parseRules } from "./settings.ts";
 * import assert from "node:assert/strict";
 * assert.deepEqual(parseRules('{"disabled":["ipv4"]}', "rules.json"), { disabled: ["ipv4"] });
 * assert.throws(() => parseRules('{"disabled":["fax"]}', "rules.json"), /unknown type "fax"/);
 * ```
 */
export function parseRules(text: string, where: string): RedactionRules {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (error) {
    throw new Error(`Cannot read the redaction rules in ${where}: ${(error as Error).message}`);
  }
  const parsed = rulesSchema.safeParse(json);
  if (!parsed.success) {
    const issues = parsed.error.issues.map((issue) =>
      `${issue.path.join(".") || "(top)"}: ${issue.message}`
    );
    throw new Error(`Cannot read the redaction rules in ${where}: ${issues.join("; ")}`);
  }
  const rules = parsed.data as RedactionRules;
  const problems = ruleProblems(rules);
  if (problems.length > 0) {
    throw new Error(`Cannot use the redaction rules in ${where}: ${problems.join("; ")}`);
  }
  return rules;
}

/**
 * The rules and secret for a store in `dataDir`. The secret is made (32
 * random bytes) and written there, readable by its owner only, when the
 * environment gives none and none was made before.
 */
export async function loadRedactionSettings(
  env: Readonly<Record<string, string | undefined>>,
  dataDir: string,
): Promise<RedactionSettings> {
  const rulesPath = env.LOUPE_REDACTION_RULES;
  const rules = rulesPath === undefined || rulesPath === ""
    ? {}
    : parseRules(await readRulesFile(rulesPath), rulesPath);
  const given = env.LOUPE_REDACTION_SECRET;
  if (given !== undefined && given !== "") return { secret: given, rules };
  return { secret: await storedSecret(dataDir), rules };
}

async function readRulesFile(path: string): Promise<string> {
  try {
    return await Deno.readTextFile(path);
  } catch (error) {
    throw new Error(`Cannot read the redaction rules file ${path}: ${(error as Error).message}`);
  }
}

async function storedSecret(dataDir: string): Promise<string> {
  const path = `${dataDir.replace(/\/+$/, "")}/${SECRET_FILE}`;
  try {
    const secret = (await Deno.readTextFile(path)).trim();
    if (secret !== "") return secret;
  } catch (error) {
    if (!(error instanceof Deno.errors.NotFound)) throw error;
  }
  await Deno.mkdir(dataDir, { recursive: true });
  const bytes = crypto.getRandomValues(new Uint8Array(32));
  const secret = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
  try {
    // createNew: two processes starting at once keep the first one's secret.
    await Deno.writeTextFile(path, `${secret}\n`, { createNew: true, mode: 0o600 });
    return secret;
  } catch (error) {
    if (!(error instanceof Deno.errors.AlreadyExists)) throw error;
    return (await Deno.readTextFile(path)).trim();
  }
}
