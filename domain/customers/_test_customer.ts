import type { Customer } from "./types.ts";

/** A single-tenant customer with one `<id>/prod` environment, for tests. */
export function customerOf(id: string, overrides: Partial<Customer> = {}): Customer {
  return {
    customerId: id,
    name: `${id} Ltd`,
    tier: "standard",
    contractValue: null,
    weight: null,
    region: null,
    deploymentModel: "single-tenant",
    environments: [`${id}/prod`],
    tenantId: null,
    primaryContact: null,
    primaryEmail: null,
    ...overrides,
  };
}
