import { contractTest } from "./fixture.ts";
import assert from "node:assert/strict";
import { customerOf } from "../../domain/customers/_test_customer.ts";
import type { CustomerDirectory } from "../../ports/customers.ts";
import { LoupeError } from "../../ports/errors.ts";

/** Opens a fresh, empty directory; `reopen` gives the same directory after a close. */
export interface CustomerDirectoryFixture {
  open(): Promise<{
    directory: CustomerDirectory;
    reopen?: () => Promise<CustomerDirectory>;
    cleanup(): Promise<void>;
  }>;
}

export { customerOf };

/** The behaviour every CustomerDirectory adapter must show. */
export function customerDirectoryContract(adapter: string, fixture: CustomerDirectoryFixture) {
  const test = contractTest(
    `${adapter} customer directory`,
    () => fixture.open(),
    (o) => o.directory,
  );

  test("starts empty", async (d) => {
    assert.deepEqual(d.customers(), []);
    assert.equal(d.customer("acme"), undefined);
    assert.equal(await d.removeCustomer("acme"), false);
  });

  test("an import registers customers, listed by id", async (d) => {
    const receipt = await d.importCustomers([customerOf("zeta"), customerOf("acme")]);
    assert.deepEqual(receipt.registered, ["zeta", "acme"]);
    assert.deepEqual(receipt.changed, []);
    assert.ok(receipt.position > 0);
    assert.deepEqual(d.customers().map((c) => c.customerId), ["acme", "zeta"]);
    assert.deepEqual(d.customer("acme"), customerOf("acme"));
  });

  test("a second import changes what changed and leaves the rest", async (d) => {
    await d.importCustomers([customerOf("acme"), customerOf("beta")]);
    const receipt = await d.importCustomers([
      customerOf("acme", { tier: "enterprise" }),
      customerOf("beta"),
    ]);
    assert.deepEqual(receipt.changed, ["acme"]);
    assert.equal(receipt.unchanged, 1);
    assert.equal(d.customer("acme")?.tier, "enterprise");
    const again = await d.importCustomers([customerOf("acme", { tier: "enterprise" })]);
    assert.equal(again.position, 0, "nothing to store");
    assert.equal(d.customers().length, 2, "a partial export removes nobody");
  });

  test("a retried import with the same key is applied once", async (d) => {
    const first = await d.importCustomers([customerOf("acme")], { idempotencyKey: "sync-1" });
    await d.removeCustomer("acme");
    const retry = await d.importCustomers([customerOf("acme")], { idempotencyKey: "sync-1" });
    assert.equal(retry.duplicate, true);
    assert.equal(retry.position, first.position);
    assert.equal(d.customer("acme"), undefined, "the retry did not register it again");
  });

  test("a refused import changes nothing and says why", async (d) => {
    await d.importCustomers([customerOf("acme")]);
    await assert.rejects(
      () =>
        d.importCustomers([
          customerOf("beta"),
          customerOf("gamma", { environments: ["beta/prod"] }),
        ]),
      (e: unknown) =>
        e instanceof LoupeError && e.code === "validation_failed" &&
        /beta and gamma both claim beta\/prod/.test(e.message),
    );
    assert.deepEqual(d.customers().map((c) => c.customerId), ["acme"]);
  });

  test("removing a customer takes it out of the directory", async (d) => {
    await d.importCustomers([customerOf("acme"), customerOf("beta")]);
    assert.equal(await d.removeCustomer("acme"), true);
    assert.deepEqual(d.customers().map((c) => c.customerId), ["beta"]);
    assert.equal(await d.removeCustomer("acme"), false);
  });

  test("survives a restart", async (d, reopen) => {
    if (reopen === undefined) return;
    await d.importCustomers([customerOf("acme", { tenantId: null, region: "eu-west" })]);
    const reopened = await reopen();
    assert.deepEqual(reopened.customer("acme"), customerOf("acme", { region: "eu-west" }));
  });
}
