/**
 * Articles in and out of files: the simulator's `articles.json`, JSON lines,
 * and a folder of Markdown files with YAML front matter (as teams keep a
 * knowledge base in git). Everything read is checked here, at the edge.
 *
 * @module
 */
import { parse as parseYaml, stringify as stringifyYaml } from "yaml";
import { z } from "zod";
import { type Article, ARTICLE_STATUSES, type ArticleContent } from "../../domain/kb/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import type { ImportedArticle } from "../../ports/kb.ts";
import { mapPaced, Pacer } from "../../ports/pacing.ts";
import { parseJsonTextPaced } from "../json_text.ts";

const text = z.string().max(100_000);
const list = z.array(z.string().min(1).max(500)).max(1_000).default([]);

/** One article as files and HTTP bodies spell it (snake_case keys). */
export const articleInput = z.object({
  id: z.union([z.string().min(1).max(200), z.number()]).transform(String),
  title: z.string().min(1).max(1_000),
  symptom: text.default(""),
  cause: text.default(""),
  steps: z.array(text).max(200).default([]),
  body: text.default(""),
  services: list,
  versions: list,
  environments: list,
  tags: list,
  issues: list,
  signatures: list,
  source_tickets: list,
  fixed_in: z.string().min(1).max(100).nullable().default(null),
  status: z.enum(ARTICLE_STATUSES).default("published"),
  /** The simulator's incident id: kept as a tag, it is not a Loupe issue. */
  incident: z.string().nullable().optional(),
}).strict();

export type ArticleInput = z.input<typeof articleInput>;

export function importedOf(input: z.output<typeof articleInput>): ImportedArticle {
  const tags = input.incident ? [...input.tags, `incident:${input.incident}`] : input.tags;
  return {
    articleId: input.id,
    status: input.status,
    content: {
      title: input.title,
      symptom: input.symptom,
      cause: input.cause,
      steps: input.steps,
      body: input.body,
      appliesTo: {
        services: input.services,
        versions: input.versions,
        environments: input.environments,
      },
      tags,
      issues: input.issues,
      signatures: input.signatures,
      sourceTickets: input.source_tickets,
      fixedIn: input.fixed_in,
    },
  };
}

function parseOne(value: unknown, where: string): ImportedArticle {
  const parsed = articleInput.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join(".") || "article";
    throw new LoupeError(
      "validation_failed",
      `Cannot import article at ${where}: ${field}: ${issue.message}`,
      { at: where, field },
    );
  }
  return importedOf(parsed.data);
}

/**
 * `{"articles":[...]}` (the simulator's file) or a bare array; parsed and
 * checked in slices, so a large import leaves the thread to other requests.
 */
export async function parseArticlesJson(
  raw: string | readonly string[],
  pacer: Pacer = new Pacer(),
): Promise<ImportedArticle[]> {
  const value = await parseJsonTextPaced(raw, pacer);
  const items = Array.isArray(value) ? value : (value as { articles?: unknown })?.articles;
  if (!Array.isArray(items)) {
    throw new LoupeError(
      "validation_failed",
      'Cannot import articles: expected {"articles":[...]} or an array',
    );
  }
  return await mapPaced(items, (item, i) => parseOne(item, `articles[${i}]`), pacer);
}

/** One article per line; blank lines skipped. */
export async function parseArticlesJsonl(
  raw: string,
  pacer: Pacer = new Pacer(),
): Promise<ImportedArticle[]> {
  const out: ImportedArticle[] = [];
  const lines = raw.split(/\r?\n/);
  for (const [i, line] of lines.entries()) {
    if (i % 64 === 0) await pacer.pace();
    if (line.trim() === "") continue;
    let value: unknown;
    try {
      value = JSON.parse(line);
    } catch (error) {
      throw new LoupeError(
        "invalid_json",
        `Cannot parse article line ${i + 1}: ${(error as Error).message}`,
        { line: i + 1 },
      );
    }
    out.push(parseOne(value, `line ${i + 1}`));
  }
  return out;
}

/**
 * A Markdown article: YAML front matter (`id`, `title`, `tags`...) then the
 * text. `## Symptom`, `## Cause` and `## Steps` sections fill those fields
 * (steps from a numbered or bulleted list); anything else is the body. The
 * id defaults to the file name without `.md`.
 */
export function parseMarkdownArticle(raw: string, fileName: string): ImportedArticle {
  const match = /^---\r?\n([\s\S]*?)\r?\n---\r?\n?([\s\S]*)$/.exec(raw);
  let front: Record<string, unknown> = {};
  let text = raw;
  if (match !== null) {
    try {
      const parsed = parseYaml(match[1]!);
      if (parsed !== null && typeof parsed === "object" && !Array.isArray(parsed)) {
        front = parsed as Record<string, unknown>;
      }
    } catch (error) {
      throw new LoupeError(
        "validation_failed",
        `Cannot parse front matter of ${fileName}: ${(error as Error).message}`,
        { file: fileName },
      );
    }
    text = match[2]!;
  }
  const sections = splitSections(text);
  const value: Record<string, unknown> = {
    id: fileName.replace(/\.md$/i, ""),
    ...sections,
    ...front,
  };
  if (value.title === undefined && sections.heading !== undefined) value.title = sections.heading;
  delete value.heading;
  return parseOne(value, fileName);
}

function splitSections(text: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const body: string[] = [];
  let current: "symptom" | "cause" | "steps" | "body" = "body";
  const parts: Record<string, string[]> = { symptom: [], cause: [], steps: [], body };
  for (const line of text.split(/\r?\n/)) {
    const h1 = /^#\s+(.+)$/.exec(line);
    if (h1 !== null && out.heading === undefined) {
      out.heading = h1[1]!.trim();
      continue;
    }
    const h2 = /^##\s+(.+)$/.exec(line);
    if (h2 !== null) {
      const name = h2[1]!.trim().toLowerCase();
      current = name.startsWith("symptom")
        ? "symptom"
        : name.startsWith("cause")
        ? "cause"
        : name.startsWith("step") || name.startsWith("resolution") || name.startsWith("fix")
        ? "steps"
        : "body";
      if (current === "body") body.push(line);
      continue;
    }
    parts[current]!.push(line);
  }
  const trimmed = (lines: string[]) => lines.join("\n").trim();
  if (trimmed(parts.symptom!) !== "") out.symptom = trimmed(parts.symptom!);
  if (trimmed(parts.cause!) !== "") out.cause = trimmed(parts.cause!);
  const steps = parts.steps!.map((l) => /^\s*(?:\d+[.)]|[-*+])\s+(.+)$/.exec(l)?.[1]?.trim())
    .filter((s): s is string => s !== undefined && s !== "");
  if (steps.length > 0) out.steps = steps;
  if (trimmed(body) !== "") out.body = trimmed(body);
  return out;
}

/** The article as one JSON line, in the shape {@link parseArticlesJsonl} reads. */
export function articleJsonLine(article: Article): string {
  return JSON.stringify(outputOf(article.articleId, article.status, article.content));
}

function outputOf(id: string, status: string, c: ArticleContent) {
  return {
    id,
    title: c.title,
    symptom: c.symptom,
    cause: c.cause,
    steps: c.steps,
    body: c.body,
    services: c.appliesTo.services,
    versions: c.appliesTo.versions,
    environments: c.appliesTo.environments,
    tags: c.tags,
    issues: c.issues,
    signatures: c.signatures,
    source_tickets: c.sourceTickets,
    fixed_in: c.fixedIn,
    status,
  };
}

/** The article as a Markdown file that {@link parseMarkdownArticle} reads back the same. */
export function articleMarkdown(article: Article): string {
  const { title: _t, symptom, cause, steps, body, ...front } = outputOf(
    article.articleId,
    article.status,
    article.content,
  );
  const lines = ["---", stringifyYaml({ title: _t, ...front }).trimEnd(), "---", ""];
  if (symptom !== "") lines.push("## Symptom", "", symptom, "");
  if (cause !== "") lines.push("## Cause", "", cause, "");
  if (steps.length > 0) lines.push("## Steps", "", ...steps.map((s, i) => `${i + 1}. ${s}`), "");
  if (body !== "") lines.push(body, "");
  return lines.join("\n");
}

/** Reads a file or folder: `.json`, `.jsonl`/`.ndjson`, `.md`, or a folder of `.md` files. */
export async function readArticles(path: string): Promise<ImportedArticle[]> {
  const info = await Deno.stat(path);
  if (info.isDirectory) {
    const names: string[] = [];
    for await (const entry of Deno.readDir(path)) {
      if (entry.isFile && entry.name.toLowerCase().endsWith(".md")) names.push(entry.name);
    }
    names.sort();
    const out: ImportedArticle[] = [];
    for (const name of names) {
      out.push(parseMarkdownArticle(await Deno.readTextFile(`${path}/${name}`), name));
    }
    return out;
  }
  const raw = await Deno.readTextFile(path);
  const lower = path.toLowerCase();
  if (lower.endsWith(".md")) return [parseMarkdownArticle(raw, path.split("/").pop()!)];
  if (lower.endsWith(".jsonl") || lower.endsWith(".ndjson")) return await parseArticlesJsonl(raw);
  return await parseArticlesJson(raw);
}
