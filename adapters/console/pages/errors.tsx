import { ZodError } from "zod";
import { LoupeError } from "../../../ports/errors.ts";
import { Layout, type PageContext } from "../layout.tsx";

/** An error as a page: the status, what was wrong in words, a way back. */
export function errorPage(
  error: unknown,
  page: PageContext | null,
): { status: number; body: ReturnType<typeof Layout> } {
  let status = 500;
  let message = "The page could not be built; the error was logged.";
  if (error instanceof LoupeError) {
    status = error.status;
    message = error.message;
  } else if (error instanceof ZodError) {
    status = 400;
    const issue = error.issues[0];
    message = `Invalid ${issue?.path.join(".") || "request"}: ${issue?.message ?? "invalid value"}`;
  } else {
    console.error(error);
  }
  const title = status === 404
    ? "Not found"
    : status === 403
    ? "Not allowed"
    : status < 500
    ? "Cannot show this page"
    : "Something went wrong";
  return {
    status,
    body: (
      <Layout title={title} page={page}>
        <h1>{title}</h1>
        <p class="error-message" role="alert">{message}</p>
        <p>
          <a href="/console/tickets">Back to the tickets</a>
        </p>
      </Layout>
    ),
  };
}
