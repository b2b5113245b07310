import assert from "node:assert/strict";
import { MAX_QUOTA_WAIT_MS, RateLimitGate, rateLimitOf } from "./_http.ts";
import { RemoteError } from "../../ports/ticketing.ts";

const now = Date.parse("2026-12-04T12:00:00Z");
const headers = (h: Record<string, string>) => new Headers(h);

Deno.test("rate limit: every vendor's spelling is read, with the reset in any of its forms", () => {
  // Zendesk: the verified pair, and the newer headers with a reset in seconds.
  assert.deepEqual(
    rateLimitOf(
      headers({
        "x-rate-limit": "700",
        "x-rate-limit-remaining": "12",
        "ratelimit-limit": "700",
        "ratelimit-remaining": "12",
        "ratelimit-reset": "17",
      }),
      now,
    ),
    { remaining: 12, spent: true, resetMs: 17_000 },
  );
  // Jira Cloud: X-RateLimit-*, the reset as an ISO 8601 time.
  assert.deepEqual(
    rateLimitOf(
      headers({
        "x-ratelimit-limit": "100",
        "x-ratelimit-remaining": "0",
        "x-ratelimit-reset": "2026-12-04T12:00:30Z",
      }),
      now,
    ),
    { remaining: 0, spent: true, resetMs: 30_000 },
  );
  // Epoch seconds and milliseconds; the IETF draft's "limit, limit;w=window".
  assert.equal(
    rateLimitOf(headers({ "x-rate-limit-reset": String(now / 1000 + 5) }), now).resetMs,
    5_000,
  );
  assert.equal(
    rateLimitOf(headers({ "ratelimit-reset": String(now + 2_000) }), now).resetMs,
    2_000,
  );
  assert.equal(
    rateLimitOf(headers({ "ratelimit-limit": "100, 100;w=60", "ratelimit-remaining": "50" }), now)
      .spent,
    false,
  );
  // Nearly spent: Jira's flag, or a twentieth of the limit left (at least 1).
  assert.equal(rateLimitOf(headers({ "x-ratelimit-nearlimit": "true" }), now).spent, true);
  assert.equal(
    rateLimitOf(headers({ "x-rate-limit": "700", "x-rate-limit-remaining": "36" }), now).spent,
    false,
  );
  assert.equal(
    rateLimitOf(headers({ "x-rate-limit": "700", "x-rate-limit-remaining": "35" }), now).spent,
    true,
  );
  assert.equal(rateLimitOf(headers({ "x-ratelimit-remaining": "1" }), now).spent, true);
  // Nothing said; a reset far off (a misread header) is capped.
  assert.deepEqual(rateLimitOf(headers({}), now), { remaining: null, spent: false, resetMs: null });
  assert.equal(
    rateLimitOf(headers({ "ratelimit-reset": "2030-01-01T00:00:00Z" }), now).resetMs,
    MAX_QUOTA_WAIT_MS,
  );
});

Deno.test("rate limit: the gate holds outgoing calls until the reset, and room left lifts it", () => {
  let clock = now;
  const gate = new RateLimitGate(() => clock);
  gate.check("PUT", "http://remote.test/a");
  // Spent without a reset: nothing to wait for (a 429 will say, or the backoff).
  gate.observe(headers({ "x-rate-limit-remaining": "0" }));
  assert.equal(gate.waitMs(), 0);
  gate.observe(headers({ "x-rate-limit-remaining": "0", "ratelimit-reset": "10" }));
  assert.equal(gate.waitMs(), 10_000);
  assert.throws(
    () => gate.check("PUT", "http://remote.test/api/v2/tickets/1.json"),
    (e) =>
      e instanceof RemoteError && e.status === 429 && e.retryable && e.retryAfterMs === 10_000 &&
      /Held back PUT \/api\/v2\/tickets\/1\.json/.test(e.message),
  );
  clock += 4_000;
  assert.equal(gate.waitMs(), 6_000);
  // An answer with room (a read made meanwhile, after an early reset) lifts the hold.
  gate.observe(headers({ "x-rate-limit": "700", "x-rate-limit-remaining": "690" }));
  assert.equal(gate.waitMs(), 0);
  gate.check("PUT", "http://remote.test/a");
});
