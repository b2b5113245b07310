/**
 * Customers name their environment as they know it (`prod`); the directory
 * and the metrics know it by its key (`granite-wines/prod`, or
 * `eu-cluster-1/prod` for a tenant on a shared cluster).
 */

/**
 * The directory key of the environment a ticket names, among the customer's
 * environment keys: the name itself when it is a key, else the one key whose
 * last part is that name (the customer's own first), else the name unchanged.
 *
 * @example
 * ```ts
 * import { resolveTicketEnvironment } from "./environment.ts";
 * import assert from "node:assert/strict";
 * const keys = ["granite-wines/prod", "granite-wines/staging"];
 * assert.equal(resolveTicketEnvironment("granite-wines", "prod", keys), "granite-wines/prod");
 * assert.equal(resolveTicketEnvironment("granite-wines", "granite-wines/prod", keys), "granite-wines/prod");
 * assert.equal(resolveTicketEnvironment("granite-wines", "qa", keys), "qa");
 * ```
 */
export function resolveTicketEnvironment(
  customer: string,
  environment: string,
  customerEnvironmentKeys: readonly string[],
): string {
  if (customerEnvironmentKeys.includes(environment)) return environment;
  const own = `${customer}/${environment}`;
  if (customerEnvironmentKeys.includes(own)) return own;
  const named = customerEnvironmentKeys.filter((key) => key.endsWith(`/${environment}`));
  return named.length === 1 ? named[0]! : environment;
}
