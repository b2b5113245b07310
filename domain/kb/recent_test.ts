import assert from "node:assert/strict";
import fc from "fast-check";
import { RecentAnswers } from "./recent.ts";

const DAY = 86_400_000;

Deno.test("recent answers: counts only tickets opened in the days before the question, never after", () => {
  fc.assert(fc.property(
    fc.array(fc.array(fc.integer({ min: 0, max: 30 * DAY }), { maxLength: 8 }), {
      minLength: 1,
      maxLength: 4,
    }),
    fc.integer({ min: 0, max: 30 * DAY }),
    fc.integer({ min: 1, max: 14 }),
    fc.integer({ min: 1, max: 10 * DAY }),
    (answers, at, days, later) => {
      const tickets = answers.flat();
      const recent = new RecentAnswers(answers, tickets);
      // The same history plus tickets opened at or after the question: nothing changes.
      const withLater = new RecentAnswers(answers.map((t) => [...t, at + later - 1]), [
        ...tickets,
        ...answers.map(() => at + later - 1),
      ]);
      const articles = answers.map((_, article) => article);
      const shares = recent.sharesBefore(articles, at, days);
      answers.forEach((times, article) => {
        const expected = times.filter((t) => t < at && t >= at - days * DAY).length;
        assert.equal(shares[article]!.tickets, expected);
        assert.ok(shares[article]!.tickets <= shares[article]!.of);
      });
      assert.deepEqual(withLater.sharesBefore(articles, at, days), shares);
    },
  ));
});
