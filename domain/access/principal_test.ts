import assert from "node:assert/strict";
import fc from "fast-check";
import { allows, maySeeCustomer, parseRole, roleText } from "./principal.ts";

Deno.test("a grant string and its role are inverse of each other", () => {
  const id = fc.stringMatching(/^[A-Za-z0-9][A-Za-z0-9._-]{0,20}$/);
  const grant = fc.oneof(
    fc.constant("admin"),
    fc.constant("agent"),
    id.map((c) => `customer:${c}`),
    fc.tuple(id, id).map(([c, e]) => `ingest:${c}/${e}`),
  );
  fc.assert(fc.property(grant, (text) => {
    const role = parseRole(text);
    assert.notEqual(role, null);
    assert.equal(roleText(role!), text);
  }));
});

Deno.test("unknown or malformed grants are refused", () => {
  for (const text of ["", "root", "customer:", "ingest:acme", "ingest:/prod", "customer:a b"]) {
    assert.equal(parseRole(text), null, text);
  }
});

Deno.test("a customer token reads only its customer and writes nothing", () => {
  const role = parseRole("customer:acme")!;
  assert.equal(allows(role, "read"), true);
  assert.equal(allows(role, "work"), false);
  assert.equal(allows(role, "ingest"), false);
  assert.equal(maySeeCustomer(role, "acme"), true);
  assert.equal(maySeeCustomer(role, "globex"), false);
  assert.equal(maySeeCustomer(role, null), false);
});

Deno.test("an agent works tickets but cannot configure; an ingest token only pushes", () => {
  const agent = parseRole("agent")!;
  assert.deepEqual(
    (["read", "ingest", "work", "admin"] as const).map((a) => allows(agent, a)),
    [true, true, true, false],
  );
  const ingest = parseRole("ingest:acme/prod")!;
  assert.deepEqual(
    (["read", "ingest", "work", "admin"] as const).map((a) => allows(ingest, a)),
    [false, true, false, false],
  );
});
