/**
 * Every read endpoint of a running Loupe, for tests that check the service
 * still answers after something hostile happened to it.
 */

/** The GET paths to read, given ids that exist (or made-up ones). */
export function readPaths(ids: {
  readonly ticketId?: string;
  readonly signatureId?: string;
  readonly customerId?: string;
  readonly environment?: string;
}): string[] {
  const ticket = ids.ticketId ?? "t-unknown";
  const signature = ids.signatureId ?? "sig-unknown";
  const customer = ids.customerId ?? "c-unknown";
  const paths = [
    "/healthz",
    "/metrics",
    "/v1/signatures?limit=1000",
    "/v1/quarantine",
    "/v1/tickets",
    "/v1/customers",
    "/v1/trends",
    "/v1/issues",
    "/v1/priorities",
    "/v1/rules",
    `/v1/metrics?environment=${ids.environment ?? "prod"}`,
  ];
  if (ids.ticketId !== undefined) {
    for (
      const tail of ["", "/comments", "/links", "/resolution", "/logs", "/metrics", "/candidates"]
    ) {
      paths.push(`/v1/tickets/${ticket}${tail}`);
    }
  }
  if (ids.signatureId !== undefined) {
    for (const tail of ["", "/tickets", "/impact", "/trend"]) {
      paths.push(`/v1/signatures/${signature}${tail}`);
    }
  }
  if (ids.customerId !== undefined) {
    paths.push(`/v1/customers/${customer}`, `/v1/customers/${customer}/impact`);
  }
  return paths;
}

/** Each path's status, reading them one after another. */
export async function readAll(
  url: string,
  paths: readonly string[],
): Promise<{ path: string; status: number; body: string }[]> {
  const out = [];
  for (const path of paths) {
    const response = await fetch(`${url}${path}`);
    out.push({ path, status: response.status, body: (await response.text()).slice(0, 300) });
  }
  return out;
}

/** True when the body is the documented error shape. */
export function isErrorShape(body: unknown): boolean {
  if (body === null || typeof body !== "object") return false;
  const error = (body as { error?: unknown }).error;
  if (error === null || typeof error !== "object") return false;
  const { code, message, details } = error as Record<string, unknown>;
  return typeof code === "string" && code.length > 0 && typeof message === "string" &&
    message.length > 0 &&
    (details === undefined || (details !== null && typeof details === "object"));
}
