import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { LoupeError } from "../../ports/errors.ts";
import { IdempotencyKeyReusedError } from "../../ports/event_store.ts";
import { StorageUnavailableError } from "../../ports/storage.ts";

/**
 * The error shape of every failed request:
 * `{ "error": { "code": "...", "message": "...", "details": {...} } }`.
 */
export interface ErrorBody {
  readonly error: {
    readonly code: string;
    readonly message: string;
    readonly details?: Record<string, unknown>;
  };
}

export function errorResponse(c: Context, error: unknown): Response {
  if (error instanceof LoupeError) {
    return c.json(
      errorBody(error.code, error.message, error.details),
      error.status as ContentfulStatusCode,
    );
  }
  if (error instanceof ZodError) {
    const issues = error.issues.map((issue) => ({
      path: issue.path.join("."),
      message: issue.message,
    }));
    const first = issues[0];
    const where = first?.path ? `${first.path}: ` : "";
    return c.json(
      errorBody(
        "validation_failed",
        `Invalid request: ${where}${first?.message ?? "invalid value"}`,
        { issues },
      ),
      400,
    );
  }
  if (error instanceof IdempotencyKeyReusedError) {
    return c.json(errorBody("idempotency_key_reused", error.message), 409);
  }
  if (error instanceof StorageUnavailableError) {
    return c.json(
      errorBody("insufficient_storage", error.message, { reason: error.reason }),
      507,
    );
  }
  if (error instanceof RangeError && /call stack/i.test(error.message)) {
    // Whatever nesting slipped past the edge checks: the client's input, not our fault.
    return c.json(
      errorBody("bad_request", "Cannot process the request: it is nested too deeply"),
      400,
    );
  }
  console.error(error);
  return c.json(errorBody("internal", "Internal error: the request could not be completed"), 500);
}

export function errorBody(
  code: string,
  message: string,
  details?: Record<string, unknown>,
): ErrorBody {
  return { error: { code, message, ...(details === undefined ? {} : { details }) } };
}
