import type { ArticleCommand, ArticleContent } from "../kb/article.ts";
import type { TextRedactor } from "./redactor.ts";

/**
 * A knowledge-base command with its free texts redacted: an article is
 * written, edited or imported from texts that can quote a customer's data
 * (a log line with an address, a key pasted into a step). Ids, links,
 * where it applies and the version that fixed it are kept as they are.
 *
 * @example
 * ```ts
 * import { Redactor } from "./redactor.ts";
 * import { redactArticleCommand } from "./articles.ts";
 * import assert from "node:assert/strict";
 * const redactor = new Redactor({}, () => "0a1b2c").forCustomer(null);
 * const command = redactArticleCommand({ type: "RetireArticle", reason: "jane@acme.example asked" }, redactor);
 * assert.deepEqual(command, { type: "RetireArticle", reason: "<email:0a1b2c> asked" });
 * ```
 */
export function redactArticleCommand(
  command: ArticleCommand,
  redactor: TextRedactor,
): ArticleCommand {
  switch (command.type) {
    case "DraftArticle":
    case "EditArticle":
    case "ImportArticle":
      return { ...command, content: redactContent(command.content, redactor) };
    case "RetireArticle":
      return command.reason === null
        ? command
        : { ...command, reason: redactor.text(command.reason) };
    case "PublishArticle":
      return command;
  }
}

function redactContent(content: ArticleContent, redactor: TextRedactor): ArticleContent {
  const text = (value: string) => redactor.text(value);
  return {
    ...content,
    title: text(content.title),
    symptom: text(content.symptom),
    cause: text(content.cause),
    steps: content.steps.map(text),
    body: text(content.body),
    tags: content.tags.map(text),
  };
}
