import { customerOf } from "../contracts/customer_directory_contract.ts";

/** acme and beta have environments of their own; gamma and delta are tenants of cluster eu-1. */
export const TENANTS_AND_OWN_ENVIRONMENTS = [
  customerOf("acme", { tier: "enterprise", contractValue: 100_000 }),
  customerOf("beta"),
  customerOf("gamma", {
    deploymentModel: "multi-tenant",
    environments: ["eu-1/prod"],
    tenantId: "g",
  }),
  customerOf("delta", {
    deploymentModel: "multi-tenant",
    environments: ["eu-1/prod"],
    tenantId: "d",
  }),
];
