/**
 * What agents say about a suggested article on a ticket: helpful, not
 * helpful, or the ticket was resolved citing it. Kept as events in one
 * stream per ticket; the latest word on a (ticket, article) pair counts.
 */
export const FEEDBACK_KINDS = ["helpful", "not_helpful", "resolved"] as const;
export type FeedbackKind = (typeof FEEDBACK_KINDS)[number];

export interface ArticleFeedbackData {
  readonly ticketId: string;
  /**
   * The ticket's customer and when it was opened: the words are sealed under
   * that customer's key for the ticket's period, so forgetting the customer or
   * the ticket's expiry takes them too. Absent on feedback recorded before.
   */
  readonly customer?: string;
  readonly ticketOpenedAt?: number;
  readonly articleId: string;
  readonly kind: FeedbackKind;
  /** The ticket's words at the time: how the article will be found next time. */
  readonly words: string;
  /** Issues and signatures behind the ticket: the issue <-> article link, learned. */
  readonly issues: readonly string[];
  readonly signatures: readonly string[];
  readonly at: number;
  readonly by: string | null;
}

export interface ArticleFeedbackRecorded {
  readonly type: "ArticleFeedbackRecorded";
  readonly data: ArticleFeedbackData;
}

export const FEEDBACK_STREAM_PREFIX = "kb-feedback-";

export function feedbackStream(ticketId: string): string {
  return `${FEEDBACK_STREAM_PREFIX}${ticketId}`;
}

/** Helpful and resolved feedback teach the article the ticket's words; not helpful does not. */
export function teaches(kind: FeedbackKind): boolean {
  return kind !== "not_helpful";
}
