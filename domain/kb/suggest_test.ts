import assert from "node:assert/strict";
import { type ArticleFacts, suggestArticles } from "./suggest.ts";

const facts = (articleId: string, extra: Partial<ArticleFacts> = {}): ArticleFacts => ({
  articleId,
  title: articleId,
  issues: [],
  signatures: [],
  fixedIn: null,
  versions: [],
  helpful: 0,
  notHelpful: 0,
  ...extra,
});

Deno.test("version fit: an article about a bug fixed in 5.7.1 drops for a customer on 5.8.0", () => {
  const articles = [facts("fixed", { fixedIn: "5.7.1", signatures: ["s1"] }), facts("other")];
  const order = (version: string, evidence = false) =>
    suggestArticles({
      articles,
      textScores: [1, 0.8],
      evidence: evidence ? [{ issueId: null, signatureId: "s1", linked: false, rank: 3 }] : [],
      customerVersion: version,
      limit: 5,
    }).map((s) => s.articleId);
  assert.deepEqual(order("5.6.0"), ["fixed", "other"]);
  assert.deepEqual(order("5.8.0"), ["other", "fixed"]);
  // The issue came back: its signature is behind the ticket again.
  assert.deepEqual(order("5.8.0", true), ["fixed", "other"]);
  const [, misfit] = suggestArticles({
    articles,
    textScores: [1, 0.8],
    evidence: [],
    customerVersion: "5.8.0",
    limit: 5,
  });
  assert.deepEqual(misfit?.reasons.find((r) => r.kind === "version"), {
    kind: "version",
    customerVersion: "5.8.0",
    fixedIn: "5.7.1",
    fits: false,
  });
});

Deno.test("feedback: not-helpful votes push an article below an equal one", () => {
  const ranked = suggestArticles({
    articles: [facts("a", { notHelpful: 3 }), facts("b")],
    textScores: [1, 1],
    evidence: [],
    customerVersion: null,
    limit: 5,
  });
  assert.deepEqual(ranked.map((s) => s.articleId), ["b", "a"]);
});
