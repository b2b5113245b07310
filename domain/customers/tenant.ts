import type { AttributePairs } from "../log_record.ts";

/** Attribute names that carry the tenant of a record on a shared environment. */
export const TENANT_ATTRIBUTES: ReadonlySet<string> = new Set([
  "tenant_id",
  "tenant",
  "tenantId",
  "tenant.id",
]);

/**
 * The tenant a record names, "" when none. Syslog structured data arrives as
 * `<SD-ID>.<name>` (`loupe@32473.tenant_id`), so the part after an SD-ID counts too.
 *
 * @example
 * ```ts
 * import { tenantOf } from "./tenant.ts";
 * import assert from "node:assert/strict";
 * assert.equal(tenantOf(["host", "db-1", "tenant_id", "acme"]), "acme");
 * assert.equal(tenantOf(["meta@32473.tenant_id", "acme"]), "acme");
 * assert.equal(tenantOf(["host", "db-1"]), "");
 * ```
 */
export function tenantOf(attributes: AttributePairs): string {
  for (let i = 0; i + 1 < attributes.length; i += 2) {
    const key = String(attributes[i]);
    const value = attributes[i + 1];
    if (value === null || value === "" || typeof value === "boolean") continue;
    if (TENANT_ATTRIBUTES.has(key)) return String(value);
    const at = key.indexOf("@");
    if (at !== -1) {
      const dot = key.indexOf(".", at);
      if (dot !== -1 && TENANT_ATTRIBUTES.has(key.slice(dot + 1))) return String(value);
    }
  }
  return "";
}
