import type { Customer, CustomerEvent } from "../../domain/customers/mod.ts";
import type { Projection } from "./projection.ts";

export const CUSTOMER_TABLES = {
  /** [customerId] -> Customer. */
  customers: "customers",
} as const;

/** The customer directory as imported: one row per customer. */
export const customerProjection: Projection = {
  name: "customers",
  tables: Object.values(CUSTOMER_TABLES),
  apply(events, tx) {
    for (const event of events) {
      const e = { type: event.type, data: event.data } as CustomerEvent;
      switch (e.type) {
        case "CustomerRegistered":
        case "CustomerChanged":
          tx.put(CUSTOMER_TABLES.customers, [e.data.customer.customerId], e.data.customer);
          break;
        case "CustomerRemoved":
          tx.remove(CUSTOMER_TABLES.customers, [e.data.customerId]);
          break;
      }
    }
  },
};

/** Every customer of the directory, by id. */
export function directoryCustomers(
  reader: { range<T>(table: string): Iterable<{ value: T }> },
): Customer[] {
  return [...reader.range<Customer>(CUSTOMER_TABLES.customers)].map((e) => e.value);
}
