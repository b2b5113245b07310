/**
 * A customer as Loupe's answers write it, in the HTTP replies and in the
 * report files `replay --report` writes.
 *
 * @module
 */
import type { Customer } from "../../domain/customers/mod.ts";

export function customerJsonOf(customer: Customer) {
  return {
    customer_id: customer.customerId,
    name: customer.name,
    tier: customer.tier,
    contract_value: customer.contractValue,
    weight: customer.weight,
    region: customer.region,
    deployment_model: customer.deploymentModel,
    environments: customer.environments,
    tenant_id: customer.tenantId,
    primary_contact: customer.primaryContact,
    primary_email: customer.primaryEmail,
  };
}
