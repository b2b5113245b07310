import assert from "node:assert/strict";
import { parseCustomerCsv, parseCustomerCsvYielding } from "./crm_csv.ts";
import { MAX_CSV_ROW_CHARACTERS } from "../csv_slices.ts";
import { LoupeError } from "../../ports/errors.ts";

Deno.test("the simulator's export reads whole, shared-cluster customers with their tenant", async () => {
  const text = await Deno.readTextFile(
    new URL("../../fixtures/scenario/customers.csv", import.meta.url),
  );
  const customers = parseCustomerCsv(text);
  assert.equal(customers.length, 12);
  const shared = customers.find((c) => c.customerId === "driftwood-wines")!;
  assert.deepEqual(shared, {
    customerId: "driftwood-wines",
    name: "Driftwood Wines Ltd",
    tier: "standard",
    contractValue: 5000,
    weight: null,
    region: "eu-west",
    deploymentModel: "multi-tenant",
    environments: ["mt-eu-west-1/prod"],
    tenantId: "driftwood-wines",
    primaryContact: "Ravi Tanaka",
    primaryEmail: "ravi.tanaka@driftwood-wines.example",
  });
});

Deno.test("other CRMs' column names, a BOM, quoted values and blank optional cells", () => {
  const [row] = parseCustomerCsv(
    "\uFEFFAccount ID,Account Name,Plan,ARR,Deployment,Environment,Tenant\n" +
      'acme,"Acme, Inc.",Enterprise,"$1,200,000",Shared,"eu-1/prod | eu-1/staging",acme-t\n',
  );
  assert.equal(row!.customerId, "acme");
  assert.equal(row!.name, "Acme, Inc.");
  assert.equal(row!.tier, "enterprise");
  assert.equal(row!.contractValue, 1_200_000);
  assert.equal(row!.deploymentModel, "multi-tenant");
  assert.deepEqual(row!.environments, ["eu-1/prod", "eu-1/staging"]);
  assert.equal(row!.tenantId, "acme-t");
  assert.equal(row!.region, null);
});

Deno.test("a bad row is reported with its line and column", () => {
  assert.throws(
    () => parseCustomerCsv("customer_id,name,contract_value\nacme,Acme,12\nbeta,Beta,lots\n"),
    (e: unknown) =>
      e instanceof LoupeError && e.code === "bad_request" &&
      e.message === 'Cannot read customer CSV: line 3 (contractValue): "lots" is not a number ≥ 0',
  );
  assert.throws(
    () => parseCustomerCsv("customer_id,name,deployment_model\nacme,Acme,hybrid\n"),
    /line 2 \(deploymentModel\): deployment_model "hybrid" is not single-tenant or multi-tenant/,
  );
  assert.throws(
    () => parseCustomerCsv("customer_id,name\n,Nameless\n"),
    /line 2 \(customerId\): customer_id is empty/,
  );
});

Deno.test("a header without the id or name column, or no rows at all, is refused", () => {
  assert.throws(() => parseCustomerCsv("name,tier\nAcme,gold\n"), /no customer_id column/);
  assert.throws(() => parseCustomerCsv(""), /it is empty/);
  assert.throws(() => parseCustomerCsv('id,name\n"acme,Acme\n'), /Cannot read customer CSV: /);
});

Deno.test("a hostile export is refused before it is read whole, with why", async () => {
  const rows = (n: number) =>
    Array.from({ length: n }, (_, i) => `c${i},Customer ${i}`).join("\n") + "\n";
  // No id column: refused on the first slice, before a later row too long is ever reached.
  await assert.rejects(
    () =>
      parseCustomerCsvYielding(
        "name,tier\n" + rows(100_000) + "x".repeat(MAX_CSV_ROW_CHARACTERS * 2),
      ),
    /no customer_id column/,
  );
  // A quote that is never closed, or no line break: one row past the bound.
  await assert.rejects(
    () => parseCustomerCsvYielding('customer_id,name\nacme,"Acme\n' + rows(20_000)),
    (e: unknown) =>
      e instanceof LoupeError && e.code === "bad_request" &&
      e.message.includes(`runs past ${MAX_CSV_ROW_CHARACTERS} characters`) &&
      e.message.includes('the row starting "acme,"Acme"'),
  );
  await assert.rejects(
    () => parseCustomerCsvYielding("customer_id,name\n" + "x".repeat(MAX_CSV_ROW_CHARACTERS * 2)),
    /runs past/,
  );
  // A long but sane export still reads, slice by slice, as the one-go reader does.
  const text = "customer_id,name,notes\n" +
    Array.from({ length: 5_000 }, (_, i) => `c${i},"Customer ${i}","line one\nline two"`)
      .join("\n");
  assert.deepEqual(await parseCustomerCsvYielding(text), parseCustomerCsv(text));
});
