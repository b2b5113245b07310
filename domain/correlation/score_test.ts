import assert from "node:assert/strict";
import fc from "fast-check";
import {
  rankByTextOnly,
  rankSignatures,
  restartBurst,
  type SignatureFacts,
  type TicketFacts,
  WEIGHTS,
} from "./mod.ts";

const HOUR = 3_600_000;
const OPENED = 1_800_000_000_000;

const ticket = (
  subject: string,
  description: string,
  severity: TicketFacts["severity"] = "high",
): TicketFacts => ({
  subject,
  description,
  customer: "acme",
  environment: "prod",
  severity,
  openedAt: OPENED,
  window: { from: OPENED - 24 * HOUR, to: OPENED + HOUR },
});

/** Logged by this customer only, for the first time two hours before the ticket. */
const fresh = (signatureId: string, template: string, severityNumber = 17): SignatureFacts => ({
  signatureId,
  template,
  severityNumber,
  customersAffected: 1,
  totalCustomers: 500,
  envFirstSeen: OPENED - 2 * HOUR,
  envDataSince: OPENED - 30 * 24 * HOUR,
  countInWindow: 420,
  peakHourInWindow: 250,
  countBefore: 0,
  beforeHours: 168,
});

/** Logged by everyone, all the time, at a steady rate. */
const background = (signatureId: string, template: string, severityNumber = 9): SignatureFacts => ({
  signatureId,
  template,
  severityNumber,
  customersAffected: 500,
  totalCustomers: 500,
  envFirstSeen: OPENED - 30 * 24 * HOUR,
  envDataSince: OPENED - 30 * 24 * HOUR,
  countInWindow: 24_000,
  peakHourInWindow: 1_100,
  countBefore: 168_000,
  beforeHours: 168,
});

Deno.test("the customer says 'payment fails': the payment signature comes first, with its reasons", () => {
  const ranked = rankSignatures(
    ticket("Checkout broken", "Payment fails for all our customers since about 10am"),
    [
      background("login", "User <*> logged in from <*>"),
      background("disk", "Disk <*> is full", 17),
      fresh("pay", "PaymentGatewayException: upstream timeout after <*> ms"),
    ],
  );
  assert.deepEqual(ranked.map((r) => r.signatureId), ["pay", "disk", "login"]);
  const [first] = ranked;
  assert.match(first!.reasons[0]!, /^words: .*payment↔Payment/);
  assert.ok(first!.reasons.includes("started 2h before the ticket"), first!.reasons.join("; "));
  assert.ok(first!.reasons.includes("this customer: 420 lines in the window"));
  assert.ok(first!.reasons.includes("rare: 1 of 500 customers"));
  assert.ok(first!.reasons.includes("severity ERROR"));
  assert.ok(ranked[2]!.reasons.includes("common: 500 of 500 customers"));
});

Deno.test("the lexicon bridges support words and log words", async (t) => {
  const cases: [string, string, SignatureFacts[]][] = [
    ["can't sign in", "Users can't sign in to the portal", [
      fresh("auth", "OAuth token validation failed for session <*>"),
      fresh("pay", "Payment declined by acquirer for order <*>"),
    ]],
    ["the app spins forever", "The dashboard keeps spinning and never loads", [
      fresh("deadline", "Request to <*> exceeded deadline of <*> ms"),
      fresh("mail", "SMTP relay rejected message <*>"),
    ]],
    ["can't save documents", "Uploading an attachment fails", [
      fresh("s3", "S3 PutObject to bucket <*> failed: quota exceeded"),
      fresh("search", "Elasticsearch query on index <*> failed"),
    ]],
    ["no e-mails", "Our users do not receive notification e-mails", [
      fresh("smtp", "SMTP connection to <*> refused"),
      fresh("search", "Elasticsearch query on index <*> failed"),
    ]],
  ];
  for (const [name, description, candidates] of cases) {
    await t.step(name, () => {
      const ranked = rankSignatures(ticket(name, description), candidates);
      assert.equal(ranked[0]!.signatureId, candidates[0]!.signatureId, JSON.stringify(ranked));
      assert.match(ranked[0]!.reasons[0]!, /\(\w+/, "the reason names the concept that matched");
    });
  }
});

Deno.test("with the same words, the one that started before the ticket and hits only this customer wins", () => {
  const template = "Payment authorization failed for order <*>";
  const ranked = rankSignatures(ticket("Payment failed", "Payments fail"), [
    { ...background("old", template, 17), signatureId: "old" },
    fresh("new", template),
    { ...fresh("late", template), envFirstSeen: OPENED + 6 * HOUR },
  ]);
  assert.deepEqual(ranked.map((r) => r.signatureId), ["new", "late", "old"]);
  assert.ok(ranked[1]!.reasons.includes("started 6h after the ticket") === false);
});

Deno.test("a burst against its own history counts even for a signature known for long", () => {
  const steady = {
    ...background("steady", "Connection reset by peer <*>", 17),
    customersAffected: 10,
  };
  const bursting = { ...steady, signatureId: "bursting", peakHourInWindow: 4_000 };
  const ranked = rankSignatures(ticket("Site down", "Nothing loads"), [steady, bursting]);
  assert.equal(ranked[0]!.signatureId, "bursting");
  assert.ok(ranked[0]!.features.burst > ranked[1]!.features.burst);
  assert.ok(ranked[0]!.reasons.some((r) => r.startsWith("burst: 4000 lines in its peak hour")));
});

Deno.test("the text-only baseline ranks by shared words alone", () => {
  const ranked = rankByTextOnly(ticket("Payment gateway error", "payment gateway"), [
    fresh("disk", "Disk <*> is full"),
    background("pay", "Payment gateway responded <*>"),
  ]);
  assert.equal(ranked[0]!.signatureId, "pay");
  assert.equal(ranked[1]!.score, 0);
});

Deno.test("scores and features stay within [0, 1]; weights sum to 1", () => {
  assert.equal(Math.round(Object.values(WEIGHTS).reduce((a, b) => a + b, 0) * 1e9) / 1e9, 1);
  const facts = fc.record({
    signatureId: fc.string({ minLength: 1 }),
    template: fc.string(),
    severityNumber: fc.integer({ min: 0, max: 24 }),
    customersAffected: fc.integer({ min: 0, max: 600 }),
    totalCustomers: fc.integer({ min: 0, max: 600 }),
    envFirstSeen: fc.option(fc.integer({ min: OPENED - 60 * 24 * HOUR, max: OPENED + 48 * HOUR })),
    envDataSince: fc.option(fc.integer({ min: OPENED - 90 * 24 * HOUR, max: OPENED })),
    countInWindow: fc.nat(),
    peakHourInWindow: fc.nat(),
    countBefore: fc.nat(),
    beforeHours: fc.nat({ max: 10_000 }),
  }, { noNullPrototype: true });
  fc.assert(
    fc.property(fc.string(), fc.array(facts, { maxLength: 8 }), (text, candidates) => {
      for (const scored of rankSignatures(ticket(text, text), candidates)) {
        assert.ok(scored.score >= 0 && scored.score <= 1, String(scored.score));
        for (const value of Object.values(scored.features)) assert.ok(value >= 0 && value <= 1);
      }
    }),
  );
});

Deno.test("in a cascade the signature that started first leads, even when a symptom reads closer", () => {
  const root = fresh("root", "Database connection pool exhausted: <*> waiting threads");
  const symptom = {
    ...fresh("symptom", "CheckoutController payment request failed with HTTP 502"),
    envFirstSeen: OPENED - 2 * HOUR + 40_000,
  };
  const unrelated = {
    ...fresh("later", "Cache eviction storm on <*>"),
    envFirstSeen: OPENED - HOUR,
  };
  const ranked = rankSignatures(
    ticket("Checkout is slow", "Payments fail and the checkout page hangs"),
    [symptom, unrelated, root],
  );
  assert.equal(ranked[0]!.signatureId, "root", JSON.stringify(ranked.map((r) => r.features)));
  const follower = ranked.find((r) => r.signatureId === "symptom")!;
  assert.equal(follower.features.lead, 0);
  assert.ok(follower.reasons.some((r) => /^started 1 min after "Database connection pool/.test(r)));
  assert.ok(ranked[0]!.reasons.includes("started first: 1 other signature followed within 15 min"));
  assert.equal(
    ranked.find((r) => r.signatureId === "later")!.features.lead,
    1,
    "an hour apart: its own start",
  );
});

Deno.test("given an upgrade, a warm-up burst that stops is discounted below the fault that goes on", () => {
  const upgrade = { version: "5.8.0", at: OPENED - 3 * HOUR + 60_000 };
  const upgradeHour = Math.floor(upgrade.at / HOUR) * HOUR;
  const warmUp: SignatureFacts = {
    ...fresh("warm", "Readiness check failed while dependencies warm up, retry in <*> seconds", 13),
    envFirstSeen: upgrade.at,
    countInWindow: 300,
    peakHourInWindow: 290,
    restart: restartBurst(new Map([[upgradeHour, 290], [upgradeHour + HOUR, 10]]), [upgrade]),
  };
  const fault: SignatureFacts = {
    ...fresh("saml", "SAML assertion for <*> rejected because the audience does not match"),
    envFirstSeen: upgrade.at + 30_000,
    countInWindow: 120,
    peakHourInWindow: 40,
    restart: restartBurst(
      new Map([[upgradeHour, 20], [upgradeHour + HOUR, 40], [upgradeHour + 2 * HOUR, 40], [
        upgradeHour + 3 * HOUR,
        20,
      ]]),
      [upgrade],
    ),
  };
  const ranked = rankSignatures(ticket("Login error", "Staff cannot log in since last night"), [
    warmUp,
    fault,
  ]);
  assert.deepEqual(ranked.map((r) => r.signatureId), ["saml", "warm"]);
  const undiscounted = rankSignatures(
    ticket("Login error", "Staff cannot log in since last night"),
    [
      { ...warmUp, restart: null },
      fault,
    ],
  ).find((r) => r.signatureId === "warm")!;
  assert.ok(
    ranked[1]!.score < 0.5 * undiscounted.score,
    `a full restart burst keeps under half its score (${
      ranked[1]!.score
    } vs ${undiscounted.score})`,
  );
  assert.ok(ranked[1]!.reasons.some((r) => /restart burst: 100% .* upgrade to 5\.8\.0/.test(r)));
  assert.ok(!ranked[0]!.reasons.some((r) => r.includes("restart burst")));
  assert.ok(
    !ranked[0]!.reasons.some((r) => r.includes("likely a symptom")),
    "a restart burst leads nothing",
  );
});

Deno.test("reasons say a rare line's rate per day and count one line as one line", () => {
  const [ranked] = rankSignatures(ticket("Reports fail", "The PDF report fails"), [{
    ...background("rare", "Report <*> query scanned <*> rows without an index", 13),
    countInWindow: 1,
    peakHourInWindow: 3,
    countBefore: 4,
    beforeHours: 192,
  }]);
  assert.ok(
    ranked!.reasons.includes("this customer: 1 line in the window"),
    ranked!.reasons.join("; "),
  );
  assert.ok(
    ranked!.reasons.includes("burst: 3 lines in its peak hour, usually 0.5 a day"),
    ranked!.reasons.join("; "),
  );
});

Deno.test("a fault spreading over the fleet outranks an old one its customer logged as rarely, when the words relate", () => {
  const sparse = (signatureId: string, template: string, fleet: SignatureFacts["fleet"]) => ({
    ...background(signatureId, template, 17),
    customersAffected: 12,
    countInWindow: 1,
    peakHourInWindow: 1,
    countBefore: 2,
    beforeHours: 168,
    fleet,
  });
  const reports = ticket("Reports fail", "Our PDF reports fail to render since last week");
  const ranked = rankSignatures(reports, [
    sparse("old", "Report <*> render queue is full", { customers: 12, newCustomers: 0 }),
    sparse("new", "Report <*> rendering crashed in the PDF composer", {
      customers: 12,
      newCustomers: 10,
    }),
  ]);
  assert.deepEqual(ranked.map((r) => r.signatureId), ["new", "old"]);
  assert.ok(
    ranked[0]!.reasons.includes(
      "spreading: 10 of its 12 customers began logging it in the 14 days before the ticket",
    ),
    ranked[0]!.reasons.join("; "),
  );
  // Spreading says a fault is real and recent, not that it is this ticket's.
  const unrelated = rankSignatures(reports, [
    sparse("spreading", "Webhook secret missing for endpoint <*>", {
      customers: 12,
      newCustomers: 10,
    }),
  ]);
  assert.equal(unrelated[0]!.features.spread, 0);
});

Deno.test("a start shown by one line is weak: a related fault logged for days outranks a stray line that came first in the window", () => {
  const webhooks = ticket(
    "Webhooks not reaching our ERP",
    "Since this morning our ERP receives no order webhooks from the shop.",
  );
  const sparse = {
    totalCustomers: 150,
    envDataSince: OPENED - 20 * 24 * HOUR,
    peakHourInWindow: 1,
    beforeHours: 168,
  };
  const stray: SignatureFacts = {
    ...sparse,
    signatureId: "stray",
    template: "Import job-<*> skipped row <*> with an empty column",
    severityNumber: 13,
    customersAffected: 46,
    envFirstSeen: OPENED - 11 * HOUR,
    countInWindow: 1,
    countBefore: 0,
    fleet: { customers: 30, newCustomers: 24 },
  };
  const fault: SignatureFacts = {
    ...sparse,
    signatureId: "fault",
    template: "Retry scheduler dropped webhook delivery <*> after a negative backoff",
    severityNumber: 17,
    customersAffected: 60,
    envFirstSeen: OPENED - 3 * 24 * HOUR,
    countInWindow: 1,
    countBefore: 2,
    fleet: { customers: 52, newCustomers: 24 },
  };
  const ranked = rankSignatures(webhooks, [stray, fault]);
  assert.deepEqual(ranked.map((r) => r.signatureId), ["fault", "stray"]);
  // Many lines make the same start sure.
  const loud = rankSignatures(webhooks, [{
    ...stray,
    countInWindow: 40,
    peakHourInWindow: 10,
  }])[0]!;
  const quiet = ranked.find((r) => r.signatureId === "stray")!;
  assert.ok(loud.features.onset > 2 * quiet.features.onset);
  assert.ok(loud.features.lead > quiet.features.lead);
});
