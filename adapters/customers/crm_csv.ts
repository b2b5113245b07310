/**
 * The CRM's customer export as CSV: one row per customer. Column names are
 * matched loosely (`customer_id` or `id`, `contract_value` or `arr`, ...);
 * every row is checked and the first bad one is reported with its line.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type Customer, DEPLOYMENT_MODELS } from "../../domain/customers/mod.ts";
import { LoupeError } from "../../ports/errors.ts";

/** Header aliases -> the field they fill. */
const COLUMNS: Record<string, keyof Customer> = {
  customer_id: "customerId",
  id: "customerId",
  customer: "customerId",
  account_id: "customerId",
  name: "name",
  customer_name: "name",
  account_name: "name",
  tier: "tier",
  plan: "tier",
  contract_value: "contractValue",
  arr: "contractValue",
  annual_value: "contractValue",
  weight: "weight",
  region: "region",
  deployment_model: "deploymentModel",
  deployment: "deploymentModel",
  environments: "environments",
  environment: "environments",
  tenant_id: "tenantId",
  tenant: "tenantId",
  primary_contact: "primaryContact",
  contact: "primaryContact",
  primary_email: "primaryEmail",
  email: "primaryEmail",
};

const optionalText = z.string().trim().transform((value) => value === "" ? null : value);
const optionalNumber = z.string().trim().transform((value, ctx) => {
  if (value === "") return null;
  const number = Number(value.replace(/[,_\s$€£]/g, ""));
  if (!Number.isFinite(number) || number < 0) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a number ≥ 0` });
    return z.NEVER;
  }
  return number;
});

const rowSchema = z.object({
  customerId: z.string().trim().min(1, "customer_id is empty").max(200),
  name: z.string().trim().min(1, "name is empty").max(500),
  tier: z.string().trim().max(100).transform((t) => t === "" ? "standard" : t.toLowerCase()),
  contractValue: optionalNumber,
  weight: optionalNumber,
  region: optionalText,
  deploymentModel: z.string().trim().transform((value, ctx) => {
    const model = value.toLowerCase().replace(/[\s_]+/g, "-");
    if (model === "" || model === "dedicated" || model === "single") return "single-tenant";
    if (model === "shared" || model === "multi") return "multi-tenant";
    if ((DEPLOYMENT_MODELS as readonly string[]).includes(model)) {
      return model as Customer["deploymentModel"];
    }
    ctx.addIssue({
      code: "custom",
      message: `deployment_model "${value}" is not single-tenant or multi-tenant`,
    });
    return z.NEVER;
  }),
  environments: z.string().transform((value) =>
    value.split(/[;|\s]+/).map((e) => e.trim()).filter((e) => e !== "")
  ),
  tenantId: optionalText,
  primaryContact: optionalText,
  primaryEmail: optionalText,
});

/**
 * @example
 * ```ts
 * import { parseCustomerCsv } from "./crm_csv.ts";
 * import assert from "node:assert/strict";
 * const [acme] = parseCustomerCsv(
 *   "id,name,tier,arr,environments\nacme,Acme Ltd,Enterprise,\"120,000\",acme/prod;acme/staging\n",
 * );
 * assert.equal(acme!.tier, "enterprise");
 * assert.equal(acme!.contractValue, 120000);
 * assert.deepEqual(acme!.environments, ["acme/prod", "acme/staging"]);
 * ```
 */
export function parseCustomerCsv(text: string): Customer[] {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ""), {
      skip_empty_lines: true,
      relax_column_count: true,
    }) as string[][];
  } catch (error) {
    throw new LoupeError(
      "bad_request",
      `Cannot read customer CSV: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
  const [header, ...body] = rows;
  if (header === undefined) {
    throw new LoupeError("bad_request", "Cannot read customer CSV: it is empty");
  }
  const fields = header.map((name) => COLUMNS[name.trim().toLowerCase().replace(/[\s-]+/g, "_")]);
  for (const required of ["customerId", "name"] as const) {
    if (!fields.includes(required)) {
      throw new LoupeError(
        "bad_request",
        `Cannot read customer CSV: no ${
          required === "customerId" ? "customer_id" : "name"
        } column in the header (${header.join(", ")})`,
      );
    }
  }
  return body.map((cells, index) => {
    const row: Record<string, string> = Object.fromEntries(
      Object.keys(rowSchema.shape).map((field) => [field, ""]),
    );
    const filled = new Set<string>();
    fields.forEach((field, column) => {
      // The first of two aliased columns wins (`id` and `customer_id`).
      if (field !== undefined && !filled.has(field)) {
        filled.add(field);
        row[field] = cells[column] ?? "";
      }
    });
    const parsed = rowSchema.safeParse(row);
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new LoupeError(
        "bad_request",
        `Cannot read customer CSV: line ${index + 2}${
          issue.path.length > 0 ? ` (${String(issue.path[0])})` : ""
        }: ${issue.message}`,
        { line: index + 2 },
      );
    }
    return parsed.data satisfies Customer;
  });
}
