import { countBelow } from "../sorted.ts";
import { DAY_MS } from "../time.ts";

/** Of the tickets answered by an article in a window, how many this one answered. */
export interface RecentShare {
  readonly tickets: number;
  readonly of: number;
}

/**
 * When the tickets each article answered (helped or resolved) were opened.
 * A problem comes in waves: the article that answered this week's tickets
 * is likelier than a dormant one to answer the next, as a help desk's
 * "trending" list knows. Counts are by the question's open time, never
 * after it, so replaying history does not use what came later.
 */
export class RecentAnswers {
  readonly #byArticle: readonly Float64Array[];
  readonly #all: Float64Array;

  /**
   * `answers[article]`: the open times of the tickets that article answered
   * (a ticket once per article); `tickets`: the open time of every ticket
   * that any article answered (once per ticket).
   */
  constructor(answers: readonly (readonly number[])[], tickets: readonly number[]) {
    this.#byArticle = answers.map((times) => Float64Array.from(times).sort());
    this.#all = Float64Array.from(tickets).sort();
  }

  /**
   * For each of `articles`: the tickets opened in the `days` before `at`
   * that it answered, of all answered then.
   */
  sharesBefore(articles: readonly number[], at: number, days: number): RecentShare[] {
    const inWindow = (sorted: Float64Array) =>
      countBelow(sorted, at) - countBelow(sorted, at - days * DAY_MS);
    const of = inWindow(this.#all);
    return articles.map((article) => {
      const times = this.#byArticle[article];
      return { tickets: times === undefined ? 0 : inWindow(times), of };
    });
  }
}
