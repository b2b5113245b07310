/**
 * The customer directory: customers as the CRM knows them, kept as events,
 * and the attribution of log records to them by environment and tenant.
 *
 * @module
 */
export * from "./types.ts";
export {
  customerWeight,
  Directory,
  environmentKey,
  evolveDirectory,
  PLAN_STEP_CUSTOMERS,
  planImport,
  planImportSteps,
  planRemoval,
  TIER_DEFAULT_VALUE,
} from "./directory.ts";
export { TENANT_ATTRIBUTES, tenantOf, tenantOfAttributes } from "./tenant.ts";
export { type Origin, originOf } from "./origin.ts";
