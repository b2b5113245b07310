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
      answers.forEach((times, article) => {
        const share = recent.shareBefore(article, at, days);
        const expected = times.filter((t) => t < at && t >= at - days * DAY).length;
        assert.equal(share.tickets, expected);
        assert.ok(share.tickets <= share.of);
        assert.deepEqual(withLater.shareBefore(article, at, days), share);
      });
    },
  ));
});
