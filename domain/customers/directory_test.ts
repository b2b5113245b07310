import assert from "node:assert/strict";
import fc from "fast-check";
import { customerOf as customer } from "./_test_customer.ts";
import {
  type Customer,
  customerWeight,
  Directory,
  DirectoryViolation,
  evolveDirectory,
  PLAN_STEP_CUSTOMERS,
  planImport,
  planImportSteps,
  planRemoval,
} from "./mod.ts";

const META = { at: 1_000, by: "crm-sync" };

const shared = (id: string, tenant = id) =>
  customer(id, { deploymentModel: "multi-tenant", environments: ["eu-1/prod"], tenantId: tenant });

const apply = (events: ReturnType<typeof planImport>, state = new Map<string, Customer>()) =>
  events.reduce(evolveDirectory, state);

Deno.test("given an empty directory, when customers are imported, then each is registered", () => {
  const events = planImport(new Map(), [customer("acme"), shared("zeta")], META);
  assert.deepEqual(events.map((e) => e.type), ["CustomerRegistered", "CustomerRegistered"]);
  assert.deepEqual(events[0]!.data, { customer: customer("acme"), ...META });
});

Deno.test("given imported customers, when the same export is imported again, then nothing changes", () => {
  const state = apply(planImport(new Map(), [customer("acme")], META));
  assert.deepEqual(planImport(state, [customer("acme")], META), []);
});

Deno.test("given a customer, when its row changes, then it is changed and others are left alone", () => {
  const state = apply(planImport(new Map(), [customer("acme"), customer("beta")], META));
  const events = planImport(state, [customer("acme", { tier: "enterprise" })], META);
  assert.deepEqual(events.map((e) => e.type), ["CustomerChanged"]);
  assert.equal(
    apply(events, state).get("beta")?.name,
    "beta Ltd",
    "a partial export removes nobody",
  );
});

Deno.test("an import is refused when an id repeats, naming it", () => {
  assert.throws(
    () => planImport(new Map(), [customer("acme"), customer("acme")], META),
    (e: unknown) => e instanceof DirectoryViolation && /acme appears twice/.test(e.message),
  );
});

Deno.test("an import is refused when two customers claim one dedicated environment", () => {
  assert.throws(
    () =>
      planImport(
        new Map(),
        [customer("acme"), customer("beta", { environments: ["acme/prod"] })],
        META,
      ),
    /acme and beta both claim acme\/prod/,
  );
});

Deno.test("an import is refused when two tenants of a shared environment use one tenant id", () => {
  assert.throws(
    () => planImport(new Map(), [shared("zeta", "t1"), shared("omega", "t1")], META),
    /both use tenant t1 in eu-1\/prod/,
  );
});

Deno.test("an import is refused when a multi-tenant customer has no tenant id or a bad environment", () => {
  assert.throws(
    () => planImport(new Map(), [customer("zeta", { deploymentModel: "multi-tenant" })], META),
    /needs a tenant_id/,
  );
  assert.throws(
    () => planImport(new Map(), [customer("acme", { environments: ["prod"] })], META),
    /environment "prod" is not <owner>\/<environment>/,
  );
});

Deno.test("an environment is never dedicated and shared at once", () => {
  assert.throws(
    () =>
      planImport(
        new Map(),
        [shared("zeta"), customer("acme", { environments: ["eu-1/prod"] })],
        META,
      ),
    /eu-1\/prod is dedicated to acme and shared/,
  );
});

Deno.test("removing a customer is one event; removing an unknown one is none", () => {
  const state = apply(planImport(new Map(), [customer("acme")], META));
  assert.deepEqual(planRemoval(state, "acme", META).map((e) => e.type), ["CustomerRemoved"]);
  assert.deepEqual(planRemoval(state, "nobody", META), []);
});

Deno.test("attribution: dedicated environment, tenant in a shared one, known owner, unknowns", () => {
  const directory = new Directory([
    customer("acme", { environments: ["acme/prod", "legacy-host-7/prod"] }),
    shared("zeta", "zeta-tenant"),
  ]);
  assert.equal(directory.customerOf("acme", "", "prod"), "acme");
  assert.equal(
    directory.customerOf("legacy-host-7", "", "prod"),
    "acme",
    "listed under another owner",
  );
  assert.equal(
    directory.customerOf("acme", "zeta-tenant", "prod"),
    "acme",
    "a dedicated env ignores tenants",
  );
  assert.equal(
    directory.customerOf("acme", "", "staging"),
    "acme",
    "an unlisted env of a known customer",
  );
  assert.equal(directory.customerOf("eu-1", "zeta-tenant", "prod"), "zeta");
  assert.equal(directory.customerOf("eu-1", "", "prod"), null, "cluster lines without a tenant");
  assert.equal(
    directory.customerOf("eu-1", "stranger", "prod"),
    null,
    "a tenant the CRM does not know",
  );
  assert.equal(
    directory.customerOf("eu-1", "zeta-tenant", "staging"),
    null,
    "tenant outside its env",
  );
  assert.equal(directory.customerOf("unknown-host", "", "prod"), null);
  assert.equal(directory.customerOf("", "zeta-tenant", ""), null);
});

Deno.test("attribution without a directory takes the owner a source names, and nothing for none", () => {
  const directory = new Directory([]);
  assert.equal(directory.customerOf("acme", "t", "prod"), "acme");
  assert.equal(directory.customerOf("", "t", "prod"), null);
});

Deno.test("weight: explicit weight, else contract value, else the tier's typical value", () => {
  assert.equal(customerWeight(customer("a", { weight: 3, contractValue: 90_000 })), 3);
  assert.equal(customerWeight(customer("a", { contractValue: 90_000 })), 90_000);
  assert.equal(customerWeight(customer("a", { tier: "enterprise" })), 150_000);
  assert.equal(customerWeight(customer("a", { tier: "platinum" })), 8_000);
});

const ids = fc.constantFrom("a", "b", "c", "d", "e");
const origin = fc.record({
  owner: fc.constantFrom("a", "b", "c", "eu-1", "x", ""),
  tenant: fc.constantFrom("", "a", "b", "t-c", "zz"),
  environment: fc.constantFrom("prod", "staging", ""),
});

Deno.test("property: an attributed customer is in the directory, and a shared env needs its tenant", () => {
  const directories = fc.uniqueArray(ids, { minLength: 1 }).chain((list) =>
    fc.tuple(
      ...list.map((id) =>
        fc.boolean().map((isShared) => isShared ? shared(id, `t-${id}`) : customer(id))
      ),
    )
  );
  fc.assert(
    fc.property(directories, fc.array(origin, { maxLength: 20 }), (customers, origins) => {
      const directory = new Directory(customers);
      for (const o of origins) {
        const found = directory.customerOf(o.owner, o.tenant, o.environment);
        if (found === null) continue;
        const c = directory.customer(found);
        assert.ok(c !== undefined, `${found} is not in the directory`);
        if (o.owner === "eu-1") {
          assert.equal(o.tenant, c.tenantId, "tenant decides in a shared env");
        }
      }
    }),
  );
});

Deno.test("a large import is planned in steps that pause, and refusals still come through", () => {
  const many = Array.from(
    { length: PLAN_STEP_CUSTOMERS * 3 },
    (_, i) => customer(`c${i}`, { environments: [`c${i}/prod`] }),
  );
  const steps = planImportSteps(new Map(), many, META);
  let pauses = 0;
  let step = steps.next();
  for (; !step.done; step = steps.next()) pauses++;
  assert.ok(pauses >= 3, `only ${pauses} pauses`);
  assert.equal(step.value.length, many.length);
  const clash = [...many, customer("late", { environments: ["c0/prod"] })];
  assert.throws(() => planImport(new Map(), clash, META), DirectoryViolation);
});

Deno.test("a customer id with a control character is refused: such names own the keys of log origins", () => {
  assert.throws(
    () => planImport(new Map(), [customer("\u0001acme")], { at: 0, by: null }),
    /control character/,
  );
});
