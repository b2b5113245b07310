/**
 * Optimistic concurrency over HTTP: a resource's version as its `ETag`, and
 * the version a write expects from `If-Match`. Tickets, rules and articles
 * share it.
 *
 * @module
 */
import type { Context } from "hono";
import { LoupeError } from "../../ports/errors.ts";

/** A version as an ETag: `"7"`. */
export const etag = (version: number): string => `"${version}"`;

/** `"7"`, `W/"7"`, or `*` (any current version); a header of another form is a 412. */
export function expectedVersionOf(c: Context): number | undefined {
  const header = c.req.header("if-match");
  if (header === undefined || header.trim() === "*") return undefined;
  const match = /^\s*(?:W\/)?"?(\d+)"?\s*$/.exec(header);
  if (match === null) {
    throw new LoupeError(
      "precondition_failed",
      `Cannot match If-Match ${header}: send the ETag of the last response, e.g. "3"`,
    );
  }
  return Number(match[1]);
}
