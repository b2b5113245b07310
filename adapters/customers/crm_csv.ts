/**
 * The CRM's customer export as CSV: one row per customer. Column names are
 * matched loosely (`customer_id` or `id`, `contract_value` or `arr`, ...);
 * every row is checked and the first bad one is reported with its line.
 */
import { parse } from "csv-parse/sync";
import { z } from "zod";
import { type Customer, DEPLOYMENT_MODELS } from "../../domain/customers/mod.ts";
import { LoupeError } from "../../ports/errors.ts";
import { Pacer } from "../../ports/pacing.ts";
import { csvSlices } from "../csv_slices.ts";

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

/** Largest contract value or weight: beyond it, a typo that would swamp every other weight. */
const MAX_NUMBER = 1e15;

const optionalText = z.string().trim().transform((value) => value === "" ? null : value);
const optionalNumber = z.string().trim().transform((value, ctx) => {
  if (value === "") return null;
  const number = Number(value.replace(/[,_\s$€£]/g, ""));
  if (!Number.isFinite(number) || number < 0) {
    ctx.addIssue({ code: "custom", message: `"${value}" is not a number ≥ 0` });
    return z.NEVER;
  }
  if (number > MAX_NUMBER) {
    ctx.addIssue({ code: "custom", message: `"${value}" is larger than ${MAX_NUMBER}` });
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
  const { fields, body } = csvRows(text);
  return body.map((cells, index) => customerOfRow(fields, cells, index));
}

/** Rows validated between two looks at the clock. */
const ROWS_PER_CHUNK = 100;

/**
 * {@linkcode parseCustomerCsv} for a large export on a thread that also
 * answers requests: rows are checked a chunk at a time, yielding between
 * chunks, so /healthz is never kept waiting for the whole file.
 */
export async function parseCustomerCsvYielding(
  text: string | readonly string[],
): Promise<Customer[]> {
  const pacer = new Pacer();
  // The header is checked as soon as its slice is read: a body that is not a
  // customer export is refused before the rest of it costs anything.
  const { fields, body } = headerAndBody(await csvRowsYielding(text, pacer, headerFields));
  const customers: Customer[] = [];
  for (let from = 0; from < body.length; from += ROWS_PER_CHUNK) {
    if (from > 0) await pacer.pace();
    const end = Math.min(body.length, from + ROWS_PER_CHUNK);
    for (let index = from; index < end; index++) {
      customers.push(customerOfRow(fields, body[index]!, index));
    }
  }
  return customers;
}

type Field = keyof Customer | undefined;

const CSV_OPTIONS = { skip_empty_lines: true, relax_column_count: true };
function csvError(error: unknown): LoupeError {
  return new LoupeError(
    "bad_request",
    `Cannot read customer CSV: ${error instanceof Error ? error.message : String(error)}`,
  );
}

function csvRows(text: string): { fields: Field[]; body: string[][] } {
  let rows: string[][];
  try {
    rows = parse(text.replace(/^\uFEFF/, ""), CSV_OPTIONS) as string[][];
  } catch (error) {
    throw csvError(error);
  }
  return headerAndBody(rows);
}

/**
 * The rows of a CSV text, parsed a slice at a time (see `csv_slices.ts`) with
 * the event loop free in between; `checkHeader` sees the header as soon as
 * its slice is read.
 */
async function csvRowsYielding(
  text: string | readonly string[],
  pacer: Pacer,
  checkHeader: (header: string[]) => unknown,
): Promise<string[][]> {
  const rows: string[][] = [];
  let headerChecked = false;
  for (const slice of csvSlices(text, "customer CSV")) {
    try {
      for (const row of parse(slice, CSV_OPTIONS) as string[][]) rows.push(row);
    } catch (error) {
      throw csvError(error);
    }
    if (!headerChecked && rows.length > 0) {
      checkHeader(rows[0]!);
      headerChecked = true;
    }
    await pacer.pace();
  }
  return rows;
}

function headerAndBody(rows: string[][]): { fields: Field[]; body: string[][] } {
  const [header, ...body] = rows;
  if (header === undefined) {
    throw new LoupeError("bad_request", "Cannot read customer CSV: it is empty");
  }
  return { fields: headerFields(header), body };
}

/** The customer field of each column; refuses a header without the id or the name. */
function headerFields(header: string[]): Field[] {
  const fields = header.map((name) => COLUMNS[name.trim().toLowerCase().replace(/[\s-]+/g, "_")]);
  for (const required of ["customerId", "name"] as const) {
    if (!fields.includes(required)) {
      throw new LoupeError(
        "bad_request",
        `Cannot read customer CSV: no ${
          required === "customerId" ? "customer_id" : "name"
        } column in the header (${header.join(", ").slice(0, 200)})`,
      );
    }
  }
  return fields;
}

const ROW_FIELDS = Object.keys(rowSchema.shape);

/**
 * What `rowSchema` makes of a row, without zod's per-row cost (a 50,000-row
 * export spent seconds there); undefined for anything unusual, which then
 * goes through the schema for its exact error.
 */
function plainRow(row: Record<string, string>): Customer | undefined {
  const customerId = row.customerId!.trim();
  const name = row.name!.trim();
  const tier = row.tier!.trim();
  if (customerId.length < 1 || customerId.length > 200) return undefined;
  if (name.length < 1 || name.length > 500 || tier.length > 100) return undefined;
  const contractValue = plainNumber(row.contractValue!);
  const weight = plainNumber(row.weight!);
  if (contractValue === undefined || weight === undefined) return undefined;
  const model = row.deploymentModel!.trim().toLowerCase().replace(/[\s_]+/g, "-");
  const deploymentModel = model === "" || model === "dedicated" || model === "single"
    ? "single-tenant"
    : model === "shared" || model === "multi"
    ? "multi-tenant"
    : (DEPLOYMENT_MODELS as readonly string[]).includes(model)
    ? model as Customer["deploymentModel"]
    : undefined;
  if (deploymentModel === undefined) return undefined;
  const text = (value: string) => value.trim() === "" ? null : value.trim();
  return {
    customerId,
    name,
    tier: tier === "" ? "standard" : tier.toLowerCase(),
    contractValue,
    weight,
    region: text(row.region!),
    deploymentModel,
    environments: row.environments!.split(/[;|\s]+/).map((e) => e.trim()).filter((e) => e !== ""),
    tenantId: text(row.tenantId!),
    primaryContact: text(row.primaryContact!),
    primaryEmail: text(row.primaryEmail!),
  };
}

function plainNumber(value: string): number | null | undefined {
  const trimmed = value.trim();
  if (trimmed === "") return null;
  const number = Number(trimmed.replace(/[,_\s$€£]/g, ""));
  return Number.isFinite(number) && number >= 0 && number <= MAX_NUMBER ? number : undefined;
}

function customerOfRow(
  fields: readonly Field[],
  cells: readonly string[],
  index: number,
): Customer {
  const row: Record<string, string> = {};
  for (const field of ROW_FIELDS) row[field] = "";
  const filled = new Set<string>();
  fields.forEach((field, column) => {
    // The first of two aliased columns wins (`id` and `customer_id`).
    if (field !== undefined && !filled.has(field)) {
      filled.add(field);
      row[field] = cells[column] ?? "";
    }
  });
  const fast = plainRow(row);
  if (fast !== undefined) return fast;
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
}
