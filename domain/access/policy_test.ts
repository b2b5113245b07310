import assert from "node:assert/strict";
import fc from "fast-check";
import type { Role } from "./principal.ts";
import { ingestOrigin, refusal, type RouteRule, scopedCustomer } from "./policy.ts";

const id = fc.stringMatching(/^[a-z][a-z0-9-]{0,12}$/);
const role: fc.Arbitrary<Role> = fc.oneof(
  fc.constant({ kind: "admin" } as const),
  fc.constant({ kind: "agent" } as const),
  id.map((customer) => ({ kind: "customer", customer }) as const),
  fc.tuple(id, id).map(([customer, environment]) =>
    ({ kind: "ingest", customer, environment }) as const
  ),
);
const rule: fc.Arbitrary<RouteRule> = fc.record({
  action: fc.constantFrom("read", "ingest", "work", "admin"),
  customers: fc.constantFrom(
    "public",
    "customer-param",
    "ticket",
    "signature",
    "scoped",
    "published",
    "all-customers",
  ),
});

Deno.test("a customer token passes a guarded route only for a read of its own customer", () => {
  fc.assert(fc.property(id, rule, fc.option(id), (customer, r, target) => {
    const refused = refusal({ kind: "customer", customer }, r, target);
    if (r.customers === "public") return assert.equal(refused, null);
    const expected = r.action === "read" &&
      (r.customers === "scoped" || r.customers === "published" ||
        ((r.customers === "customer-param" || r.customers === "ticket" ||
          r.customers === "signature") && target === customer));
    assert.equal(refused === null, expected);
  }));
});

Deno.test("an ingest token only pushes; an agent does all but admin; an admin everything", () => {
  fc.assert(fc.property(role, rule, (r, routeRule) => {
    const refused = refusal(r, routeRule, "anyone");
    if (routeRule.customers === "public" || r.kind === "admin") return assert.equal(refused, null);
    if (r.kind === "agent") return assert.equal(refused === null, routeRule.action !== "admin");
    if (r.kind === "ingest") return assert.equal(refused === null, routeRule.action === "ingest");
  }));
});

Deno.test("a customer token's queries are confined to its customer; naming another is refused", () => {
  fc.assert(fc.property(id, fc.option(id, { nil: undefined }), (customer, requested) => {
    const scoped = scopedCustomer({ kind: "customer", customer }, requested);
    if (requested === undefined || requested === customer) {
      assert.deepEqual(scoped, { customer });
    } else assert.ok("refused" in scoped);
  }));
  assert.deepEqual(scopedCustomer({ kind: "agent" }, undefined), { customer: undefined });
  assert.deepEqual(scopedCustomer({ kind: "agent" }, "acme"), { customer: "acme" });
});

Deno.test("an ingest token's origin wins: another named in the request is refused", () => {
  fc.assert(
    fc.property(
      id,
      id,
      fc.option(id, { nil: undefined }),
      fc.option(id, { nil: undefined }),
      (c, e, qc, qe) => {
        const origin = ingestOrigin({ kind: "ingest", customer: c, environment: e }, {
          ...(qc === undefined ? {} : { customer: qc }),
          ...(qe === undefined ? {} : { environment: qe }),
        });
        const consistent = (qc === undefined || qc === c) && (qe === undefined || qe === e);
        if (consistent) assert.deepEqual(origin, { customer: c, environment: e, pinned: true });
        else assert.ok("refused" in origin);
      },
    ),
  );
  assert.deepEqual(ingestOrigin({ kind: "agent" }, { customer: "acme" }), {
    customer: "acme",
    pinned: false,
  });
});
