/**
 * The customer side of the HTTP API: the directory (imported from the
 * CRM's CSV export or as JSON) and the customers as Loupe sees them. Handlers
 * throw LoupeError and the parent app's onError shapes every failure.
 */
import { Hono } from "hono";
import { z } from "zod";
import { type Customer, DEPLOYMENT_MODELS } from "../../domain/customers/mod.ts";
import type { CustomerApi, CustomerView, OriginView } from "../../ports/customers.ts";
import { LoupeError } from "../../ports/errors.ts";
import { Pacer } from "../../ports/pacing.ts";
import { parseCustomerCsvYielding } from "../customers/crm_csv.ts";
import { parseJsonTextPaced } from "../json_text.ts";
import { idempotencyKeyOf, requestFingerprint } from "./idempotency.ts";
import { isoTimeOrNull } from "../iso_time.ts";
import { customerFilter } from "./access.ts";
import type { RouteDoc } from "./openapi.ts";
import { actorOf, limitParam, offsetParam, readBodyLimited, textPartsOf } from "./request.ts";
import { customerJsonOf } from "../reports/customers.ts";

export interface CustomerRouteDeps {
  /** Largest import accepted, in bytes. */
  readonly maxBodyBytes: number;
}

const nullableText = z.string().trim().min(1).max(500).nullable().default(null);
/** Above any contract: a number this large is a mistake that would swamp every weight. */
const MAX_CONTRACT_VALUE = 1e15;
const nullableNumber = z.number().finite().min(0).max(MAX_CONTRACT_VALUE).nullable().default(null);

const customerJson = z.object({
  customer_id: z.string().trim().min(1).max(200),
  name: z.string().trim().min(1).max(500),
  tier: z.string().trim().min(1).max(100).transform((t) => t.toLowerCase()).default("standard"),
  contract_value: nullableNumber,
  weight: nullableNumber,
  region: nullableText,
  deployment_model: z.enum(DEPLOYMENT_MODELS).default("single-tenant"),
  environments: z.array(z.string().trim().min(3).max(400)).max(1000).default([]),
  tenant_id: nullableText,
  primary_contact: nullableText,
  primary_email: nullableText,
}).strict();

const importJson = z.union([
  z.array(customerJson),
  z.object({ customers: z.array(customerJson) }).strict().transform((body) => body.customers),
]);

const pageQuery = z.object({
  limit: limitParam(1000, 100),
  offset: offsetParam,
}).strict();

export function customerRoutes(api: CustomerApi, deps: CustomerRouteDeps): Hono {
  const http = new Hono();

  http.get("/v1/customers", (c) => {
    const { limit, offset } = pageQuery.parse(c.req.query());
    const own = customerFilter(c, undefined);
    if (own !== undefined) {
      // A customer token sees itself, and nothing of the origins nobody claims.
      const view = api.customerView(own);
      return c.json({
        total: 1,
        items: offset === 0 ? [customerViewJson(view)] : [],
        unattributed: { records: 0, origins: [] },
      });
    }
    const page = api.listCustomers(limit, offset);
    return c.json({
      total: page.total,
      items: page.items.map(customerViewJson),
      unattributed: {
        records: page.unattributed.records,
        origins: page.unattributed.origins.map(originJson),
      },
    });
  });

  // The CRM export as text/csv, or JSON (an array, or {"customers": [...]}).
  http.post("/v1/customers/import", async (c) => {
    const mediaType = (c.req.header("content-type") ?? "text/csv").split(";")[0]!.trim()
      .toLowerCase();
    const idempotencyKey = idempotencyKeyOf(c.req.header("idempotency-key"));
    const json = mediaType === "application/json";
    // Refused before a byte is read: a wrong type costs nothing, whatever its size.
    if (!json && mediaType !== "text/csv" && mediaType !== "text/plain") {
      throw new LoupeError(
        "unsupported_media_type",
        `Cannot import customers sent as ${mediaType}: send text/csv or application/json`,
      );
    }
    const pacer = new Pacer();
    const bytes = await readBodyLimited(c.req.raw, deps.maxBodyBytes, pacer);
    const parts = await textPartsOf(bytes, pacer);
    const customers: Customer[] = json
      ? await customersOfJsonPaced(await parseJsonTextPaced(parts, pacer))
      : await parseCustomerCsvYielding(parts);
    const by = actorOf(c);
    const receipt = await api.importCustomers(customers, {
      ...(idempotencyKey === undefined
        ? {}
        : { idempotencyKey, fingerprint: requestFingerprint([mediaType, bytes]) }),
      ...(by === undefined ? {} : { by }),
    });
    return c.json({
      received: customers.length,
      registered: receipt.registered,
      changed: receipt.changed,
      unchanged: receipt.unchanged,
      duplicate: receipt.duplicate,
      position: receipt.position,
    });
  });

  http.get(
    "/v1/customers/:id",
    (c) => c.json(customerViewJson(api.customerView(c.req.param("id")))),
  );

  http.delete("/v1/customers/:id", async (c) => {
    const id = c.req.param("id");
    const by = actorOf(c);
    if (!await api.removeCustomer(id, by === undefined ? {} : { by })) {
      throw new LoupeError("not_found", `Cannot find customer ${id}`);
    }
    return c.body(null, 204);
  });

  return http;
}

/**
 * What `importJson` reads, one customer at a time with the event loop free in
 * between: zod over 50,000 customers at once held the thread for seconds.
 * Refusals carry the same paths as the schema's, thrown as a real Error
 * (`ZodRealError`): Hono hands only those to the app's error handler.
 */
async function customersOfJsonPaced(document: unknown): Promise<Customer[]> {
  const wrapped = document !== null && typeof document === "object" &&
    !Array.isArray(document);
  if (wrapped) z.object({ customers: z.array(z.unknown()) }).strict().parse(document);
  else z.array(z.unknown()).parse(document);
  const list = (wrapped ? (document as { customers: unknown[] }).customers : document) as unknown[];
  const pacer = new Pacer();
  const customers: Customer[] = [];
  for (let index = 0; index < list.length; index++) {
    const parsed = customerJson.safeParse(list[index]);
    if (!parsed.success) {
      const prefix = wrapped ? ["customers", index] : [index];
      throw new z.ZodRealError(
        parsed.error.issues.map((issue) => ({ ...issue, path: [...prefix, ...issue.path] })),
      );
    }
    customers.push(customerOfJson(parsed.data));
    await pacer.pace();
  }
  return customers;
}

function customerOfJson(json: z.infer<typeof customerJson>): Customer {
  return {
    customerId: json.customer_id,
    name: json.name,
    tier: json.tier,
    contractValue: json.contract_value,
    weight: json.weight,
    region: json.region,
    deploymentModel: json.deployment_model,
    environments: json.environments,
    tenantId: json.tenant_id,
    primaryContact: json.primary_contact,
    primaryEmail: json.primary_email,
  };
}

function customerViewJson(view: CustomerView) {
  return {
    ...customerJsonOf(view),
    weight_used: view.weightUsed,
    records: view.records,
    origins: view.origins.map(originJson),
  };
}

function originJson(origin: OriginView) {
  return {
    owner: origin.owner,
    tenant: origin.tenant,
    environment: origin.environment,
    records: origin.records,
    first_seen: isoTimeOrNull(origin.firstSeen),
    last_seen: isoTimeOrNull(origin.lastSeen),
  };
}

const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");
/** A directory entry as the API answers it (`customerJsonOf`). */
export const customerReply = z.object({
  customer_id: z.string(),
  name: z.string(),
  tier: z.string(),
  contract_value: z.number().nullable(),
  weight: z.number().nullable(),
  region: z.string().nullable(),
  deployment_model: z.enum(DEPLOYMENT_MODELS),
  environments: z.array(z.string()),
  tenant_id: z.string().nullable(),
  primary_contact: z.string().nullable(),
  primary_email: z.string().nullable(),
});
const originReply = z.object({
  owner: z.string(),
  tenant: z.string().nullable(),
  environment: z.string(),
  records: z.number().int(),
  first_seen: isoOrNull,
  last_seen: isoOrNull,
}).meta({ id: "Origin" });
const customerViewReply = customerReply.extend({
  weight_used: z.number().describe(
    "the weight impact uses: weight, else contract value, else the tier's",
  ),
  records: z.number().int(),
  origins: z.array(originReply),
}).meta({ id: "Customer" });

/** What `/openapi.json` says about the routes above. */
export const customerRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/v1/customers",
    summary:
      "Customers with where their records come from, and the origins nobody could be attributed to",
    tag: "customers",
    query: pageQuery,
    responses: {
      200: {
        description: "A page of customers",
        schema: z.object({
          total: z.number().int(),
          items: z.array(customerViewReply),
          unattributed: z.object({
            records: z.number().int(),
            origins: z.array(originReply),
          }),
        }),
      },
    },
    errors: [400, 401, 403],
  },
  {
    method: "post",
    path: "/v1/customers/import",
    summary: "Import the CRM's customer export (CSV or JSON); `Idempotency-Key` honoured",
    tag: "customers",
    body: { "text/csv": "the CRM export with a header row", "application/json": importJson },
    responses: {
      200: {
        description: "What was registered, changed or left alone",
        schema: z.object({
          received: z.number().int(),
          registered: z.array(z.string()),
          changed: z.array(z.string()),
          unchanged: z.number().int(),
          duplicate: z.boolean(),
          position: z.number().int(),
        }),
      },
    },
    errors: [400, 401, 403, 409, 413, 415],
  },
  {
    method: "get",
    path: "/v1/customers/:id",
    summary: "One customer and its origins",
    tag: "customers",
    responses: { 200: { description: "The customer", schema: customerViewReply } },
    errors: [401, 403, 404],
  },
  {
    method: "delete",
    path: "/v1/customers/:id",
    summary: "Remove a customer from the directory",
    tag: "customers",
    responses: { 204: { description: "Removed" } },
    errors: [401, 403, 404],
  },
];
