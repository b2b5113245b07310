/** The application's erasure and retention API, as the HTTP routes and the CLI use it. */

export interface ForgetReceipt {
  readonly customerId: string;
  /** Keys deleted now: 0 when the customer had no data left (forgetting again is harmless). */
  readonly keysDeleted: number;
  readonly at: number;
  /** The event position the projections were rebuilt to. */
  readonly projectionPosition: number;
}

export interface RetentionDrop {
  readonly customerId: string;
  /** Data of days before this one (UTC, `YYYY-MM-DD`) was dropped. */
  readonly before: string;
  readonly keysDeleted: number;
}

export interface RetentionReceipt {
  readonly at: number;
  readonly dropped: readonly RetentionDrop[];
  /** Whether projections were rebuilt (only when some key was deleted). */
  readonly rebuilt: boolean;
}

export interface RetentionView {
  readonly customerId: string;
  /** Days of data kept; null = kept until forgotten. */
  readonly days: number | null;
  /** Where `days` comes from: the customer's own setting, or the deployment default. */
  readonly source: "customer" | "default";
}

export interface PrivacyApi {
  /** Makes every record, ticket and derived fact of the customer unreadable; recorded with who asked. */
  forget(customerId: string, by: string | null): Promise<ForgetReceipt>;
  /** Drops every customer's data older than their retention now. */
  applyRetention(): Promise<RetentionReceipt>;
  retention(customerId: string): Promise<RetentionView>;
  /** Sets one customer's retention; null goes back to the default. */
  setRetention(customerId: string, days: number | null, by: string | null): Promise<RetentionView>;
}
