/** The time, as the core sees it: epoch milliseconds. */
export interface Clock {
  now(): number;
}

/** New unique, sortable ids (ULIDs in production). */
export type NewId = () => string;
