/**
 * The issues the simulator can inject: for each, the error line a service
 * writes (its root signature), how customers notice it, and what support
 * finds and does about it. Texts may use `{version}` (the version that
 * introduced the issue), `{fix}` (the version that fixes it), `{region}` and
 * `{dependency}`.
 *
 * @module
 */
import type { Dependency, Feature } from "./catalog.ts";

export const INCIDENT_KINDS = [
  "regression",
  "outage",
  "slow-burn",
  "fixed-by-release",
  "misconfiguration",
  "noise",
] as const;
export type IncidentKind = (typeof INCIDENT_KINDS)[number];

export const TREND_SHAPES = ["emerging", "spike", "resolving", "stable", "noise"] as const;
export type TrendShape = (typeof TREND_SHAPES)[number];

/** How customers describe what they see, in their words. */
export const SYMPTOMS = [
  "checkout",
  "payments",
  "login",
  "search",
  "reports",
  "emails",
  "webhooks",
  "import",
  "slowness",
  "outage",
] as const;
export type Symptom = (typeof SYMPTOMS)[number];

/** A Java exception as log4j writes it under the message. */
export interface JavaException {
  readonly type: string;
  readonly message: string;
  readonly frames: readonly string[];
  readonly cause?: JavaException;
}

/** What an issue does to an environment's metrics while it is active. */
export type MetricEffect =
  | { readonly kind: "latency"; readonly dependency: Dependency; readonly factor: number }
  | { readonly kind: "timeouts"; readonly dependency: Dependency }
  | { readonly kind: "memory" }
  | { readonly kind: "none" };

export interface IssueSpec {
  readonly key: string;
  readonly kinds: readonly IncidentKind[];
  readonly service: string;
  /** The feature a site must use to be hit; null: every site running the service. */
  readonly feature: Feature | null;
  readonly level: "ERROR" | "WARN" | "FATAL";
  /** The message template (see template.ts). */
  readonly text: string;
  readonly symptom: Symptom;
  readonly exception?: JavaException;
  readonly dependency?: Dependency;
  readonly effect: MetricEffect;
  /** HTTP status the gateway answers affected requests with, when the issue shows there. */
  readonly gatewayStatus?: number;
  readonly rootCause: string;
  readonly solution: string;
  readonly prevention: string;
  /** A knowledge-base article, for issues support has written one for. */
  readonly article?: {
    readonly title: string;
    readonly cause: string;
    readonly steps: readonly string[];
  };
  /** How hard it is for support: median hours of work on a ticket. */
  readonly workHours: number;
}

const NPE_FRAMES = [
  "com.acme.orders.promo.PromotionEngine.applyDiscount(PromotionEngine.java:188)",
  "com.acme.orders.checkout.CheckoutService.priceCart(CheckoutService.java:412)",
  "com.acme.orders.checkout.CheckoutService.checkout(CheckoutService.java:137)",
  "com.acme.orders.api.CheckoutController.post(CheckoutController.java:64)",
  "jdk.internal.reflect.GeneratedMethodAccessor212.invoke(Unknown Source)",
  "org.springframework.web.servlet.FrameworkServlet.service(FrameworkServlet.java:885)",
];
const SOCKET_FRAMES = [
  "java.base/sun.nio.ch.NioSocketImpl.timedRead(NioSocketImpl.java:288)",
  "java.base/java.net.Socket$SocketInputStream.read(Socket.java:1099)",
  "org.apache.http.impl.io.SessionInputBufferImpl.fillBuffer(SessionInputBufferImpl.java:153)",
];

export const ISSUES: readonly IssueSpec[] = [
  // Regressions: a release breaks a feature for those who use it.
  {
    key: "promo-null-discount",
    kinds: ["regression", "fixed-by-release"],
    service: "orders",
    feature: "checkout",
    level: "ERROR",
    text:
      "Checkout failed for cart {cart_id:cart} because PromotionEngine returned a null discount",
    symptom: "checkout",
    exception: {
      type: "java.lang.NullPointerException",
      message: "Cannot invoke BigDecimal.negate() because discount is null",
      frames: NPE_FRAMES,
    },
    effect: { kind: "none" },
    gatewayStatus: 500,
    rootCause:
      "Regression in {version}: the promotion engine returns no discount for carts whose promotion expired during the session, and checkout does not handle the missing value",
    solution:
      "Upgrade to {fix}, which treats an expired promotion as no discount. Workaround until then: end expired promotions in the admin console",
    prevention: "Added a checkout test with a promotion that expires mid-session",
    article: {
      title: "Checkout fails after a promotion expires",
      cause:
        "A defect introduced in {version}: carts that held a promotion which expired while the shopper was on the site fail at checkout",
      steps: [
        "Check the version running on the environment (Settings > About)",
        "If it is {version}, upgrade to {fix} or later",
        "Until you can upgrade, end expired promotions explicitly under Marketing > Promotions",
      ],
    },
    workHours: 10,
  },
  {
    key: "currency-scale",
    kinds: ["regression", "fixed-by-release"],
    service: "payments",
    feature: "payments",
    level: "ERROR",
    text:
      "Payment capture for order {order_id:order} aborted after amount scale mismatch for {currency}",
    symptom: "payments",
    exception: {
      type: "java.lang.ArithmeticException",
      message: "Rounding necessary",
      frames: [
        "java.base/java.math.BigDecimal.setScale(BigDecimal.java:2944)",
        "com.acme.payments.money.Amounts.toMinorUnits(Amounts.java:57)",
        "com.acme.payments.capture.CaptureService.capture(CaptureService.java:203)",
        "com.acme.payments.api.PaymentController.capture(PaymentController.java:91)",
      ],
    },
    effect: { kind: "none" },
    gatewayStatus: 500,
    rootCause:
      "Regression in {version}: amounts in currencies without minor units (JPY) or with rounding residue are converted with a strict scale and the capture aborts",
    solution: "Upgrade to {fix}; captures that failed can be retried from the order page",
    prevention: "Currency conversion is now covered by property tests over every ISO 4217 currency",
    article: {
      title: "Payment captures fail for some currencies",
      cause: "{version} converts some amounts to minor units with a strict scale",
      steps: [
        "Confirm the failing orders use JPY or amounts with more than two decimals",
        "Upgrade to {fix}",
        "Retry the failed captures from Orders > Payments > Retry capture",
      ],
    },
    workHours: 12,
  },
  {
    key: "saml-audience",
    kinds: ["regression", "fixed-by-release"],
    service: "auth",
    feature: "sso",
    level: "ERROR",
    text: "SAML assertion for {email} rejected because the audience does not match the entity id",
    symptom: "login",
    effect: { kind: "none" },
    gatewayStatus: 403,
    rootCause:
      "Regression in {version}: the SAML audience check compares against the entity id with a trailing slash, so assertions from IdPs that omit it are rejected",
    solution: "Upgrade to {fix}. Workaround: set the entity id in the IdP with a trailing slash",
    prevention: "SSO tests now run against IdP metadata with and without trailing slashes",
    article: {
      title: "SSO users are sent back to the login page",
      cause: "{version} rejects SAML assertions whose audience lacks a trailing slash",
      steps: [
        "Ask an affected user for the time of a failed sign-in",
        "Upgrade to {fix}",
        "Or add a trailing slash to the SP entity id in your identity provider",
      ],
    },
    workHours: 8,
  },
  {
    key: "search-parser",
    kinds: ["regression", "fixed-by-release"],
    service: "search",
    feature: "search",
    level: "ERROR",
    text: "Search request {request_id:uuid} failed with a query parser error at position {pos}",
    symptom: "search",
    effect: { kind: "none" },
    gatewayStatus: 500,
    rootCause:
      "Regression in {version}: the new query parser does not escape hyphens and plus signs, so queries containing them fail",
    solution: "Upgrade to {fix}, which escapes reserved characters before parsing",
    prevention: "The query parser is fuzzed with real queries from the search logs",
    article: {
      title: "Search shows an error for some queries",
      cause: "{version} fails to escape reserved characters such as - and +",
      steps: ["Upgrade to {fix}", "Clear the search cache under Search > Maintenance"],
    },
    workHours: 6,
  },
  {
    key: "pdf-composer",
    kinds: ["regression", "fixed-by-release"],
    service: "reports",
    feature: "reporting",
    level: "ERROR",
    text:
      "Report {report_id:report} rendering crashed in PdfComposer with IndexOutOfBoundsException",
    symptom: "reports",
    exception: {
      type: "java.lang.IndexOutOfBoundsException",
      message: "Index 12 out of bounds for length 12",
      frames: [
        "java.base/java.util.ArrayList.get(ArrayList.java:427)",
        "com.acme.reports.pdf.PdfComposer.layoutColumns(PdfComposer.java:311)",
        "com.acme.reports.pdf.PdfComposer.render(PdfComposer.java:96)",
        "com.acme.reports.jobs.ReportJob.run(ReportJob.java:58)",
      ],
    },
    effect: { kind: "none" },
    rootCause:
      "Regression in {version}: reports with more than twelve columns overflow the PDF layout table",
    solution: "Upgrade to {fix}. Workaround: export the report as CSV or remove columns",
    prevention: "Report rendering tests now include the widest customer templates",
    article: {
      title: "Wide reports fail to download as PDF",
      cause: "{version} cannot lay out more than twelve columns in PDF",
      steps: [
        "Export the report as CSV instead",
        "Or reduce the report to twelve columns",
        "Upgrade to {fix} for the permanent fix",
      ],
    },
    workHours: 9,
  },
  {
    key: "webhook-secret",
    kinds: ["regression", "fixed-by-release"],
    service: "notifications",
    feature: "webhooks",
    level: "ERROR",
    text:
      "Webhook signature computation failed for endpoint {endpoint:webhook} with an empty secret",
    symptom: "webhooks",
    effect: { kind: "none" },
    rootCause:
      "Regression in {version}: the migration to the new secrets store left webhook signing secrets unread for endpoints created before 2024",
    solution:
      "Upgrade to {fix}, which reads legacy secrets; deliveries queued meanwhile are replayed",
    prevention: "The secrets migration has a check that every endpoint resolves a secret",
    article: {
      title: "Webhooks stopped arriving after an upgrade",
      cause: "{version} cannot read signing secrets of older webhook endpoints",
      steps: [
        "Check the webhook delivery log under Developers > Webhooks",
        "Upgrade to {fix}",
        "Or rotate the endpoint secret, which stores it in the new format",
      ],
    },
    workHours: 7,
  },
  {
    key: "import-date",
    kinds: ["regression", "fixed-by-release"],
    service: "importer",
    feature: "bulk-import",
    level: "ERROR",
    text:
      "Import {job_id:job} aborted at row {row:count} because the date column could not be parsed",
    symptom: "import",
    exception: {
      type: "java.time.format.DateTimeParseException",
      message: "Text 03/02/2026 could not be parsed at index 2",
      frames: [
        "java.base/java.time.format.DateTimeFormatter.parseResolved0(DateTimeFormatter.java:2106)",
        "com.acme.importer.csv.RowMapper.date(RowMapper.java:144)",
        "com.acme.importer.csv.RowMapper.map(RowMapper.java:77)",
        "com.acme.importer.jobs.ImportJob.process(ImportJob.java:212)",
      ],
    },
    effect: { kind: "none" },
    rootCause:
      "Regression in {version}: the importer parses dates with the ISO format only and ignores the date format configured for the account",
    solution: "Upgrade to {fix}. Workaround: convert date columns to YYYY-MM-DD before importing",
    prevention: "Import tests run with every date format the settings page offers",
    article: {
      title: "CSV import stops at the first date",
      cause: "{version} ignores the account's date format and expects ISO dates",
      steps: [
        "Convert date columns to YYYY-MM-DD",
        "Re-run the import",
        "Upgrade to {fix} to use your own date format again",
      ],
    },
    workHours: 5,
  },
  {
    key: "tax-total",
    kinds: ["regression", "fixed-by-release"],
    service: "orders",
    feature: "checkout",
    level: "ERROR",
    text: "Order {order_id:order} could not be saved because the tax lines exceed the order total",
    symptom: "checkout",
    effect: { kind: "none" },
    gatewayStatus: 422,
    rootCause:
      "Regression in {version}: tax is computed per line and rounded up, so orders with many discounted lines fail validation",
    solution: "Upgrade to {fix}, which rounds tax on the order total",
    prevention: "Checkout validation tests cover orders with many discounted lines",
    workHours: 11,
  },
  {
    key: "remember-me",
    kinds: ["fixed-by-release", "regression"],
    service: "auth",
    feature: null,
    level: "ERROR",
    text: "Remember-me token for {user_id:user} rejected as expired right after it was issued",
    symptom: "login",
    effect: { kind: "none" },
    gatewayStatus: 401,
    rootCause:
      "Defect since {version}: remember-me tokens were stamped with the server time zone instead of UTC, so users east of UTC are logged out at once",
    solution: "Upgrade to {fix}, which stamps tokens in UTC",
    prevention: "Token tests run with the server in several time zones",
    article: {
      title: "Users are logged out right after signing in",
      cause: "Versions {version} to before {fix} stamp remember-me tokens in local time",
      steps: ["Upgrade to {fix}", "Ask users to sign in again after the upgrade"],
    },
    workHours: 6,
  },
  {
    key: "csv-truncated",
    kinds: ["fixed-by-release", "regression"],
    service: "reports",
    feature: "reporting",
    level: "ERROR",
    text: "CSV export {job_id:job} truncated at 65535 rows by the legacy spreadsheet writer",
    symptom: "reports",
    effect: { kind: "none" },
    rootCause:
      "Defect since {version}: exports went through a spreadsheet writer limited to 65535 rows",
    solution: "Upgrade to {fix}, which streams CSV exports without a row limit",
    prevention: "Export tests include a 200,000-row report",
    article: {
      title: "Exports stop at 65,535 rows",
      cause: "Versions before {fix} write CSV exports with a row limit",
      steps: ["Upgrade to {fix}", "Or split the export by date range"],
    },
    workHours: 4,
  },
  {
    key: "refund-twice",
    kinds: ["fixed-by-release", "regression"],
    service: "payments",
    feature: "payments",
    level: "ERROR",
    text: "Refund {refund_id:refund} was sent twice to {psp} after a timeout retry",
    symptom: "payments",
    effect: { kind: "none" },
    rootCause:
      "Defect since {version}: refund retries after a timeout did not reuse the idempotency key, so the provider refunded twice",
    solution:
      "Upgrade to {fix}, which reuses the idempotency key; duplicated refunds were listed for the customer to reclaim",
    prevention: "Every provider call now carries an idempotency key, enforced by a lint rule",
    workHours: 14,
  },
  {
    key: "dst-webhook",
    kinds: ["fixed-by-release", "regression"],
    service: "notifications",
    feature: "webhooks",
    level: "ERROR",
    text: "Retry scheduler dropped webhook delivery {delivery_id:uuid} after a negative backoff",
    symptom: "webhooks",
    effect: { kind: "none" },
    rootCause:
      "Defect since {version}: the retry backoff was computed from local wall-clock times, and became negative across a clock change, dropping the delivery",
    solution: "Upgrade to {fix}; dropped deliveries can be replayed from the webhook log",
    prevention: "Scheduling uses a monotonic clock",
    workHours: 8,
  },

  // Regional outages of a dependency: a spike, then recovery.
  {
    key: "psp-outage",
    kinds: ["outage"],
    service: "payments",
    feature: "payments",
    level: "ERROR",
    dependency: "payment_api",
    text:
      "Payment provider {psp} unavailable: POST /v1/charges returned 503 after {duration_ms:timeoutms} ms",
    symptom: "payments",
    exception: {
      type: "com.acme.payments.provider.ProviderUnavailableException",
      message: "503 Service Unavailable",
      frames: [
        "com.acme.payments.provider.HttpProviderClient.post(HttpProviderClient.java:171)",
        "com.acme.payments.provider.HttpProviderClient.charge(HttpProviderClient.java:88)",
        "com.acme.payments.capture.CaptureService.capture(CaptureService.java:188)",
      ],
      cause: {
        type: "java.net.SocketTimeoutException",
        message: "Read timed out",
        frames: SOCKET_FRAMES,
      },
    },
    effect: { kind: "timeouts", dependency: "payment_api" },
    gatewayStatus: 502,
    rootCause: "Outage of the payment provider's {region} endpoint",
    solution:
      "Provider recovered; payments that failed during the outage were retried automatically",
    prevention: "Added failover to the provider's secondary region",
    workHours: 2,
  },
  {
    key: "redis-outage",
    kinds: ["outage"],
    service: "auth",
    feature: null,
    level: "ERROR",
    dependency: "redis",
    text: "Session store connection to {host:redishost} timed out after {duration_ms:timeoutms} ms",
    symptom: "login",
    effect: { kind: "latency", dependency: "redis", factor: 400 },
    gatewayStatus: 503,
    rootCause: "Managed Redis in {region} failed over and was unreachable",
    solution: "The cache cluster recovered after the failover completed; sessions were rebuilt",
    prevention: "Session reads fall back to the database when the cache is unreachable",
    workHours: 2,
  },
  {
    key: "postgres-outage",
    kinds: ["outage"],
    service: "orders",
    feature: "checkout",
    level: "ERROR",
    dependency: "postgres",
    text:
      "Could not acquire database connection to {host:dbhost} within {duration_ms:timeoutms} ms",
    symptom: "outage",
    exception: {
      type: "org.springframework.jdbc.CannotGetJdbcConnectionException",
      message: "Failed to obtain JDBC Connection",
      frames: [
        "org.springframework.jdbc.datasource.DataSourceUtils.getConnection(DataSourceUtils.java:84)",
        "org.springframework.jdbc.core.JdbcTemplate.execute(JdbcTemplate.java:376)",
        "com.acme.orders.repo.OrderRepository.save(OrderRepository.java:92)",
      ],
      cause: {
        type: "java.sql.SQLTransientConnectionException",
        message: "HikariPool-1 - Connection is not available, request timed out after 30000ms",
        frames: [
          "com.zaxxer.hikari.pool.HikariPool.createTimeoutException(HikariPool.java:696)",
          "com.zaxxer.hikari.pool.HikariPool.getConnection(HikariPool.java:181)",
        ],
      },
    },
    effect: { kind: "timeouts", dependency: "postgres" },
    gatewayStatus: 503,
    rootCause: "Storage failure on the managed database in {region}",
    solution: "The database provider restored the volume; no data was lost",
    prevention: "Moved to a multi-zone database deployment",
    workHours: 3,
  },
  {
    key: "s3-outage",
    kinds: ["outage"],
    service: "reports",
    feature: "reporting",
    level: "ERROR",
    dependency: "s3",
    text:
      "Object storage write for report {report_id:report} failed with 503 SlowDown after {attempts:retry} attempts",
    symptom: "reports",
    effect: { kind: "latency", dependency: "s3", factor: 30 },
    rootCause: "Object storage in {region} throttled and failed writes",
    solution: "Storage recovered; report jobs were re-queued",
    prevention: "Report uploads retry with jittered backoff for up to an hour",
    workHours: 2,
  },
  {
    key: "es-outage",
    kinds: ["outage"],
    service: "search",
    feature: "search",
    level: "ERROR",
    dependency: "elasticsearch",
    text:
      "Search cluster node {node:esnode} unreachable: no route to host after {duration_ms:timeoutms} ms",
    symptom: "search",
    effect: { kind: "timeouts", dependency: "elasticsearch" },
    gatewayStatus: 504,
    rootCause: "Network partition between the application and search subnets in {region}",
    solution: "The cloud provider repaired the network; search recovered without intervention",
    prevention: "Search nodes are spread over two availability zones",
    workHours: 2,
  },
  {
    key: "smtp-outage",
    kinds: ["outage"],
    service: "notifications",
    feature: null,
    level: "ERROR",
    dependency: "smtp",
    text: "SMTP relay {host:smtphost} refused connection for message {message_id:msgid}",
    symptom: "emails",
    effect: { kind: "latency", dependency: "smtp", factor: 20 },
    rootCause: "The e-mail relay provider had an outage in {region}",
    solution: "The relay recovered; queued e-mails were delivered with a delay",
    prevention: "A second relay provider takes over when the first refuses connections",
    workHours: 2,
  },

  // Slow burns: growing week over week.
  {
    key: "pool-exhaustion",
    kinds: ["slow-burn"],
    service: "orders",
    feature: "checkout",
    level: "ERROR",
    text:
      "Connection pool exhausted after waiting {duration_ms:slowms} ms with {active:n} connections active",
    symptom: "slowness",
    effect: { kind: "latency", dependency: "postgres", factor: 6 },
    gatewayStatus: 504,
    rootCause:
      "Order history queries without a date bound grow with the order table and hold connections longer each week until the pool runs dry",
    solution: "Added a date bound and an index to the order history query; raised the pool size",
    prevention: "Slow-query alerts on p95 per query, reviewed weekly",
    article: {
      title: "Store gets slower week by week",
      cause: "Unbounded order history queries hold database connections longer as data grows",
      steps: [
        "Check database response times in the environment's metrics",
        "Archive orders older than two years (Settings > Data retention)",
        "Contact support to apply the indexed history query",
      ],
    },
    workHours: 30,
  },
  {
    key: "gc-overhead",
    kinds: ["slow-burn"],
    service: "reports",
    feature: "reporting",
    level: "ERROR",
    text: "GC overhead limit exceeded while rendering report {report_id:report}",
    symptom: "slowness",
    exception: {
      type: "java.lang.OutOfMemoryError",
      message: "GC overhead limit exceeded",
      frames: [
        "java.base/java.util.Arrays.copyOf(Arrays.java:3537)",
        "com.acme.reports.cache.TemplateCache.put(TemplateCache.java:72)",
        "com.acme.reports.jobs.ReportJob.run(ReportJob.java:51)",
      ],
    },
    effect: { kind: "memory" },
    rootCause:
      "The report template cache never evicts, so memory grows with every distinct report until garbage collection dominates",
    solution: "Bounded the template cache; restarted the report workers",
    prevention: "Memory alerts at 85% on every worker, with heap dumps on OOM",
    article: {
      title: "Reports get slower and then fail",
      cause: "The report worker's template cache grows without bound",
      steps: [
        "Check memory usage of the environment over the last weeks",
        "Restart the report workers as an immediate relief",
        "Upgrade to a version with the bounded template cache",
      ],
    },
    workHours: 24,
  },
  {
    key: "search-timeouts",
    kinds: ["slow-burn"],
    service: "search",
    feature: "search",
    level: "ERROR",
    text: "Search on index {index} timed out after {duration_ms:slowms} ms",
    symptom: "slowness",
    effect: { kind: "latency", dependency: "elasticsearch", factor: 8 },
    rootCause:
      "Deleted products are never purged from the search index, so every query scans a growing number of tombstones",
    solution: "Ran a force merge and enabled the nightly purge of deleted documents",
    prevention: "Index size per customer is tracked against the catalogue size",
    workHours: 20,
  },
  {
    key: "import-backlog",
    kinds: ["slow-burn"],
    service: "importer",
    feature: "bulk-import",
    level: "ERROR",
    text: "Import queue backlog reached {count} jobs with the oldest waiting {minutes:n} minutes",
    symptom: "import",
    effect: { kind: "none" },
    rootCause:
      "Nightly full-catalogue imports grew past what a single worker processes before the next batch arrives",
    solution: "Added import workers and switched the customer to delta imports",
    prevention: "Queue age alerts on the import workers",
    workHours: 16,
  },

  // Misconfigurations: one customer's own setting is wrong.
  {
    key: "smtp-auth",
    kinds: ["misconfiguration"],
    service: "notifications",
    feature: null,
    level: "ERROR",
    text: "SMTP authentication rejected with 535 5.7.8 for sender {sender:email}",
    symptom: "emails",
    effect: { kind: "none" },
    rootCause:
      "The customer's own SMTP credentials in Settings > E-mail were rotated on their side and not updated here",
    solution: "Customer updated the SMTP password in Settings > E-mail; queued e-mails were sent",
    prevention: "Settings page now tests the SMTP login when saving and warns on failure",
    article: {
      title: "Order confirmation e-mails are not sent",
      cause: "The SMTP credentials configured for your own mail server are no longer valid",
      steps: [
        "Open Settings > E-mail",
        "Enter the current password of your SMTP account",
        "Press Send test e-mail",
      ],
    },
    workHours: 2,
  },
  {
    key: "webhook-401",
    kinds: ["misconfiguration"],
    service: "notifications",
    feature: "webhooks",
    level: "ERROR",
    text: "Webhook endpoint {endpoint:webhook} rejected delivery with 401 Unauthorized",
    symptom: "webhooks",
    effect: { kind: "none" },
    rootCause: "The customer's receiving endpoint started requiring a new API token",
    solution: "Customer added the new token to the webhook headers; failed deliveries replayed",
    prevention: "Webhook endpoints failing for an hour now notify the account owner",
    workHours: 3,
  },
  {
    key: "saml-cert",
    kinds: ["misconfiguration"],
    service: "auth",
    feature: "sso",
    level: "ERROR",
    text: "SAML signing certificate of identity provider {idp:idphost} expired on {date}",
    symptom: "login",
    effect: { kind: "none" },
    gatewayStatus: 403,
    rootCause:
      "The customer's identity provider certificate expired and the new one was not uploaded",
    solution: "Customer uploaded the new IdP metadata under Settings > Single sign-on",
    prevention: "Certificate expiry reminders 30 and 7 days ahead",
    article: {
      title: "Nobody can sign in with SSO",
      cause: "Your identity provider's signing certificate expired",
      steps: [
        "Download fresh metadata from your identity provider",
        "Upload it under Settings > Single sign-on",
        "Test the sign-in in a private browser window",
      ],
    },
    workHours: 2,
  },
  {
    key: "psp-key-revoked",
    kinds: ["misconfiguration"],
    service: "payments",
    feature: "payments",
    level: "ERROR",
    text: "Payment provider rejected API key ending in {key:keysuffix} as revoked",
    symptom: "payments",
    effect: { kind: "none" },
    gatewayStatus: 502,
    rootCause: "The customer revoked their payment provider API key without entering the new one",
    solution: "Customer entered the new API key under Settings > Payments",
    prevention: "Payment settings validate the key against the provider when saved",
    workHours: 2,
  },
  {
    key: "bucket-denied",
    kinds: ["misconfiguration"],
    service: "reports",
    feature: "reporting",
    level: "ERROR",
    text: "Storage bucket {bucket} denied write access for report {report_id:report}",
    symptom: "reports",
    effect: { kind: "none" },
    rootCause: "The customer changed the policy of their own export bucket and removed our role",
    solution: "Customer restored the bucket policy statement for the export role",
    prevention: "Export settings show a permission check result",
    workHours: 3,
  },
  {
    key: "sftp-denied",
    kinds: ["misconfiguration"],
    service: "importer",
    feature: "bulk-import",
    level: "ERROR",
    text: "SFTP login to {host:sftphost} for import {job_id:job} failed with permission denied",
    symptom: "import",
    effect: { kind: "none" },
    rootCause: "The customer rotated the SFTP key of the import drop without updating it here",
    solution: "Customer uploaded the new public key under Settings > Imports",
    prevention: "Import source checks run hourly and e-mail the account owner on failure",
    workHours: 2,
  },

  // Noise: errors that matter to nobody.
  {
    key: "telemetry",
    kinds: ["noise"],
    service: "auth",
    feature: null,
    level: "ERROR",
    text: "Telemetry upload to {url:telemetry} failed with connection reset",
    symptom: "outage",
    effect: { kind: "none" },
    rootCause: "Optional telemetry endpoint drops idle connections",
    solution: "None needed",
    prevention: "None",
    workHours: 1,
  },
  {
    key: "favicon",
    kinds: ["noise"],
    service: "notifications",
    feature: null,
    level: "ERROR",
    text: "Static handler raised FileNotFound for {path:favicon} while rendering an e-mail preview",
    symptom: "outage",
    effect: { kind: "none" },
    rootCause: "Preview renderer asks for an icon e-mails never show",
    solution: "None needed",
    prevention: "None",
    workHours: 1,
  },
  {
    key: "deprecated-helper",
    kinds: ["noise"],
    service: "notifications",
    feature: null,
    level: "WARN",
    text: "Deprecated template helper formatMoney used in template {template:emailtemplate}",
    symptom: "outage",
    effect: { kind: "none" },
    rootCause: "Templates still use an old helper that works",
    solution: "None needed",
    prevention: "None",
    workHours: 1,
  },
  {
    key: "probe-closed",
    kinds: ["noise"],
    service: "auth",
    feature: null,
    level: "ERROR",
    text: "Health probe from {ip} closed the connection before the response was written",
    symptom: "outage",
    effect: { kind: "none" },
    rootCause: "The load balancer's probe times out early by design",
    solution: "None needed",
    prevention: "None",
    workHours: 1,
  },
];
