/**
 * Threshold rules as data: the rule set a file holds (the defaults in
 * fixtures/rules/default_rules.json) and `PUT /v1/rules` takes, read and
 * checked the same way for both.
 *
 * @module
 */
import { z } from "zod";
import { COMPARISONS, type Rule, RULE_SEVERITIES } from "../../domain/rules/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import { parseJsonText } from "../json_text.ts";
import { label } from "../params.ts";

const ruleSchema = z.object({
  id: label,
  metric: z.union([label, z.array(label).min(1).max(100)]),
  comparison: z.enum(COMPARISONS),
  threshold: z.number().finite(),
  severity: z.enum(RULE_SEVERITIES),
  message: z.string().trim().min(1).max(2_000),
}).strict();

/** A rule set as sent and stored in files: `{ "rules": [...] }`. */
export const ruleSetSchema = z.object({ rules: z.array(ruleSchema).max(1_000) }).strict();

/**
 * Reads a rule set document (`{ "rules": [...] }`, the shape of
 * fixtures/rules/default_rules.json and of `PUT /v1/rules`); throws a
 * LoupeError that says which rule and field is wrong.
 */
export function parseRuleSet(document: unknown): Rule[] {
  const parsed = ruleSetSchema.safeParse(document);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new LoupeError(
      "validation_failed",
      `Invalid rule set: ${issue.path.join(".")}: ${issue.message}`,
      { issues: parsed.error.issues.map((i) => ({ path: i.path.join("."), message: i.message })) },
    );
  }
  return parsed.data.rules.map((rule) => ({ ...rule }));
}

/** Reads and checks a rule set file, for the wiring. */
export async function readRuleFile(path: string | URL): Promise<Rule[]> {
  let document: unknown;
  try {
    document = parseJsonText(await Deno.readTextFile(path));
  } catch (error) {
    throw new Error(`Cannot read rule file ${path}: ${(error as Error).message}`);
  }
  try {
    return parseRuleSet(document);
  } catch (error) {
    throw new Error(`Cannot read rule file ${path}: ${(error as Error).message}`);
  }
}
