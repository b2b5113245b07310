/** What the console reads and does: the same use-case ports the JSON API is built on. */
import type { AuditLog, Authenticator } from "../../ports/access.ts";
import type { AnalyticsApi } from "../../ports/analytics.ts";
import type { LoupeApplication } from "../../ports/application.ts";
import type { Clock } from "../../ports/clock.ts";
import type { CustomerApi } from "../../ports/customers.ts";
import type { ImpactApi } from "../../ports/impact.ts";
import type { IssueApi } from "../../ports/issues.ts";
import type { KbApi } from "../../ports/kb.ts";
import type { TicketApi } from "../../ports/tickets.ts";
import type { TrendApi } from "../../ports/trends.ts";

export interface ConsoleDeps {
  readonly app: Pick<LoupeApplication, "signature">;
  readonly tickets: TicketApi;
  readonly issues: IssueApi;
  readonly impact: ImpactApi;
  readonly trends: TrendApi;
  readonly analytics: Pick<AnalyticsApi, "prediction">;
  readonly kb: KbApi;
  readonly customers: Pick<CustomerApi, "customer">;
  readonly authenticator: Authenticator;
  /** Reads of one customer's data by a signed-in token are recorded here, as the API's are. */
  readonly audit?: AuditLog;
  readonly clock: Clock;
  /** How long a sign-in lasts (default 12 hours). */
  readonly sessionTtlMs?: number;
}
