/**
 * The customer directory port, and what the HTTP adapter and CLIs ask of
 * the customer side of the application.
 */
import type { Customer } from "../domain/customers/mod.ts";

export interface DirectoryWriteOptions {
  /** Who made the change. */
  readonly by?: string | null;
  /** A retried import with the same key is applied once. */
  readonly idempotencyKey?: string;
  /** A hash of the keyed request: the same key for another request is refused. */
  readonly fingerprint?: string;
}

export interface ImportReceipt {
  readonly registered: readonly string[];
  readonly changed: readonly string[];
  readonly unchanged: number;
  /** Position in the event log of the import; 0 when nothing changed. */
  readonly position: number;
  /** True when the idempotency key had been seen: nothing was applied again. */
  readonly duplicate: boolean;
}

/**
 * Customers as the CRM knows them, kept as events: the source of which
 * customer a log record is about.
 */
export interface CustomerDirectory {
  /** Registers new customers and changes changed ones; customers not named stay. */
  importCustomers(
    customers: readonly Customer[],
    options?: DirectoryWriteOptions,
  ): Promise<ImportReceipt>;
  /** False when there was no such customer. */
  removeCustomer(customerId: string, options?: DirectoryWriteOptions): Promise<boolean>;
  /** Sorted by id. */
  customers(): readonly Customer[];
  customer(customerId: string): Customer | undefined;
}

/** Where a customer's records come from, and how many arrived. */
export interface OriginView {
  readonly owner: string;
  readonly tenant: string | null;
  readonly environment: string;
  readonly records: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface CustomerView extends Customer {
  readonly weightUsed: number;
  readonly origins: readonly OriginView[];
  readonly records: number;
}

export interface CustomerPage {
  readonly total: number;
  readonly items: readonly CustomerView[];
  /** Origins no customer could be attributed to, with their records. */
  readonly unattributed: { readonly records: number; readonly origins: readonly OriginView[] };
}

/** The customer side of the application, as the HTTP adapter sees it. */
export interface CustomerApi extends CustomerDirectory {
  listCustomers(limit: number, offset: number): CustomerPage;
  /** Throws LoupeError not_found for a customer the directory does not have. */
  customerView(customerId: string): CustomerView;
}
