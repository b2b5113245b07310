import assert from "node:assert/strict";
import fc from "fast-check";
import { FieldIndex, learnedField, LOUPE_RANKING, stems, TicketVocabulary } from "./mod.ts";

const words = fc.constantFrom("hello", "team", "export", "login", "invoice", "blank", "fails");
const ticket = fc.array(words, { minLength: 1, maxLength: 8 }).map((w) => w.join(" "));

Deno.test("learned words: how many tickets an article had does not inflate them", () => {
  fc.assert(
    fc.property(
      fc.array(ticket, { minLength: 1, maxLength: 6 }),
      fc.integer({ min: 2, max: 5 }),
      (tickets, times) => {
        const once = learnedField(tickets);
        const repeated = learnedField(Array.from({ length: times }, () => tickets).flat());
        assert.deepEqual(repeated.terms, once.terms);
        repeated.weights.forEach((w, i) => assert.ok(Math.abs(w - once.weights[i]!) < 1e-9));
        for (const w of once.weights) assert.ok(w > 0 && w <= 1 + 1e-9);
      },
    ),
  );
});

Deno.test("question words: a word more tickets use never counts more, and none counts more than it did", () => {
  const question = fc.record({ words: ticket, articles: fc.constantFrom(["KB-1"], ["KB-2"]) });
  fc.assert(fc.property(fc.array(question, { maxLength: 12 }), (tickets) => {
    const vocabulary = new TicketVocabulary(tickets);
    const query = new Map(
      stems("hello team export login invoice blank fails never").map((t) => [t, 1]),
    );
    const discounted = vocabulary.discount(query);
    const using = (term: string) => tickets.filter((t) => stems(t.words).includes(term));
    // The first of the tickets is not counted where they all taught one article.
    const counted = (term: string) => {
      const users = using(term);
      const oneArticle = new Set(users.map((t) => t.articles[0])).size === 1;
      return oneArticle ? users.length - 1 : users.length;
    };
    for (const [a, wa] of discounted) {
      assert.ok(wa <= 1 + 1e-9 && wa > 0);
      for (const [b, wb] of discounted) {
        if (counted(a) > counted(b)) assert.ok(wa <= wb + 1e-9, `${a} ${wa} vs ${b} ${wb}`);
      }
    }
    if (tickets.length === 0) assert.deepEqual(discounted, query);
  }));
});

Deno.test("question words: the one ticket that taught an article leaves its words their weight", () => {
  const vocabulary = new TicketVocabulary([{ words: "webhooks stopped", articles: ["KB-1"] }]);
  const query = new Map([["webhook", 1], ["stop", 1]]);
  assert.deepEqual(vocabulary.discount(query), query);
});

Deno.test("question words: a word questions to two articles share counts less than one two questions to one article share", () => {
  const vocabulary = new TicketVocabulary([
    { words: "hello export stops", articles: ["KB-1"] },
    { words: "export blank", articles: ["KB-1"] },
    { words: "hello login fails", articles: ["KB-2"] },
    { words: "invoice missing", articles: ["KB-3"] },
  ]);
  const query = vocabulary.discount(new Map([["hello", 1], ["export", 1]]));
  // Both words are in two questions; only "hello" is in questions to different articles.
  assert.ok(query.get("hello")! < query.get("export")!);
});

Deno.test("weighted fields: weights of 1 rank exactly as the plain terms", () => {
  fc.assert(
    fc.property(
      fc.array(fc.array(words, { maxLength: 10 }), { minLength: 1, maxLength: 6 }),
      (docs) => {
        const plain = FieldIndex.build(
          docs.map((terms, i) => ({ id: `d${i}`, fields: { title: terms } })),
          LOUPE_RANKING,
        );
        const weighted = FieldIndex.build(
          docs.map((terms, i) => ({
            id: `d${i}`,
            fields: { title: terms },
            weights: { title: terms.map(() => 1) },
          })),
          LOUPE_RANKING,
        );
        const query = new Map([["export", 1], ["login", 2]]);
        assert.deepEqual([...weighted.scores(query)], [...plain.scores(query)]);
      },
    ),
  );
});
