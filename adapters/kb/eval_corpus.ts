/**
 * Reads a labelled corpus for `kb-eval`: articles and queries as JSON lines.
 *
 * @module
 */
import { z } from "zod";
import type { LabelledQuery } from "../../domain/kb/eval.ts";
import type { SearchableText } from "../../domain/kb/retrieval.ts";

const id = z.union([z.string().min(1), z.number()]).transform(String);

const EvalArticle = z.object({
  id,
  title: z.string().default(""),
  body: z.string().default(""),
});

const EvalQuery = z.object({
  id,
  text: z.string(),
  relevant: z.array(id),
});

/** Thrown with the file and line of the first bad line. */
export class CorpusError extends Error {}

function parseLines<T>(text: string, path: string, schema: z.ZodType<T>): T[] {
  const out: T[] = [];
  const lines = text.split(/\r?\n/);
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!.trim();
    if (line === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new CorpusError(
        `Cannot parse ${path} line ${i + 1}: not JSON (${(error as Error).message})`,
      );
    }
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      const issue = parsed.error.issues[0];
      throw new CorpusError(
        `Cannot parse ${path} line ${i + 1}: ${issue?.path.join(".") || "line"} ${issue?.message}`,
      );
    }
    out.push(parsed.data);
  }
  return out;
}

/** `{"id","title","body"}` per line. */
export function parseEvalArticles(text: string, path = "articles"): SearchableText[] {
  return parseLines(text, path, EvalArticle);
}

/** `{"id","text","relevant":[ids]}` per line. */
export function parseEvalQueries(text: string, path = "queries"): LabelledQuery[] {
  return parseLines(text, path, EvalQuery);
}
