/**
 * Hostile requests for every write endpoint, as fast-check arbitraries, and
 * a runner that drives a real server with them: shared by the e2e fuzz test
 * (a few hundred cases) and `deno task bench fuzz` (10,000).
 */
import fc from "fast-check";
import { probingHealth } from "./bulk_imports.ts";
import { isErrorShape, readAll, readPaths } from "./endpoints.ts";

/** A path or query part, lone surrogates and all (they become U+FFFD). */
const encodePart = (text: string) => encodeURIComponent(text.toWellFormed());

export interface FuzzTargets {
  readonly ticketId: string;
  readonly signatureId: string;
  readonly customerId: string;
}

export interface HostileRequest {
  readonly method: string;
  readonly path: string;
  readonly headers: Record<string, string>;
  readonly body: string | Uint8Array | undefined;
}

const TIMES = fc.constantFrom<unknown>(
  1e308,
  -1e308,
  9e15,
  -9e15,
  8.64e15,
  0,
  -1,
  1772359200000,
  "1e308",
  "9999-12-31T23:59:59Z",
  "-271821-04-20T00:00:00Z",
  "not a time",
  "",
  null,
  Number.MAX_SAFE_INTEGER,
  "1772359200000",
);

const hostileString = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom(
    "",
    " ",
    "\u0000",
    "\uD800",
    "__proto__",
    "constructor",
    "../../etc/passwd",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "abc",
    "1:0",
    "0:0",
    "999999999999999999999:1",
  ),
  fc.integer({ min: 1, max: 6 }).map((k) => "x".repeat(10 ** k)),
);

const hostileValue: fc.Arbitrary<unknown> = fc.oneof(
  hostileString,
  TIMES,
  fc.double(),
  fc.integer(),
  fc.boolean(),
  fc.constant(null),
  fc.array(hostileString, { maxLength: 5 }),
  fc.jsonValue({ maxDepth: 3 }),
);

/** Objects with the route's own field names, given hostile values. */
function fieldsOf(names: readonly string[]): fc.Arbitrary<Record<string, unknown>> {
  return fc.dictionary(
    fc.oneof(fc.constantFrom(...names), fc.string({ maxLength: 10 })),
    hostileValue,
    {
      maxKeys: names.length + 2,
      noNullPrototype: true,
    },
  );
}

const TICKET_FIELDS = [
  "customer",
  "environment",
  "subject",
  "description",
  "severity",
  "reporter",
  "external_ref",
  "window",
  "opened_at",
  "status",
  "status_reason",
  "assignee",
];

const validTicket = fc.record({
  customer: fc.constantFrom("acme", "globex"),
  environment: fc.constantFrom("prod", "staging"),
  subject: hostileString,
  description: hostileString,
  severity: fc.constantFrom("critical", "high", "medium", "low", "urgent"),
  reporter: hostileString,
  opened_at: TIMES,
  window: fc.option(fc.record({ from: TIMES, to: TIMES }), { nil: undefined }),
}, { requiredKeys: ["customer", "environment", "subject", "description", "severity", "reporter"] });

/** A JSON text, or one made to hurt: deep, huge, broken, not UTF-8. */
function jsonish(document: fc.Arbitrary<unknown>): fc.Arbitrary<string | Uint8Array> {
  return fc.oneof(
    { weight: 6, arbitrary: document.map((d) => JSON.stringify(d) ?? "null") },
    { weight: 1, arbitrary: fc.integer({ min: 10, max: 200_000 }).map((n) => "[".repeat(n)) },
    {
      weight: 1,
      arbitrary: fc.integer({ min: 10, max: 5_000 }).map((n) =>
        '{"a":'.repeat(n) + "1" + "}".repeat(n)
      ),
    },
    { weight: 1, arbitrary: fc.string({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.uint8Array({ maxLength: 200 }) },
    { weight: 1, arbitrary: fc.constant('{"a":1,}') },
  );
}

const logLine = fc.oneof(
  fc.record({ ts: TIMES, level: hostileString, msg: hostileString }).map((r) => JSON.stringify(r)),
  fc.record({ timestamp: TIMES, message: hostileString }).map((r) => JSON.stringify(r)),
  hostileString,
);

const logBody = fc.oneof(
  fc.array(logLine, { maxLength: 30 }).map((lines) => lines.join("\n")),
  fc.integer({ min: 1, max: 300_000 }).map((n) => "a\n".repeat(n)),
  fc.uint8Array({ maxLength: 500 }),
  jsonish(fc.array(fc.record({ msg: hostileString, ts: TIMES }), { maxLength: 10 })),
);

const csvBody = fc.oneof(
  fc.array(
    fc.tuple(hostileString, hostileString, hostileString, hostileString).map((cells) =>
      cells.map((c) => (c.includes(",") || c.includes('"') ? `"${c.replaceAll('"', '""')}"` : c))
        .join(",")
    ),
    { maxLength: 20 },
  ).map((rows) => ["customer_id,name,contract_value,environments", ...rows].join("\n")),
  fc.string({ maxLength: 300 }),
  fc.constant('customer_id,name\n"unclosed,quote\n'),
);

const CONTENT_TYPES = [
  "application/json",
  "application/json; charset=utf-8",
  "application/x-ndjson",
  "text/plain",
  "text/csv",
  "application/xml",
  "multipart/form-data; boundary=x",
  "",
  "application/json; charset=utf-16",
];

const hostileHeaders = fc.record({
  "idempotency-key": fc.option(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 20 }),
      fc.integer({ min: 200, max: 6_000 }).map((n) => "k".repeat(n)),
      fc.constantFrom("retry-1", "retry-2", "é", "key with spaces"),
    ),
    { nil: undefined },
  ),
  "if-match": fc.option(
    fc.oneof(fc.constantFrom('"1"', '"0"', "*", 'W/"2"', "garbage"), fc.string()),
    {
      nil: undefined,
    },
  ),
  "x-actor": fc.option(hostileString, { nil: undefined }),
}, { requiredKeys: [] });

/** Header values fetch can send: Latin-1, no CR/LF/NUL, trimmed. */
function sendable(headers: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const clean = value.replace(/[^\x20-\x7e]/g, "?").trim().slice(0, MAX_HEAD_PART);
    if (clean !== "") out[name] = clean;
  }
  return out;
}

/**
 * Heads (URL and headers) above what the HTTP runtime parses (about 64 KiB)
 * are refused by Deno itself with a bare 400 before Loupe sees them; Loupe's
 * own limits (8 KiB URL -> 414) lie below, so the fuzzer stays under it.
 */
const MAX_HEAD_PART = 20_000;
const pathPart = hostileString.map((s) => encodePart(s).slice(0, MAX_HEAD_PART));

export function hostileRequests(targets: FuzzTargets): fc.Arbitrary<HostileRequest> {
  const ticket = fc.oneof(
    { weight: 4, arbitrary: fc.constant(targets.ticketId) },
    { weight: 1, arbitrary: pathPart },
  );
  const route = fc.oneof(
    logBody.chain((body) =>
      fc.record({
        query: fc.oneof(
          fc.constant("?customer=acme&environment=prod"),
          fc.constantFrom("?strict=true", "?format=syslog", "?format=nope", "?customer=", "?x=1"),
          pathPart.map((s) => `?customer=${s}&environment=prod`),
        ),
        type: fc.constantFrom(
          "application/x-ndjson",
          "text/plain",
          "application/json",
          "text/csv",
          "image/png",
        ),
      }).map(({ query, type }) => ({ method: "POST", path: `/v1/logs${query}`, type, body }))
    ),
    jsonish(fc.oneof(validTicket, fieldsOf(TICKET_FIELDS))).map((body) => ({
      method: "POST",
      path: "/v1/tickets",
      type: "application/json",
      body,
    })),
    fc.tuple(ticket, jsonish(fieldsOf(TICKET_FIELDS))).map(([id, body]) => ({
      method: "PATCH",
      path: `/v1/tickets/${id}`,
      type: "application/json",
      body,
    })),
    fc.tuple(
      ticket,
      jsonish(fc.oneof(
        fc.record({ author: hostileString, body: hostileString, visibility: hostileString }),
        fieldsOf(["author", "body", "visibility"]),
      )),
    ).map(([id, body]) => ({
      method: "POST",
      path: `/v1/tickets/${id}/comments`,
      type: "application/json",
      body,
    })),
    fc.tuple(
      ticket,
      jsonish(fieldsOf(["signature_id", "signature_ids", "log_event_id", "log_event_ids"])),
    ).map(([id, body]) => ({
      method: "POST",
      path: `/v1/tickets/${id}/links`,
      type: "application/json",
      body,
    })),
    fc.tuple(
      ticket,
      fc.oneof(fc.constant(targets.signatureId), pathPart),
    )
      .map(([id, sid]) => ({
        method: "DELETE",
        path: `/v1/tickets/${id}/links/signatures/${sid}`,
        type: "",
        body: undefined,
      })),
    fc.tuple(ticket, pathPart).map(([id, eventId]) => ({
      method: "DELETE",
      path: `/v1/tickets/${id}/links/log-events/${eventId}`,
      type: "",
      body: undefined,
    })),
    fc.tuple(ticket, jsonish(fieldsOf(["root_cause", "solution", "prevention", "resolver"]))).map((
      [id, body],
    ) => ({
      method: "POST",
      path: `/v1/tickets/${id}/resolution`,
      type: "application/json",
      body,
    })),
    jsonish(fc.oneof(
      fc.record({ environment: hostileString, at: TIMES, cpu: hostileValue }),
      fieldsOf(["environment", "customer", "at"]),
    )).map((body) => ({
      method: "POST",
      path: "/v1/metrics",
      type: "application/json",
      body,
    })),
    jsonish(fc.oneof(
      fc.record({
        rules: fc.array(
          fieldsOf(["id", "metric", "comparison", "threshold", "severity", "message"]),
          { maxLength: 3 },
        ),
      }),
      fieldsOf(["rules"]),
    )).map((body) => ({ method: "PUT", path: "/v1/rules", type: "application/json", body })),
    csvBody.map((body) => ({
      method: "POST",
      path: "/v1/customers/import",
      type: "text/csv",
      body,
    })),
    jsonish(
      fc.array(fieldsOf(["customer_id", "name", "contract_value", "environments"]), {
        maxLength: 3,
      }),
    )
      .map((body) => ({
        method: "POST",
        path: "/v1/customers/import",
        type: "application/json",
        body,
      })),
    fc.oneof(fc.constant(targets.customerId), pathPart).map((id) => ({
      method: "DELETE",
      path: `/v1/customers/${id}`,
      type: "",
      body: undefined,
    })),
  );
  return fc.record({
    route,
    headers: hostileHeaders,
    wrongType: fc.option(fc.constantFrom(...CONTENT_TYPES), { freq: 5, nil: undefined }),
  }).map(({ route, headers, wrongType }) => {
    const type = wrongType ?? route.type;
    return {
      method: route.method,
      path: route.path,
      headers: sendable({ ...headers, ...(type === "" ? {} : { "content-type": type }) }),
      body: route.body,
    };
  });
}

export interface FuzzReport {
  readonly cases: number;
  readonly byStatus: Record<string, number>;
  /** Requests answered 5xx, or with an error body not in the documented shape. */
  readonly failures: { request: string; status: number; body: string }[];
  readonly healthProbes: number;
  readonly healthFailures: number;
  readonly healthMaxMs: number;
  readonly healthOver100Ms: number;
  /** Read endpoints that did not answer 200 afterwards. */
  readonly readFailures: { path: string; status: number; body: string }[];
}

/** Drives the server at `url` with `numRuns` hostile requests, probing /healthz throughout. */
export async function runFuzz(
  url: string,
  targets: FuzzTargets,
  numRuns: number,
  seed = 25,
): Promise<FuzzReport> {
  const byStatus: Record<string, number> = {};
  const failures: FuzzReport["failures"] = [];
  let cases = 0;
  const health = await probingHealth(url, () =>
    fc.assert(
      fc.asyncProperty(hostileRequests(targets), async (request) => {
        cases++;
        let status: number;
        let text: string;
        try {
          const response = await fetch(`${url}${request.path}`, {
            method: request.method,
            headers: request.headers,
            ...(request.body === undefined ? {} : { body: request.body as BodyInit }),
          });
          status = response.status;
          text = await response.text();
        } catch (error) {
          status = 0;
          text = String(error);
        }
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        let shaped = status < 400;
        if (!shaped) {
          try {
            shaped = isErrorShape(JSON.parse(text));
          } catch {
            shaped = false;
          }
        }
        if (status >= 500 || status === 0 || !shaped) {
          failures.push({
            request: `${request.method} ${request.path.slice(0, 120)} ${
              JSON.stringify(request.headers).slice(0, 200)
            } body ${String(request.body).slice(0, 120)}`,
            status,
            body: text.slice(0, 300),
          });
        }
      }),
      { numRuns, seed, endOnFailure: false, interruptAfterTimeLimit: 1e9 },
    ));
  // The fuzzer may have deleted the customer: bring it back so its views are read too.
  await importTargetCustomer(url);
  const readFailures = (await readAll(url, readPaths({ ...targets, environment: "prod" })))
    .filter((r) => r.status !== 200);
  return {
    cases,
    byStatus,
    failures,
    healthProbes: health.latenciesMs.length,
    healthFailures: health.failures,
    healthMaxMs: health.latenciesMs.reduce((max, took) => Math.max(max, took), 0),
    healthOver100Ms: health.latenciesMs.filter((took) => took > 100).length,
    readFailures,
  };
}

async function importTargetCustomer(url: string): Promise<void> {
  const response = await fetch(`${url}/v1/customers/import`, {
    method: "POST",
    headers: { "content-type": "text/csv" },
    body: "customer_id,name,tier,contract_value,environments\nacme,Acme,gold,1000,acme/prod\n",
  });
  if (!response.ok) throw new Error(`Cannot import the fuzz customer: ${await response.text()}`);
}

/** A server with a customer, a ticket and a signature for the fuzzer to aim at. */
export async function seedTargets(url: string): Promise<FuzzTargets> {
  const post = async (path: string, type: string, body: string) => {
    const response = await fetch(`${url}${path}`, {
      method: "POST",
      headers: { "content-type": type },
      body,
    });
    if (!response.ok) throw new Error(`${path}: ${response.status} ${await response.text()}`);
    return await response.json();
  };
  await importTargetCustomer(url);
  await post(
    "/v1/logs?customer=acme&environment=prod",
    "application/x-ndjson",
    Array.from({ length: 20 }, (_, i) =>
      JSON.stringify({
        ts: 1772359200000 + i * 60_000,
        level: "error",
        msg: `card declined for order ${i}`,
      })).join("\n"),
  );
  const ticket = await post(
    "/v1/tickets",
    "application/json",
    JSON.stringify({
      customer: "acme",
      environment: "prod",
      subject: "Checkout fails",
      description: "Cards declined",
      severity: "high",
      reporter: "dana",
    }),
  );
  const signatures = await (await fetch(`${url}/v1/signatures`)).json();
  return { ticketId: ticket.id, signatureId: signatures.items[0].id, customerId: "acme" };
}
