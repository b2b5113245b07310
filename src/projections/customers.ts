import type { Customer } from "../../domain/customers/mod.ts";
import type { Projection } from "./projection.ts";

export const CUSTOMER_TABLES = {
  /** [customerId] -> Customer. */
  customers: "customers",
  /** ["changes"] -> how many changes the directory has had: its version. */
  meta: "customer_directory_meta",
} as const;

/** The customer directory as imported: one row per customer. */
export const customerProjection: Projection = {
  name: "customers",
  tables: Object.values(CUSTOMER_TABLES),
  apply(events, tx) {
    let changes = 0;
    for (const event of events) {
      switch (event.type) {
        case "CustomerRegistered":
        case "CustomerChanged":
          tx.put(CUSTOMER_TABLES.customers, [event.data.customer.customerId], event.data.customer);
          changes++;
          break;
        case "CustomerRemoved":
          tx.remove(CUSTOMER_TABLES.customers, [event.data.customerId]);
          changes++;
          break;
      }
    }
    if (changes > 0) {
      tx.put(CUSTOMER_TABLES.meta, ["changes"], directoryVersion(tx) + changes);
    }
  },
};

/** Every customer of the directory, by id. */
export function directoryCustomers(
  reader: { range<T>(table: string): Iterable<{ value: T }> },
): Customer[] {
  return [...reader.range<Customer>(CUSTOMER_TABLES.customers)].map((e) => e.value);
}

/**
 * The directory's version: it moves only when a customer changes, unlike the
 * projection's checkpoint, which every event of the log moves.
 */
export function directoryVersion(
  reader: { get<T>(table: string, key: readonly string[]): T | undefined },
): number {
  return reader.get<number>(CUSTOMER_TABLES.meta, ["changes"]) ?? 0;
}
