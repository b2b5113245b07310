/**
 * What each service logs in normal life, and what it logs when an upgrade
 * restarts it. Texts use the template syntax of template.ts.
 *
 * @module
 */
import { compileTemplate, type Template } from "./template.ts";

export interface BackgroundTemplate {
  readonly level: "DEBUG" | "INFO" | "WARN" | "ERROR";
  readonly text: string;
  /** Relative frequency within the service. */
  readonly weight: number;
  /** Simple Java class name that logs it. */
  readonly logger: string;
}

const t = (
  level: BackgroundTemplate["level"],
  weight: number,
  logger: string,
  text: string,
): BackgroundTemplate => ({ level, weight, logger, text });

/** Per service, except the gateway (its access lines are built from routes). */
export const BACKGROUND: Readonly<Record<string, readonly BackgroundTemplate[]>> = {
  auth: [
    t(
      "INFO",
      25,
      "SessionController",
      "Session created for user {user_id:user} via {method:loginmethod}",
    ),
    t(
      "INFO",
      15,
      "TokenService",
      "Issued access token for client {client_id:client} valid for {ttl} seconds",
    ),
    t(
      "DEBUG",
      12,
      "SessionCache",
      "Session cache hit for {session_id:session} in {duration_ms:ms} ms",
    ),
    t("INFO", 8, "SessionController", "Session {session_id:session} ended by user {user_id:user}"),
    t("INFO", 6, "SessionReaper", "Expired {count:n} idle sessions older than {ttl} seconds"),
    t("WARN", 4, "LoginThrottle", "Failed password attempt {attempt:retry} for {email} from {ip}"),
    t("INFO", 3, "PasswordService", "Password reset link sent to {email}"),
    t(
      "INFO",
      3,
      "SamlController",
      "SAML sign-in completed for {email} at identity provider {idp:idphost}",
    ),
    t("DEBUG", 6, "TokenService", "Refresh token rotated for client {client_id:client}"),
    t(
      "WARN",
      1,
      "LoginThrottle",
      "Temporarily locked sign-in for {email} after {attempts:retry} failures",
    ),
  ],
  notifications: [
    t(
      "INFO",
      25,
      "MailQueue",
      "Queued e-mail {message_id:msgid} with template {template:emailtemplate}",
    ),
    t(
      "INFO",
      22,
      "SmtpSender",
      "Delivered e-mail {message_id:msgid} to relay {relay:smtphost} in {duration_ms:ms} ms",
    ),
    t(
      "INFO",
      10,
      "WebhookDispatcher",
      "Webhook delivered to {endpoint:webhook} with status 200 in {duration_ms:ms} ms",
    ),
    t(
      "DEBUG",
      8,
      "TemplateRenderer",
      "Rendered template {template:emailtemplate} for order {order_id:order}",
    ),
    t(
      "WARN",
      3,
      "WebhookDispatcher",
      "Webhook to {endpoint:webhook} slow, retry {attempt:retry} scheduled in {delay} seconds",
    ),
    t("INFO", 5, "MailQueue", "Mail queue depth is {count} messages"),
    t("INFO", 4, "BounceProcessor", "Processed bounce for {email}, address suppressed"),
    t("DEBUG", 5, "SmtpSender", "Reusing pooled SMTP connection to {relay:smtphost}"),
  ],
  orders: [
    t(
      "INFO",
      24,
      "CartService",
      "Item {sku} added to cart {cart_id:cart} with quantity {quantity:n}",
    ),
    t(
      "INFO",
      14,
      "CheckoutService",
      "Order {order_id:order} placed for {amount} {currency} with {items:n} items",
    ),
    t(
      "DEBUG",
      12,
      "OrderRepository",
      "Loaded order {order_id:order} from database in {duration_ms:ms} ms",
    ),
    t(
      "INFO",
      9,
      "FulfilmentService",
      "Order {order_id:order} changed status to {status:orderstatus}",
    ),
    t(
      "INFO",
      6,
      "ShippingService",
      "Shipping label created with carrier {carrier} for order {order_id:order}",
    ),
    t("INFO", 5, "PromotionEngine", "Promotion {promo} applied to cart {cart_id:cart}"),
    t(
      "DEBUG",
      8,
      "CartCache",
      "Cart cache miss for {cart_id:cart}, rebuilt in {duration_ms:ms} ms",
    ),
    t("WARN", 3, "InventoryClient", "Stock for {sku} below threshold, {left:n} units left"),
    t("INFO", 4, "CheckoutService", "Tax computed for cart {cart_id:cart} shipping to {country}"),
    t(
      "WARN",
      1,
      "CheckoutService",
      "Checkout for cart {cart_id:cart} took {duration_ms:slowms} ms",
    ),
    t(
      "ERROR",
      0.5,
      "CheckoutController",
      "Client aborted checkout request for cart {cart_id:cart} before the response",
    ),
  ],
  payments: [
    t(
      "INFO",
      25,
      "AuthorizationService",
      "Payment {payment_id:payment} authorised by {psp} for {amount} {currency}",
    ),
    t(
      "INFO",
      15,
      "CaptureService",
      "Payment {payment_id:payment} captured for order {order_id:order}",
    ),
    t(
      "WARN",
      5,
      "AuthorizationService",
      "Payment {payment_id:payment} declined by issuer with code {code:decline}",
    ),
    t(
      "INFO",
      6,
      "RefundService",
      "Refund {refund_id:refund} issued for payment {payment_id:payment}",
    ),
    t("DEBUG", 10, "HttpProviderClient", "Provider {psp} answered in {duration_ms:ms} ms"),
    t("INFO", 5, "WebhookController", "Provider webhook for payment {payment_id:payment} verified"),
    t("INFO", 4, "SettlementJob", "Settlement report with {count} payments reconciled"),
    t(
      "DEBUG",
      4,
      "FraudScreen",
      "Fraud score {score:pct} for payment {payment_id:payment} from {country}",
    ),
  ],
  search: [
    t(
      "INFO",
      26,
      "SearchController",
      "Search for {query} returned {hits:count} hits in {duration_ms:ms} ms",
    ),
    t("DEBUG", 18, "AutocompleteController", "Autocomplete for prefix {prefix} served from cache"),
    t("INFO", 8, "IndexUpdater", "Indexed {count} product changes into {index}"),
    t("DEBUG", 8, "QueryCache", "Query cache evicted {count:n} entries"),
    t(
      "WARN",
      3,
      "SearchController",
      "Search for {query} was slow: {duration_ms:slowms} ms on node {node:esnode}",
    ),
    t("INFO", 3, "SynonymLoader", "Reloaded synonyms for index {index}"),
    t("INFO", 2, "IndexUpdater", "Index {index} refresh completed in {duration_ms:ms} ms"),
  ],
  reports: [
    t(
      "INFO",
      22,
      "ReportScheduler",
      "Report {report_id:report} of type {type:rtemplate} scheduled",
    ),
    t(
      "INFO",
      20,
      "ReportWriter",
      "Report {report_id:report} generated with {rows:count} rows in {duration_ms:slowms} ms",
    ),
    t(
      "INFO",
      12,
      "ExportUploader",
      "Report {report_id:report} uploaded to {bucket} with {size:bytes} bytes",
    ),
    t("DEBUG", 10, "ReportQuery", "Report query for {report_id:report} used {parts:n} partitions"),
    t("INFO", 6, "ReportMailer", "Report {report_id:report} link sent to {email}"),
    t(
      "WARN",
      2,
      "ReportQuery",
      "Report {report_id:report} query scanned {rows:count} rows without an index",
    ),
  ],
  importer: [
    t("INFO", 20, "ImportJob", "Import {job_id:job} started from {file:importfile}"),
    t(
      "INFO",
      20,
      "ImportJob",
      "Import {job_id:job} finished with {rows:count} rows in {duration_ms:slowms} ms",
    ),
    t(
      "WARN",
      8,
      "RowValidator",
      "Import {job_id:job} skipped row {row:count} with an empty column {column}",
    ),
    t("DEBUG", 10, "SftpPoller", "Polled SFTP drop {host:sftphost} and found {files:n} files"),
    t("INFO", 6, "ImportJob", "Import {job_id:job} queued behind {jobs:n} jobs"),
  ],
};

export interface LifecycleTemplates {
  readonly shutdown: readonly BackgroundTemplate[];
  readonly startup: readonly BackgroundTemplate[];
  readonly warmup: readonly BackgroundTemplate[];
}

/** Restart lines; `@service@` and `@version@` are filled by the generator. */
export const LIFECYCLE: LifecycleTemplates = {
  shutdown: [
    t("INFO", 1, "Application", "Received SIGTERM, draining {requests:n} in-flight requests"),
    t("INFO", 1, "Application", "Shutdown of @service@ complete"),
  ],
  startup: [
    t("INFO", 1, "Application", "Starting @service@ version @version@ with profile production"),
    t("INFO", 1, "Application", "Started @service@ in {duration_ms:slowms} ms"),
  ],
  warmup: [
    t("WARN", 3, "ConnectionPool", "Connection pool grew to {size:n} connections during warm-up"),
    t("WARN", 3, "LocalCache", "Cache is cold, {misses:count} misses since start"),
    t("WARN", 2, "QueryPlanner", "First query on a cold connection took {duration_ms:slowms} ms"),
    t(
      "WARN",
      1,
      "HealthIndicator",
      "Readiness check failed while dependencies warm up, retry in {delay} seconds",
    ),
  ],
};

export const COMPILED_BACKGROUND: Readonly<
  Record<string, readonly { readonly template: Template; readonly spec: BackgroundTemplate }[]>
> = Object.fromEntries(
  Object.entries(BACKGROUND).map((
    [service, specs],
  ) => [service, specs.map((spec) => ({ spec, template: compileTemplate(spec.text) }))]),
);
