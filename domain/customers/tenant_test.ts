import assert from "node:assert/strict";
import fc from "fast-check";
import { TENANT_ATTRIBUTES, tenantOf } from "./tenant.ts";

const tenantName = fc.constantFrom(...TENANT_ATTRIBUTES);
const key = fc.oneof(
  tenantName,
  fc.string({ maxLength: 12 }),
  tenantName.map((name) => `meta@32473.${name}`),
  tenantName.map((name) => `x${name}`),
  tenantName.map((name) => `${name}s`),
  fc.constantFrom("host", "loupe@1.tenant", "a@b.c.tenant_id", "@.tenant"),
);
const value = fc.oneof(
  fc.constantFrom<string | number | boolean | null>("", null, true, false, 0),
  fc.string({ minLength: 1, maxLength: 6 }),
  fc.integer(),
);

Deno.test("tenantOf: the first non-empty value of an attribute named as a tenant, bare or after an SD-ID", () => {
  fc.assert(
    fc.property(fc.array(fc.tuple(key, value), { maxLength: 8 }), (pairs) => {
      const named = pairs.find(([k, v]) => {
        if (v === null || v === "" || typeof v === "boolean") return false;
        const at = k.indexOf("@");
        const dot = at === -1 ? -1 : k.indexOf(".", at);
        return TENANT_ATTRIBUTES.has(k) || (dot !== -1 && TENANT_ATTRIBUTES.has(k.slice(dot + 1)));
      });
      assert.equal(tenantOf(pairs.flat()), named === undefined ? "" : String(named[1]));
    }),
    { numRuns: 2000 },
  );
});
