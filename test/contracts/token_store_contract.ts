import assert from "node:assert/strict";
import fc from "fast-check";
import { parseRole } from "../../domain/access/principal.ts";
import type { EventStore } from "../../ports/event_store.ts";
import { EventTokenStore, type TokenStoreDeps } from "../../src/access/tokens.ts";

export interface TokenStoreFixture {
  /** An empty event store; `reopen` closes it and opens the same data again. */
  open(): Promise<{ store: EventStore; reopen(): Promise<EventStore>; cleanup(): Promise<void> }>;
}

/** The behaviour the token store shows over every EventStore adapter. */
export function tokenStoreContract(adapter: string, fixture: TokenStoreFixture): void {
  const test = (
    name: string,
    body: (
      open: (extra?: Partial<TokenStoreDeps>) => Promise<EventTokenStore>,
      events: () => EventStore,
      reopen: () => Promise<void>,
    ) => Promise<void>,
  ) =>
    Deno.test(`token store on ${adapter}: ${name}`, async () => {
      const opened = await fixture.open();
      let store = opened.store;
      let now = 1_800_000_000_000;
      let id = 0;
      const open = (extra: Partial<TokenStoreDeps> = {}) =>
        EventTokenStore.open({
          store,
          clock: { now: () => now++ },
          newId: () => `tok${String(++id).padStart(4, "0")}`,
          ...extra,
        });
      try {
        await body(open, () => store, async () => {
          store = await opened.reopen();
        });
      } finally {
        await opened.cleanup();
      }
    });

  test("a created token's secret authenticates as its name and role; nothing else does", async (open) => {
    const tokens = await open();
    const { token, secret } = await tokens.create({ name: "alice", role: parseRole("agent")! });
    assert.deepEqual(await tokens.authenticate(secret), {
      tokenId: token.tokenId,
      name: "alice",
      role: { kind: "agent" },
    });
    assert.equal(await tokens.authenticate(secret.slice(0, -1)), null);
    assert.equal(await tokens.authenticate(`${secret}x`), null);
    assert.equal(await tokens.authenticate(""), null);
  });

  test("only a hash is stored: the secret appears in no event", async (open, events) => {
    const tokens = await open();
    const { secret } = await tokens.create({ name: "bot", role: parseRole("ingest:acme/prod")! });
    const stored = JSON.stringify(await events().readAll(0, 1000));
    assert.ok(stored.includes("TokenCreated"));
    assert.ok(!stored.includes(secret));
    assert.ok(!stored.includes(secret.slice("loupe_".length)));
  });

  test(
    "revoking refuses the token from the next call on, and survives a reopen",
    async (open, _e, reopen) => {
      const tokens = await open();
      const kept = await tokens.create({ name: "kept", role: parseRole("customer:acme")! });
      const gone = await tokens.create({ name: "gone", role: parseRole("admin")! });
      const revoked = await tokens.revoke(gone.token.tokenId);
      assert.notEqual(revoked?.revokedAt ?? null, null);
      assert.equal(await tokens.authenticate(gone.secret), null);
      assert.equal((await tokens.revoke(gone.token.tokenId))?.revokedAt, revoked!.revokedAt);
      assert.equal(await tokens.revoke("no-such-token"), null);
      await reopen();
      const again = await open();
      assert.equal(await again.authenticate(gone.secret), null);
      assert.equal((await again.authenticate(kept.secret))?.name, "kept");
      assert.deepEqual(again.list().map((t) => [t.name, t.revokedAt === null]), [
        ["kept", true],
        ["gone", false],
      ]);
    },
  );

  test("development mode lasts until the first token, and revoking every token does not end it", async (open) => {
    const tokens = await open();
    assert.equal(tokens.required(), false);
    const { token } = await tokens.create({ name: "first", role: parseRole("admin")! });
    assert.equal(tokens.required(), true);
    await tokens.revoke(token.tokenId);
    assert.equal(tokens.required(), true);
    assert.equal((await open()).required(), true);
  });

  test("LOUPE_API_KEY is an admin token that is never stored", async (open, events) => {
    const tokens = await open({ apiKey: "the-shared-key" });
    assert.equal(tokens.required(), true);
    assert.deepEqual((await tokens.authenticate("the-shared-key"))?.role, { kind: "admin" });
    assert.equal(await tokens.authenticate("the-shared-kex"), null);
    assert.equal(events().headPosition(), 0);
    assert.deepEqual(tokens.list(), []);
  });

  test("a token needs a name", async (open) => {
    const tokens = await open();
    await assert.rejects(tokens.create({ name: "  ", role: parseRole("agent")! }), /name/);
  });

  test("every secret authenticates as its own token, whatever the mix of grants", async (open) => {
    const tokens = await open();
    const grant = fc.oneof(
      fc.constant("admin"),
      fc.constant("agent"),
      fc.stringMatching(/^[a-z][a-z0-9]{0,8}$/).map((c) => `customer:${c}`),
      fc.tuple(fc.stringMatching(/^[a-z]{1,6}$/), fc.stringMatching(/^[a-z]{1,6}$/))
        .map(([c, e]) => `ingest:${c}/${e}`),
    );
    await fc.assert(
      fc.asyncProperty(fc.array(grant, { minLength: 1, maxLength: 6 }), async (grants) => {
        const created = [];
        for (const [i, g] of grants.entries()) {
          created.push(await tokens.create({ name: `n${i}`, role: parseRole(g)! }));
        }
        for (const { token, secret } of created) {
          assert.equal((await tokens.authenticate(secret))?.tokenId, token.tokenId);
        }
      }),
      { numRuns: 15 },
    );
  });
}
