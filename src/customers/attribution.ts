import { Directory, type Origin } from "../../domain/customers/mod.ts";
import { type Pacer, runPaced } from "../../ports/pacing.ts";
import type { ProjectionStore } from "../../ports/projection_store.ts";
import { CUSTOMER_TABLES, directoryCustomers, directoryVersion } from "../projections/customers.ts";
import type { Customer } from "../../domain/customers/mod.ts";
import { type CatalogEntry, TABLES as SIGNATURE_TABLES } from "../projections/signatures.ts";
import { originFirsts } from "../projections/signature_origins.ts";
import { DAY_MS } from "../../domain/time.ts";
import {
  ENVIRONMENT_TABLES,
  environmentLogProjection,
  type EnvTally,
} from "../projections/environment_logs.ts";

/** An origin, its records, and the customer the directory says it is (null: unattributed). */
export interface AttributedOrigin extends Origin {
  readonly customer: string | null;
  readonly records: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/** A customer's first line of a signature; see {@linkcode Attribution.customerFirsts}. */
export interface CustomerFirst {
  readonly at: number;
  readonly afterQuiet: boolean;
}

/** Every customer's first line of a signature, and the same times sorted for counting. */
export interface CustomerFirsts {
  readonly byCustomer: ReadonlyMap<string, CustomerFirst>;
  /** Every customer's first time, ascending. */
  readonly times: Float64Array;
  /** The first times that came after a quiet day, ascending. */
  readonly afterQuietTimes: Float64Array;
}

/** Signatures whose customer firsts are kept at once (each a map of up to every customer). */
const FIRSTS_KEPT = 4_096;

/**
 * Attribution at query time: read models count by origin, and the
 * directory in force says which customer each origin is. A corrected
 * directory applies to every record already stored, with no replay.
 * Cached until the directory or the set of origins changes.
 */
export class Attribution {
  readonly #store: ProjectionStore;
  #directory: { at: number; value: Directory } | undefined;
  #origins:
    | {
      at: string;
      all: readonly AttributedOrigin[];
      byCustomer: Map<string, AttributedOrigin[]>;
      byKey: Map<string, AttributedOrigin>;
    }
    | undefined;

  #affected:
    | { directoryAt: number; counts: Map<string, { origins: number; customers: number }> }
    | undefined;
  #firsts: { at: string; bySignature: Map<string, CustomerFirsts> } | undefined;

  /** Drops what it keeps between queries: the views were rebuilt (data erased). */
  forgetCaches(): void {
    this.#directory = undefined;
    this.#origins = undefined;
    this.#affected = undefined;
    this.#firsts = undefined;
  }

  constructor(store: ProjectionStore) {
    this.#store = store;
  }

  directory(): Directory {
    const at = directoryVersion(this.#store);
    if (this.#directory?.at !== at) {
      this.#directory = { at, value: new Directory(directoryCustomers(this.#store)) };
    }
    return this.#directory.value;
  }

  /**
   * Brings the cached directory up to date reading a slice at a time, so the
   * query after a large import does not read 50,000 customers in one go.
   */
  async refresh(pacer: Pacer): Promise<void> {
    const at = directoryVersion(this.#store);
    if (this.#directory?.at === at) return;
    const customers: Customer[] = [];
    for (const { value } of this.#store.range<Customer>(CUSTOMER_TABLES.customers)) {
      customers.push(value);
      if (customers.length % 256 === 0) await pacer.pace();
    }
    const directory = await runPaced(Directory.building(customers), pacer);
    if (directoryVersion(this.#store) === at) this.#directory = { at, value: directory };
  }

  customerOf(origin: Origin): string | null {
    return this.directory().customerOf(origin.owner, origin.tenant, origin.environment);
  }

  /** Every origin that has logged, attributed. */
  origins(): readonly AttributedOrigin[] {
    return this.#originIndex().all;
  }

  /** The origins whose records are the customer's, optionally in one environment. */
  originsOf(customerId: string, environment?: string): AttributedOrigin[] {
    const all = this.#originIndex().byCustomer.get(customerId) ?? [];
    return environment === undefined ? all : all.filter((o) => o.environment === environment);
  }

  /**
   * How many distinct customers a signature has hit (unattributed records
   * not counted). Cached per signature until a new origin logs it or the
   * directory changes, so steady ingest does not make every query cold.
   */
  affectedCount(signatureId: string): number {
    const directoryAt = directoryVersion(this.#store);
    if (this.#affected?.directoryAt !== directoryAt) {
      this.#affected = { directoryAt, counts: new Map() };
    }
    const origins =
      this.#store.get<CatalogEntry>(SIGNATURE_TABLES.signatures, [signatureId])?.origins ?? 0;
    const cached = this.#affected.counts.get(signatureId);
    if (cached !== undefined && cached.origins === origins) return cached.customers;
    const directory = this.directory();
    const customers = new Set<string>();
    // The origins of the signature, a row per sixteenth of them, not its tally at each.
    for (const { key } of originFirsts(this.#store, signatureId)) {
      const customer = directory.customerOf(key[0], key[1], key[2]);
      if (customer !== null) customers.add(customer);
    }
    this.#affected.counts.set(signatureId, { origins, customers: customers.size });
    return customers.size;
  }

  /**
   * Each customer's first line of a signature, and whether it came after a
   * day or more of that origin's own logs without it (a customer whose logs
   * begin with it says nothing of when it began there). Kept until an
   * origin or the directory changes, for the signatures asked most recently.
   */
  customerFirsts(signatureId: string): CustomerFirsts {
    const index = this.#originIndex();
    if (this.#firsts?.at !== index.at || this.#firsts.bySignature.size >= FIRSTS_KEPT) {
      this.#firsts = { at: index.at, bySignature: new Map() };
    }
    const kept = this.#firsts.bySignature.get(signatureId);
    if (kept !== undefined) return kept;
    const firsts = new Map<string, CustomerFirst>();
    for (const { key, firstSeen } of originFirsts(this.#store, signatureId)) {
      const origin = index.byKey.get(key.join("\u0000"));
      const customer = origin?.customer ?? null;
      if (customer === null) continue;
      const known = firsts.get(customer);
      if (known !== undefined && known.at <= firstSeen) continue;
      firsts.set(customer, {
        at: firstSeen,
        afterQuiet: firstSeen - (origin?.firstSeen ?? firstSeen) >= DAY_MS,
      });
    }
    const sorted = (values: number[]) => Float64Array.from(values).sort();
    const all = [...firsts.values()];
    const result: CustomerFirsts = {
      byCustomer: firsts,
      times: sorted(all.map((first) => first.at)),
      afterQuietTimes: sorted(all.filter((first) => first.afterQuiet).map((first) => first.at)),
    };
    this.#firsts.bySignature.set(signatureId, result);
    return result;
  }

  /** How many customers there are to be affected: the directory's, else those seen in logs. */
  customerCount(): number {
    const size = this.directory().size;
    return size > 0 ? size : this.#originIndex().byCustomer.size;
  }

  #originIndex() {
    const directory = this.directory();
    const at = `${this.#store.checkpoint(environmentLogProjection.name)}/${this.#directory!.at}`;
    if (this.#origins?.at !== at) {
      const all: AttributedOrigin[] = [];
      const byCustomer = new Map<string, AttributedOrigin[]>();
      const byKey = new Map<string, AttributedOrigin>();
      for (const { key, value } of this.#store.range<EnvTally>(ENVIRONMENT_TABLES.environments)) {
        const [owner, tenant, environment] = key.map(String) as [string, string, string];
        const origin: AttributedOrigin = {
          owner,
          tenant,
          environment,
          customer: directory.customerOf(owner, tenant, environment),
          records: value.count,
          firstSeen: value.firstSeen,
          lastSeen: value.lastSeen,
        };
        all.push(origin);
        byKey.set(originKey(origin).join("\u0000"), origin);
        if (origin.customer !== null) {
          const list = byCustomer.get(origin.customer);
          if (list === undefined) byCustomer.set(origin.customer, [origin]);
          else list.push(origin);
        }
      }
      this.#origins = { at, all, byCustomer, byKey };
    }
    return this.#origins;
  }
}

/** The key parts of an origin, for the tables keyed by origin. */
export function originKey(origin: Origin): [string, string, string] {
  return [origin.owner, origin.tenant, origin.environment];
}
