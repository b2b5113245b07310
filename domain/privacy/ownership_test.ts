import assert from "node:assert/strict";
import {
  dayOf,
  DEPLOYMENT,
  keyOwnersOfCustomer,
  originOfOwner,
  originOwner,
  ownersOfAppend,
  PERMANENT,
} from "./ownership.ts";
import { type Customer, Directory } from "../customers/mod.ts";
import { customerOf } from "../customers/_test_customer.ts";
import { retentionPlan, retentionSettings } from "./retention.ts";
import { DAY_MS } from "../time.ts";

const batch = (
  customer: string | undefined,
  times: number[],
  records?: { customer?: string }[],
) => ({
  type: "LogBatchIngested",
  data: {
    context: customer === undefined ? {} : { customer },
    receivedAt: 5 * DAY_MS,
    records: records ?? times.map((timestamp) => ({ timestamp, customer: null })),
  },
});

Deno.test("a batch is its customer's, on the day of its latest record; what the miner learned from it is theirs for good", () => {
  const { owners } = ownersOfAppend(
    [
      { type: "SignatureDiscovered", data: { template: "t" } },
      batch("acme", [DAY_MS, 3 * DAY_MS + 5]),
    ],
    undefined,
  );
  assert.deepEqual(owners, [
    { customer: "acme", period: PERMANENT },
    { customer: "acme", period: 3 },
  ]);
});

Deno.test("a batch without a context customer is the one customer all its records name, else the deployment's", () => {
  const same = ownersOfAppend(
    [batch(undefined, [], [{ customer: "a" }, { customer: "a" }])],
    undefined,
  );
  assert.equal(same.owners[0]!.customer, "a");
  const mixed = ownersOfAppend(
    [batch(undefined, [], [{ customer: "a" }, { customer: "b" }])],
    undefined,
  );
  assert.deepEqual(mixed.owners[0], { customer: DEPLOYMENT, period: PERMANENT });
});

Deno.test("a ticket's stream follows its opening: later events take its customer and day", () => {
  const opening = ownersOfAppend(
    [{ type: "TicketOpened", data: { customer: "acme", openedAt: 10 * DAY_MS } }],
    undefined,
  );
  assert.deepEqual(opening.newStreamOwner, { customer: "acme", period: 10 });
  const later = ownersOfAppend(
    [{ type: "TicketCommented", data: { body: "x" } }],
    opening.newStreamOwner,
  );
  assert.deepEqual(later.owners, [{ customer: "acme", period: 10 }]);
  assert.equal(later.newStreamOwner, undefined);
});

Deno.test("a directory record is the customer's for good; events naming nobody are the deployment's", () => {
  const { owners } = ownersOfAppend([
    { type: "CustomerRegistered", data: { customer: { customerId: "acme" }, at: 0 } },
  ], undefined);
  assert.deepEqual(owners, [{ customer: "acme", period: PERMANENT }]);
  const rules = ownersOfAppend([{ type: "RulesConfigured", data: { rules: [] } }], undefined);
  assert.deepEqual(rules.owners, [{ customer: DEPLOYMENT, period: PERMANENT }]);
});

Deno.test("a batch split by customer: each part is the customer ingest attributed it to, and the templates learned from it are that customer's", () => {
  const part = (customer: string, day: number) => {
    const event = batch("shared-cluster", [day * DAY_MS]);
    return { ...event, data: { ...event.data, customer } };
  };
  const learned = { type: "SignatureDiscovered", data: { template: "t" } };
  const { owners } = ownersOfAppend(
    [learned, part("tenant-a", 3), learned, learned, part("tenant-b", 4), learned],
    undefined,
  );
  assert.deepEqual(owners, [
    { customer: "tenant-a", period: PERMANENT },
    { customer: "tenant-a", period: 3 },
    { customer: "tenant-b", period: PERMANENT },
    { customer: "tenant-b", period: PERMANENT },
    { customer: "tenant-b", period: 4 },
    // Nothing after it names anyone: the last one before it.
    { customer: "tenant-b", period: PERMANENT },
  ]);
});

Deno.test("what the ticketing sync and access keep is sealed for every customer it names, for good", () => {
  const owner = (type: string, data: unknown) =>
    ownersOfAppend([{ type, data }], undefined).owners[0];
  assert.deepEqual(owner("DeliveryQueued", { customers: ["acme", "globex", "acme"] }), {
    customer: "acme",
    period: PERMANENT,
    coOwners: ["globex"],
  });
  assert.deepEqual(
    owner("DeliveryAttemptFailed", { customers: ["globex"], error: "422: quoted text" }),
    { customer: "globex", period: PERMANENT },
  );
  assert.deepEqual(owner("DeliveryDeadLettered", { customers: ["acme", "globex"] }), {
    customer: "acme",
    period: PERMANENT,
    coOwners: ["globex"],
  });
  assert.deepEqual(owner("DeliveryDelivered", { deliveryId: "d1" }), {
    customer: DEPLOYMENT,
    period: PERMANENT,
  });
  assert.deepEqual(owner("DeliveryQueued", { customers: [] }), {
    customer: DEPLOYMENT,
    period: PERMANENT,
  });
  assert.deepEqual(
    owner("IssueImpactReported", {
      customers: [{ customer: "globex", tier: "enterprise" }, { customer: "acme", tier: null }],
    }),
    { customer: "globex", period: PERMANENT, coOwners: ["acme"] },
  );
  assert.deepEqual(owner("IssueReopened", { customer: "acme" }), {
    customer: "acme",
    period: PERMANENT,
  });
  assert.deepEqual(owner("ZendeskTicketSynced", { customer: null }), {
    customer: DEPLOYMENT,
    period: PERMANENT,
  });
  assert.deepEqual(owner("CustomerDataRead", { entries: [{ customer: "acme" }] }), {
    customer: "acme",
    period: PERMANENT,
  });
  assert.equal(owner("TokenCreated", { role: "customer:acme" })!.customer, "acme");
  assert.equal(owner("TokenCreated", { role: "ingest:acme/prod" })!.customer, "acme");
  assert.equal(owner("TokenCreated", { role: "agent" })!.customer, DEPLOYMENT);
  assert.equal(owner("RetentionSet", { customerId: "acme", days: 30 })!.customer, "acme");
  // The record of an erasure outlives the customer.
  assert.equal(owner("CustomerForgotten", { customerId: "acme" })!.customer, DEPLOYMENT);
});

Deno.test("retention: the latest setting wins, null goes back to the default, customers without either are kept", () => {
  const settings = retentionSettings([
    { type: "RetentionSet", data: { customerId: "a", days: 10 } },
    { type: "RetentionSet", data: { customerId: "b", days: 20 } },
    { type: "RetentionSet", data: { customerId: "b", days: null } },
  ]);
  const now = 100 * DAY_MS + 1;
  assert.deepEqual(retentionPlan(now, ["a", "b"], settings, null), [{
    customerId: "a",
    beforeDay: 90,
  }]);
  assert.deepEqual(retentionPlan(now, ["a", "b"], settings, 30), [
    { customerId: "a", beforeDay: 90 },
    { customerId: "b", beforeDay: 70 },
  ]);
});

Deno.test("feedback keeps a ticket's words: it is the ticket's customer's, for the ticket's period", () => {
  const owner = (data: unknown) =>
    ownersOfAppend([{ type: "ArticleFeedbackRecorded", data }], undefined).owners[0];
  const openedAt = Date.UTC(2026, 2, 2, 10);
  assert.deepEqual(owner({ customer: "globex", ticketOpenedAt: openedAt, words: "w" }), {
    customer: "globex",
    period: dayOf(openedAt),
  });
  assert.deepEqual(owner({ customer: "globex", words: "w" }), {
    customer: "globex",
    period: PERMANENT,
  });
  // Recorded before feedback named its customer: the deployment's, as it was.
  assert.deepEqual(owner({ words: "w" }), { customer: DEPLOYMENT, period: PERMANENT });
});

const origin = (owner: string, environment: string, tenant = "") => ({
  owner,
  environment,
  tenant,
});

Deno.test("a batch that states its origin is the origin's, and so are the templates learned from it, whatever customer it was attributed to", () => {
  const part = (customer: string, tenant: string, day: number) => {
    const event = batch("mt-eu", [day * DAY_MS]);
    return { ...event, data: { ...event.data, customer, origin: origin("mt-eu", "prod", tenant) } };
  };
  const learned = (tenant: string) => ({
    type: "SignatureDiscovered",
    data: { template: "t", customer: "mt-eu", origin: origin("mt-eu", "prod", tenant) },
  });
  const { owners } = ownersOfAppend(
    [
      { type: "SignatureDiscovered", data: { template: "t" } },
      part("mt-eu", "a", 3),
      learned("b"),
      part("mt-eu", "b", 4),
    ],
    undefined,
  );
  const a = originOwner(origin("mt-eu", "prod", "a"));
  const b = originOwner(origin("mt-eu", "prod", "b"));
  assert.deepEqual(owners, [
    { customer: a, period: PERMANENT },
    { customer: a, period: 3 },
    { customer: b, period: PERMANENT },
    { customer: b, period: 4 },
  ]);
  assert.notEqual(a, b);
  assert.deepEqual(originOfOwner(a), origin("mt-eu", "prod", "a"));
  assert.equal(originOfOwner("mt-eu"), undefined);
});

Deno.test("forgetting a customer takes the keys of the origins the directory says are theirs now, not when their records arrived", () => {
  const tenants = (...customers: Customer[]) => new Directory(customers);
  const globex = customerOf("globex", {
    deploymentModel: "multi-tenant",
    environments: ["mt-eu/prod"],
    tenantId: "g",
  });
  const acme = customerOf("acme", { environments: ["old/prod"] });
  const owners = [
    "acme",
    originOwner(origin("mt-eu", "prod", "g")),
    originOwner(origin("mt-eu", "prod", "h")),
    originOwner(origin("mt-eu", "prod")),
    originOwner(origin("old", "prod", "x")),
    originOwner(origin("old", "prod")),
    originOwner(origin("acme", "staging")),
  ];
  // A tenant registered after its records arrived: its origin, no other tenant's, nor the cluster's.
  assert.deepEqual(keyOwnersOfCustomer("globex", owners, tenants(globex, acme)), [
    "globex",
    originOwner(origin("mt-eu", "prod", "g")),
  ]);
  // An environment of its own, whatever tenants its records name, and what its own name owns.
  assert.deepEqual(keyOwnersOfCustomer("acme", owners, tenants(globex, acme)), [
    "acme",
    originOwner(origin("old", "prod", "x")),
    originOwner(origin("old", "prod")),
    originOwner(origin("acme", "staging")),
  ]);
  // What the directory gives nobody is the owner's its source names: the cluster's.
  assert.deepEqual(keyOwnersOfCustomer("mt-eu", owners, tenants(globex, acme)), [
    "mt-eu",
    originOwner(origin("mt-eu", "prod", "h")),
    originOwner(origin("mt-eu", "prod")),
  ]);
  // The environment handed to another customer goes with that one, no longer with acme.
  const handedOver = tenants(
    globex,
    customerOf("acme"),
    customerOf("beta", { environments: ["old/prod"] }),
  );
  assert.deepEqual(keyOwnersOfCustomer("acme", owners, handedOver), [
    "acme",
    originOwner(origin("acme", "staging")),
  ]);
  assert.deepEqual(keyOwnersOfCustomer("beta", owners, handedOver), [
    "beta",
    originOwner(origin("old", "prod", "x")),
    originOwner(origin("old", "prod")),
  ]);
  // Removed from the directory since: its last record says, where nobody has the origin now.
  assert.deepEqual(
    keyOwnersOfCustomer("globex", owners, tenants(acme), tenants(globex)),
    ["globex", originOwner(origin("mt-eu", "prod", "g"))],
  );
  assert.deepEqual(
    keyOwnersOfCustomer(
      "acme",
      owners,
      tenants(customerOf("beta", { environments: ["old/prod"] })),
      tenants(acme),
    ),
    ["acme", originOwner(origin("acme", "staging"))],
  );
});
