import type { AttributePairs, Attributes } from "../log_record.ts";

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
    const value = attributes[i + 1];
    if (value === null || value === "" || typeof value === "boolean") continue;
    const key = String(attributes[i]);
    if (isTenantKey(key)) return String(value);
  }
  return "";
}

/**
 * {@linkcode tenantOf} for attributes by name, as a parser gives them: a
 * batch is split by tenant where it is parsed, before its records are paired.
 */
export function tenantOfAttributes(attributes: Attributes): string {
  for (const key in attributes) {
    const value = attributes[key];
    if (value === null || value === undefined || value === "" || typeof value === "boolean") {
      continue;
    }
    if (isTenantKey(key)) return String(value);
  }
  return "";
}

// Every record's attributes are looked through on replay: length and first
// character rule out most keys before one is hashed for the set (which was
// a sixth of replay's time).
const NAMES = [...TENANT_ATTRIBUTES];
const SHORTEST = Math.min(...NAMES.map((name) => name.length));
const LONGEST = Math.max(...NAMES.map((name) => name.length));
const FIRST_CHARACTERS = new Set(NAMES.map((name) => name.charCodeAt(0)));

/** Whether `key` is a tenant attribute's name, alone or after a syslog SD-ID. */
function isTenantKey(key: string): boolean {
  if (isTenantName(key, 0)) return true;
  const at = key.indexOf("@");
  if (at === -1) return false;
  const dot = key.indexOf(".", at);
  return dot !== -1 && isTenantName(key, dot + 1);
}

/** Whether `key`, from `start` on, is a tenant attribute's name. */
function isTenantName(key: string, start: number): boolean {
  const length = key.length - start;
  return length >= SHORTEST && length <= LONGEST &&
    FIRST_CHARACTERS.has(key.charCodeAt(start)) &&
    TENANT_ATTRIBUTES.has(start === 0 ? key : key.slice(start));
}
