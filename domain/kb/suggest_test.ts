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

Deno.test("learned links: the article most of an issue's tickets used outranks one a single ticket used", () => {
  // Both learned the issue from feedback; "usual" resolved 4 of its 5 tickets.
  const articles = [
    facts("stray", { issues: ["i1"], learnedLinks: { i1: { tickets: 1, ofId: 5 } } }),
    facts("usual", { issues: ["i1"], learnedLinks: { i1: { tickets: 4, ofId: 5 } } }),
  ];
  const ranked = suggestArticles({
    articles,
    textScores: [1, 0.9],
    evidence: [{ issueId: "i1", signatureId: "s1", linked: false, rank: 1 }],
    customerVersion: null,
    limit: 5,
  });
  assert.deepEqual(ranked.map((s) => s.articleId), ["usual", "stray"]);
});

Deno.test("log evidence: an error line counts more than an INFO line at the same rank", () => {
  const rank = (severityNumber: number) =>
    suggestArticles({
      articles: [facts("fits-the-line"), facts("fits-the-words")],
      textScores: [0.3, 1],
      evidence: [],
      logText: [{
        evidence: { issueId: "i1", signatureId: "s1", linked: false, rank: 1, severityNumber },
        scores: [1, 0],
      }],
      customerVersion: null,
      limit: 5,
    }).map((s) => s.articleId);
  assert.deepEqual(rank(17), ["fits-the-line", "fits-the-words"]);
  assert.deepEqual(rank(9), ["fits-the-words", "fits-the-line"]);
});
