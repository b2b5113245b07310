import assert from "node:assert/strict";
import fc from "fast-check";
import {
  type ArticleContent,
  type ArticleState,
  chooseCause,
  decide,
  emptyContent,
  evolve,
  FieldIndex,
  type IssueEvidence,
  LOUPE_RANKING,
  sameCause,
  suggestArticles,
} from "./mod.ts";

const id: fc.Arbitrary<string> = fc.constantFrom("a", "b", "c", "d", "e");
const sig: fc.Arbitrary<string> = fc.constantFrom("s1", "s2", "s3", "s4");
const issue: fc.Arbitrary<string | null> = fc.constantFrom("i1", "i2", "i3", null);

Deno.test("suggestions: every reason refers to an article, issue or signature that exists", () => {
  fc.assert(fc.property(
    fc.uniqueArray(
      fc.record({
        articleId: id,
        title: fc.string(),
        issues: fc.array(fc.constantFrom<string>("i1", "i2", "i3")),
        signatures: fc.array(sig),
        fixedIn: fc.constantFrom(null, "5.7.1"),
        versions: fc.constantFrom([], ["5.8.0"]),
        helpful: fc.nat(3),
        notHelpful: fc.nat(3),
      }, { noNullPrototype: true }),
      { selector: (a) => a.articleId },
    ),
    fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }),
    fc.array(
      fc.record({
        issueId: issue,
        signatureId: sig,
        linked: fc.boolean(),
        rank: fc.integer({ min: 1, max: 5 }),
      }),
      { maxLength: 4 },
    ),
    fc.constantFrom(null, "5.6.0", "5.8.0"),
    fc.array(fc.double({ min: 0, max: 10, noNaN: true }), { minLength: 5, maxLength: 5 }),
    fc.array(fc.nat(5), { minLength: 5, maxLength: 5 }),
    (articles, textScores, evidence: IssueEvidence[], version, logScores, answered) => {
      const of = answered.reduce((a, b) => a + b, 0);
      const recent = answered.map((tickets) => ({ tickets, of }));
      const suggestions = suggestArticles({
        articles,
        textScores,
        evidence,
        logText: evidence.slice(0, 1).map((e) => ({ evidence: e, scores: logScores })),
        recent,
        customerVersion: version,
        limit: 10,
      });
      const known = new Set(articles.map((a) => a.articleId));
      for (const s of suggestions) {
        assert.ok(known.has(s.articleId));
        assert.ok(s.reasons.length > 0);
        const article = articles.find((a) => a.articleId === s.articleId)!;
        for (const r of s.reasons) {
          if (r.kind === "log_text") {
            assert.ok(
              evidence.some((e) => e.signatureId === r.signatureId && e.issueId === r.issueId),
            );
          }
          if (r.kind === "text" || r.kind === "log_text") assert.ok(r.score > 0 && r.score <= 1);
          if (r.kind === "linked_issue" || r.kind === "candidate_issue") {
            assert.ok(
              evidence.some((e) => e.signatureId === r.signatureId && e.issueId === r.issueId),
            );
            assert.ok(
              article.signatures.includes(r.signatureId) ||
                (r.issueId !== null && article.issues.includes(r.issueId)),
            );
          }
          if (r.kind === "feedback") {
            assert.deepEqual([r.helpful, r.notHelpful], [article.helpful, article.notHelpful]);
          }
          if (r.kind === "version") assert.equal(r.customerVersion, version);
          if (r.kind === "recent") {
            const at = articles.indexOf(article);
            assert.deepEqual([r.tickets, r.of], [answered[at], of]);
            assert.ok(r.of > 0);
          }
        }
      }
      for (let i = 1; i < suggestions.length; i++) {
        assert.ok(suggestions[i - 1]!.score >= suggestions[i]!.score);
      }
    },
  ));
});

const content: fc.Arbitrary<ArticleContent> = fc.record({
  title: fc.string({ minLength: 1 }).filter((t) => t.trim() !== ""),
  symptom: fc.string(),
  steps: fc.array(fc.string(), { maxLength: 3 }),
  tags: fc.array(fc.string({ minLength: 1 }), { maxLength: 3 }),
}, { noNullPrototype: true }).map((c) => ({ ...emptyContent(), ...c }));

Deno.test("import: importing the same articles a second time makes no event", () => {
  fc.assert(fc.property(
    fc.array(
      fc.tuple(
        content,
        fc.constantFrom("draft", "published", "retired") as fc.Arbitrary<
          "draft" | "published" | "retired"
        >,
      ),
      { minLength: 1, maxLength: 4 },
    ),
    (versions) => {
      let state: ArticleState = null;
      const meta = { at: 1, by: null };
      for (const [c, status] of versions) {
        const command = { type: "ImportArticle" as const, articleId: "x", content: c, status };
        let events;
        try {
          events = decide(command, state, meta);
        } catch {
          continue; // a retired article is not edited
        }
        state = events.reduce(evolve, state);
        const again = decide(command, state, meta);
        assert.deepEqual(again, []);
      }
    },
  ));
});

Deno.test("ranking: a page of the bounded heap is the same page a full sort gives", () => {
  fc.assert(fc.property(
    fc.array(
      fc.record({
        id: fc.constantFrom("d0", "d1", "d2", "d3", "d4", "d5", "d6", "d7"),
        fields: fc.record({
          title: fc.array(fc.constantFrom("cache", "login", "export", "slow"), { maxLength: 4 }),
          body: fc.array(fc.constantFrom("cache", "login", "export", "row", "fail"), {
            maxLength: 8,
          }),
        }, { noNullPrototype: true }),
      }, { noNullPrototype: true }),
      { maxLength: 12 },
    ),
    fc.array(fc.constantFrom("cache", "login", "export", "row", "fail", "slow"), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.nat(5),
    fc.integer({ min: 1, max: 6 }),
    fc.func(fc.boolean()),
    (docs, terms, offset, limit, keepOf) => {
      const index = FieldIndex.build(docs, LOUPE_RANKING);
      const query = new Map(terms.map((t) => [t, 1]));
      const keep = (doc: number) => keepOf(doc);
      const scores = index.scores(query);
      const sorted = [...scores.keys()]
        .filter((doc) => scores[doc]! > 0 && keep(doc))
        .sort((a, b) => scores[b]! - scores[a]! || a - b);
      const page = index.page(query, offset, limit, keep);
      assert.equal(page.total, sorted.length);
      assert.deepEqual(page.hits.map((h) => h.doc), sorted.slice(offset, offset + limit));
      assert.deepEqual(
        index.search(query, limit, keep).map((h) => h.doc),
        sorted.slice(0, limit),
      );
    },
  ));
});

Deno.test("ranking: among equal scores the earlier document stays when a better one arrives", () => {
  const same = (id: string) => ({ id, fields: { title: ["cache"] } });
  const index = FieldIndex.build(
    [same("d0"), same("d1"), same("d2"), same("d3"), {
      id: "best",
      fields: { title: ["cache", "cache"] },
    }],
    LOUPE_RANKING,
  );
  const query = new Map([["cache", 1]]);
  assert.deepEqual(index.search(query, 3).map((h) => h.id), ["best", "d0", "d1"]);
  assert.deepEqual(index.page(query, 1, 2).hits.map((h) => h.id), ["d0", "d1"]);
});

Deno.test("drafts: the cause depends on the root causes recorded, not on the order of their tickets", () => {
  // Few words, so statements overlap, repeat and frame one another.
  const word = fc.constantFrom(
    "the",
    "cache",
    "token",
    "expired",
    "5.2",
    "proxy",
    "key",
    "rotated",
  );
  const cause = fc.tuple(
    fc.constantFrom("", "Known issue: ", "Regression in 5.2: "),
    fc.array(word, { minLength: 1, maxLength: 8 }),
    fc.constantFrom("", " (known issue)"),
  ).map(([label, words, remark]) => `${label}${words.join(" ")}${remark}`);
  fc.assert(fc.property(
    fc.array(cause, { minLength: 1, maxLength: 9 }).chain((causes) =>
      fc.tuple(fc.constant(causes), fc.shuffledSubarray(causes, { minLength: causes.length }))
    ),
    ([causes, shuffled]) => {
      const a = chooseCause(causes);
      const b = chooseCause(shuffled);
      assert.equal(a.cause.toLowerCase(), b.cause.toLowerCase());
      assert.deepEqual(
        a.others.map((o) => [o.text.toLowerCase(), o.tickets]),
        b.others.map((o) => [o.text.toLowerCase(), o.tickets]),
      );
      // The cause is words some ticket recorded, in their order.
      const words = (s: string) =>
        ` ${s.toLowerCase().replace(/[,;:()]/g, " ").split(/\s+/).join(" ")} `;
      assert.ok(causes.some((c) => words(c).includes(words(a.cause))), a.cause);
    },
  ));
});

/** Content words with stems of their own, in two sets no statement of the other shares. */
const CAUSE_WORDS = [
  "cache",
  "token",
  "proxy",
  "relay",
  "invoice",
  "currency",
  "webhook",
  "gateway",
  "scheduler",
  "printer",
];
const OTHER_WORDS = [
  "column",
  "parser",
  "hyphen",
  "certificate",
  "timezone",
  "thumbnail",
  "quota",
  "mailbox",
  "locale",
  "barcode",
];

/** A value of each kind a statement names: a release, a count, an id, a redacted address. */
const value = {
  version: fc.tuple(fc.nat(20), fc.nat(20), fc.nat(20)).map(([a, b, c]) => `${a}.${b}.${c}`),
  number: fc.nat(1_000_000).map(String),
  id: fc.tuple(
    fc.constantFrom("a", "b", "c", "d", "e", "f"),
    fc.integer({ min: 10_000, max: 99_999 }),
  )
    .map(([letter, digits]) => `${letter}${digits}`),
  email: fc.integer({ min: 0x100000, max: 0xffffff }).map((n) => `<email:${n.toString(16)}>`),
};
type Kind = keyof typeof value;
const kinds = Object.keys(value) as Kind[];

Deno.test("drafts: root causes that differ only in the values they name are one cause", () => {
  const template = fc.array(
    fc.oneof(
      fc.constantFrom(...CAUSE_WORDS).map((w) => ({ word: w })),
      fc.constantFrom(...kinds).map((k) => ({ kind: k })),
    ),
    { minLength: 1, maxLength: 8 },
  ).filter((parts) => parts.some((p) => "word" in p));
  const filled = (parts: readonly ({ word: string } | { kind: Kind })[]) =>
    fc.tuple(...parts.map((p) => "word" in p ? fc.constant(p.word) : value[p.kind]))
      .map((words) => words.join(" "));
  fc.assert(fc.property(
    template.chain((parts) => fc.array(filled(parts), { minLength: 2, maxLength: 5 })),
    (causes) => {
      for (const a of causes) for (const b of causes) assert.ok(sameCause(a, b), `${a} / ${b}`);
      // Every ticket states the one cause: none is left beside it as another.
      assert.deepEqual(chooseCause(causes).others, []);
    },
  ));
});

Deno.test("drafts: statements of different causes stay apart though they name the same release, or values of one kind", () => {
  const words = (from: readonly string[]) =>
    fc.uniqueArray(fc.constantFrom(...from), { minLength: 4, maxLength: 8 });
  const anyValue = fc.oneof(...kinds.map((k) => value[k]));
  const sameKinds = fc.array(fc.constantFrom(...kinds), { maxLength: 3 }).chain((ks) =>
    fc.tuple(fc.tuple(...ks.map((k) => value[k])), fc.tuple(...ks.map((k) => value[k])))
  );
  fc.assert(fc.property(
    words(CAUSE_WORDS),
    words(OTHER_WORDS),
    anyValue,
    sameKinds,
    (a, b, shared, [ours, theirs]) => {
      const x = [...a, shared, ...ours].join(" ");
      const y = [shared, ...theirs, ...b].join(" ");
      assert.equal(sameCause(x, y), false, `${x} / ${y}`);
    },
  ));
});
