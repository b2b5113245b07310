import { type Customer, type CustomerEvent, DirectoryViolation } from "./types.ts";

/**
 * Typical annual value of a tier, in the same unit as contract values, for
 * customers whose export gives neither a weight nor a contract value.
 */
export const TIER_DEFAULT_VALUE: Readonly<Record<string, number>> = {
  enterprise: 150_000,
  business: 40_000,
  standard: 8_000,
};
const UNKNOWN_TIER_VALUE = 8_000;

/** How much a customer counts in impact: its weight, else its contract value, else its tier's. */
export function customerWeight(customer: Customer): number {
  return customer.weight ?? customer.contractValue ?? TIER_DEFAULT_VALUE[customer.tier] ??
    UNKNOWN_TIER_VALUE;
}

interface EnvironmentEntry {
  /** The customer that has the environment to itself. */
  dedicated: string | null;
  /** In a shared environment: tenant id -> customer. */
  readonly tenants: Map<string, string>;
}

/**
 * Who a log record is about. Records are attributed by the environment they
 * come from and, in a shared environment, by their tenant attribute; what
 * cannot be attributed that way is not guessed.
 *
 * @example
 * ```ts
 * import { Directory } from "./directory.ts";
 * import assert from "node:assert/strict";
 * const base = {
 *   tier: "standard", contractValue: null, weight: null, region: null, primaryContact: null,
 *   primaryEmail: null,
 * };
 * const directory = new Directory([
 *   { ...base, customerId: "acme", name: "Acme", deploymentModel: "single-tenant" as const,
 *     environments: ["acme/prod"], tenantId: null },
 *   { ...base, customerId: "zeta", name: "Zeta", deploymentModel: "multi-tenant" as const,
 *     environments: ["eu-1/prod"], tenantId: "zeta-t" },
 * ]);
 * assert.equal(directory.customerOf("acme", "", "prod"), "acme");
 * assert.equal(directory.customerOf("eu-1", "zeta-t", "prod"), "zeta");
 * assert.equal(directory.customerOf("eu-1", "", "prod"), null);
 * assert.equal(directory.customerOf("eu-1", "other", "prod"), null);
 * ```
 */
/** Customers looked at between two steps of {@linkcode Directory.building}. */
const DIRECTORY_STEP = 1_000;

export class Directory {
  readonly #customers = new Map<string, Customer>();
  readonly #environments = new Map<string, EnvironmentEntry>();

  constructor(customers: Iterable<Customer>) {
    const steps = Directory.building(customers, this);
    while (!steps.next().done) {
      // Built in one go.
    }
  }

  /**
   * The same directory a step at a time (a step every 1,000 customers), for
   * a caller that paces a directory of 50,000 between other work.
   */
  static *building(
    customers: Iterable<Customer>,
    into: Directory = new Directory([]),
  ): Generator<number, Directory, void> {
    let looked = 0;
    for (const customer of customers) {
      into.#customers.set(customer.customerId, customer);
      if (++looked % DIRECTORY_STEP === 0) yield looked;
    }
    for (const customer of into.#customers.values()) {
      for (const key of customer.environments) {
        let entry = into.#environments.get(key);
        if (entry === undefined) {
          into.#environments.set(key, entry = { dedicated: null, tenants: new Map() });
        }
        if (customer.deploymentModel === "multi-tenant" && customer.tenantId !== null) {
          entry.tenants.set(customer.tenantId, customer.customerId);
        } else entry.dedicated = customer.customerId;
      }
      if (++looked % DIRECTORY_STEP === 0) yield looked;
    }
    return into;
  }

  get size(): number {
    return this.#customers.size;
  }

  customer(customerId: string): Customer | undefined {
    return this.#customers.get(customerId);
  }

  customers(): IterableIterator<Customer> {
    return this.#customers.values();
  }

  /**
   * The customer of a record whose source names `owner` (a customer or a
   * shared cluster), in `environment`, with tenant attribute `tenant` ("" for
   * none); null when it cannot be told.
   *
   * - an environment one customer has to itself is that customer's;
   * - in a shared environment the tenant decides, and no tenant (or an
   *   unknown one) is unattributed;
   * - an environment the directory does not list belongs to the owner when
   *   the owner is a known customer;
   * - with no directory at all, the owner a source names is taken as is.
   */
  customerOf(owner: string, tenant: string, environment: string): string | null {
    const entry = this.#environments.get(environmentKey(owner, environment));
    if (entry !== undefined) {
      if (entry.dedicated !== null) return entry.dedicated;
      return entry.tenants.get(tenant) ?? null;
    }
    if (this.#customers.has(owner)) return owner;
    if (this.#customers.size === 0 && owner !== "") return owner;
    return null;
  }
}

/** `<owner>/<environment>`, as the directory's environment lists write it. */
export function environmentKey(owner: string, environment: string): string {
  return `${owner}/${environment}`;
}

/** The directory as of a sequence of events. */
export function evolveDirectory(
  state: ReadonlyMap<string, Customer>,
  event: CustomerEvent,
): Map<string, Customer> {
  const next = new Map(state);
  switch (event.type) {
    case "CustomerRegistered":
    case "CustomerChanged":
      next.set(event.data.customer.customerId, event.data.customer);
      return next;
    case "CustomerRemoved":
      next.delete(event.data.customerId);
      return next;
  }
}

/**
 * The events that bring the directory in line with an import: new customers
 * registered, changed ones changed, identical ones left alone. Customers the
 * import does not mention stay (CRM exports are often partial). Refused when
 * an id repeats or the result would attribute an environment two ways.
 */
export function planImport(
  current: ReadonlyMap<string, Customer>,
  incoming: readonly Customer[],
  metadata: { readonly at: number; readonly by: string | null },
): CustomerEvent[] {
  const steps = planImportSteps(current, incoming, metadata);
  for (;;) {
    const step = steps.next();
    if (step.done) return step.value;
  }
}

/** Customers looked at between two pauses of {@linkcode planImportSteps}. */
export const PLAN_STEP_CUSTOMERS = 500;

/**
 * {@linkcode planImport} in steps: it pauses (yields how many customers it
 * has looked at) every {@linkcode PLAN_STEP_CUSTOMERS}, so a caller that
 * shares its thread with other work can let that work run between steps. The
 * plan is the same however the steps are driven.
 *
 * @example
 * ```ts
 * import { planImportSteps } from "./directory.ts";
 * import assert from "node:assert/strict";
 * const steps = planImportSteps(new Map(), [], { at: 0, by: null });
 * let step = steps.next();
 * while (!step.done) step = steps.next();
 * assert.deepEqual(step.value, []);
 * ```
 */
export function* planImportSteps(
  current: ReadonlyMap<string, Customer>,
  incoming: readonly Customer[],
  metadata: { readonly at: number; readonly by: string | null },
): Generator<number, CustomerEvent[], void> {
  const seen = new Set<string>();
  let looked = 0;
  for (const customer of incoming) {
    if (seen.has(customer.customerId)) {
      throw new DirectoryViolation(
        `Cannot import customers: ${customer.customerId} appears twice`,
        { customerId: customer.customerId },
      );
    }
    seen.add(customer.customerId);
    if (++looked % PLAN_STEP_CUSTOMERS === 0) yield looked;
  }
  const events: CustomerEvent[] = [];
  const after = new Map(current);
  for (const customer of incoming) {
    checkCustomer(customer);
    const before = current.get(customer.customerId);
    if (before === undefined || !sameCustomer(before, customer)) {
      events.push(
        before === undefined
          ? { type: "CustomerRegistered", data: { customer, ...metadata } }
          : { type: "CustomerChanged", data: { customer, ...metadata } },
      );
      after.set(customer.customerId, customer);
    }
    if (++looked % PLAN_STEP_CUSTOMERS === 0) yield looked;
  }
  const attribution = new AttributionCheck();
  for (const customer of after.values()) {
    attribution.add(customer);
    if (++looked % PLAN_STEP_CUSTOMERS === 0) yield looked;
  }
  attribution.finish();
  return events;
}

/** Removing one customer: its records become unattributed from then on. */
export function planRemoval(
  current: ReadonlyMap<string, Customer>,
  customerId: string,
  metadata: { readonly at: number; readonly by: string | null },
): CustomerEvent[] {
  if (!current.has(customerId)) return [];
  return [{ type: "CustomerRemoved", data: { customerId, ...metadata } }];
}

function checkCustomer(customer: Customer): void {
  const fail = (detail: string): never => {
    throw new DirectoryViolation(`Cannot import customer ${customer.customerId}: ${detail}`, {
      customerId: customer.customerId,
    });
  };
  if (customer.customerId.trim() === "") fail("the id is empty");
  // The keys of log origins are owned by names that start with one
  // (`domain/privacy/ownership.ts`): a customer's must never be one of them.
  if ([...customer.customerId].some((c) => c < " " || c === "\u007f")) {
    fail("the id holds a control character");
  }
  if (customer.name.trim() === "") fail("the name is empty");
  if (customer.deploymentModel === "multi-tenant" && customer.tenantId === null) {
    fail("a multi-tenant customer needs a tenant_id to tell its records apart");
  }
  for (const key of customer.environments) {
    const slash = key.indexOf("/");
    if (slash <= 0 || slash === key.length - 1) {
      fail(`environment "${key}" is not <owner>/<environment>`);
    }
  }
  for (const value of [customer.contractValue, customer.weight]) {
    if (value !== null && (!Number.isFinite(value) || value < 0)) {
      fail("contract value and weight must be numbers ≥ 0");
    }
  }
}

/**
 * An environment is dedicated to one customer or shared by tenants, never
 * both or twice: customers are added one at a time, then `finish` checks the
 * whole.
 */
class AttributionCheck {
  readonly #dedicated = new Map<string, string>();
  readonly #tenants = new Map<string, string>();
  readonly #shared = new Set<string>();

  add(c: Customer): void {
    for (const key of c.environments) {
      if (c.deploymentModel === "multi-tenant") {
        this.#shared.add(key);
        const tenantKey = `${key}\u0000${c.tenantId}`;
        const other = this.#tenants.get(tenantKey);
        if (other !== undefined) {
          throw new DirectoryViolation(
            `Cannot import customers: ${other} and ${c.customerId} both use tenant ${c.tenantId} in ${key}`,
            { environment: key, customers: [other, c.customerId] },
          );
        }
        this.#tenants.set(tenantKey, c.customerId);
      } else {
        const other = this.#dedicated.get(key);
        if (other !== undefined) {
          throw new DirectoryViolation(
            `Cannot import customers: ${other} and ${c.customerId} both claim ${key}; a shared environment needs deployment_model multi-tenant and a tenant_id for each`,
            { environment: key, customers: [other, c.customerId] },
          );
        }
        this.#dedicated.set(key, c.customerId);
      }
    }
  }

  finish(): void {
    for (const key of this.#shared) {
      if (this.#dedicated.has(key)) {
        throw new DirectoryViolation(
          `Cannot import customers: ${key} is dedicated to ${
            this.#dedicated.get(key)
          } and shared by tenants at once`,
          { environment: key },
        );
      }
    }
  }
}

function sameCustomer(a: Customer, b: Customer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
