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

Deno.test("recent answers: the article answering this week's tickets beats an equal dormant one, not a linked one", () => {
  const articles = [facts("dormant"), facts("going-round"), facts("linked", { issues: ["i1"] })];
  const ranked = suggestArticles({
    articles,
    textScores: [1, 1, 0.2],
    evidence: [{ issueId: "i1", signatureId: "s1", linked: true, rank: 0 }],
    recent: [{ tickets: 0, of: 40 }, { tickets: 40, of: 40 }, { tickets: 0, of: 40 }],
    customerVersion: null,
    limit: 5,
  });
  assert.deepEqual(ranked.map((s) => s.articleId), ["linked", "going-round", "dormant"]);
  assert.deepEqual(ranked[1]!.reasons.find((r) => r.kind === "recent"), {
    kind: "recent",
    days: 7,
    tickets: 40,
    of: 40,
  });
});

Deno.test("log text: a generic template no article fits hands out less than one an article describes", () => {
  // "generic" is the best match of candidate #1's template, but matches it weakly;
  // "specific" describes candidate #2's template well.
  const evidence = (rank: number, signatureId: string) => ({
    issueId: null,
    signatureId,
    linked: false,
    rank,
  });
  const ranked = suggestArticles({
    articles: [facts("generic"), facts("specific")],
    textScores: [1, 1],
    evidence: [evidence(1, "s1"), evidence(2, "s2")],
    logText: [
      { evidence: evidence(1, "s1"), scores: [0.5, 0] },
      { evidence: evidence(2, "s2"), scores: [0, 8] },
    ],
    customerVersion: null,
    limit: 5,
  });
  assert.deepEqual(ranked.map((s) => s.articleId), ["specific", "generic"]);
});
