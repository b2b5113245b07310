import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { ZodError } from "zod";
import { LoupeError } from "../../ports/errors.ts";

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
