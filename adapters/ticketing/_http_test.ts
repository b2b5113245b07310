import assert from "node:assert/strict";
import { MAX_QUOTA_WAIT_MS, RateLimitGate, type RateLimitInfo, rateLimitOf } from "./_http.ts";
import { RemoteError } from "../../ports/ticketing.ts";

const now = Date.parse("2026-12-04T12:00:00Z");
const headers = (h: Record<string, string>) => new Headers(h);

/** Headers a remote answers with, and what is read in them (the fields named). */
const RATE_LIMIT_CASES: [string, Record<string, string>, Partial<RateLimitInfo>][] = [
  ["Zendesk: the verified pair, and the newer headers with a reset in seconds", {
    "x-rate-limit": "700",
    "x-rate-limit-remaining": "12",
    "ratelimit-limit": "700",
    "ratelimit-remaining": "12",
    "ratelimit-reset": "17",
  }, { remaining: 12, spent: true, resetMs: 17_000 }],
  ["Jira Cloud: X-RateLimit-*, the reset as an ISO 8601 time", {
    "x-ratelimit-limit": "100",
    "x-ratelimit-remaining": "0",
    "x-ratelimit-reset": "2026-12-04T12:00:30Z",
  }, { remaining: 0, spent: true, resetMs: 30_000 }],
  ["a reset in epoch seconds", { "x-rate-limit-reset": String(now / 1000 + 5) }, {
    resetMs: 5_000,
  }],
  ["a reset in epoch milliseconds", { "ratelimit-reset": String(now + 2_000) }, {
    resetMs: 2_000,
  }],
  ['the IETF draft\'s "limit, limit;w=window"', {
    "ratelimit-limit": "100, 100;w=60",
    "ratelimit-remaining": "50",
  }, { spent: false }],
  ["nearly spent: Jira's flag", { "x-ratelimit-nearlimit": "true" }, { spent: true }],
  ["more than a twentieth of the limit left", {
    "x-rate-limit": "700",
    "x-rate-limit-remaining": "36",
  }, { spent: false }],
  ["a twentieth of the limit left", { "x-rate-limit": "700", "x-rate-limit-remaining": "35" }, {
    spent: true,
  }],
  ["one left, the limit unknown", { "x-ratelimit-remaining": "1" }, { spent: true }],
  ["nothing said", {}, { remaining: null, spent: false, resetMs: null }],
  ["a reset far off (a misread header) is capped", { "ratelimit-reset": "2030-01-01T00:00:00Z" }, {
    resetMs: MAX_QUOTA_WAIT_MS,
  }],
];

Deno.test("rate limit: every vendor's spelling is read, with the reset in any of its forms", () => {
  for (const [what, given, expected] of RATE_LIMIT_CASES) {
    const read = rateLimitOf(headers(given), now);
    const named = Object.fromEntries(
      Object.keys(expected).map((key) => [key, read[key as keyof RateLimitInfo]]),
    );
    assert.deepEqual(named, expected, what);
  }
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
