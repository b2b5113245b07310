/** A customer as the CRM knows it, and the environments its logs come from. */
export interface Customer {
  readonly customerId: string;
  readonly name: string;
  /** Lower case, e.g. `enterprise`, `business`, `standard`. */
  readonly tier: string;
  /** Annual contract value, in the CRM's currency; null when the export has none. */
  readonly contractValue: number | null;
  /** An explicit weight from the export; null to derive it (see `customerWeight`). */
  readonly weight: number | null;
  readonly region: string | null;
  readonly deploymentModel: DeploymentModel;
  /**
   * Environment keys `<owner>/<environment>`: the customer (or shared
   * cluster) a log source names and the environment within it.
   */
  readonly environments: readonly string[];
  /** The tenant attribute that names this customer in a multi-tenant environment. */
  readonly tenantId: string | null;
  readonly primaryContact: string | null;
  readonly primaryEmail: string | null;
}

export const DEPLOYMENT_MODELS = ["single-tenant", "multi-tenant"] as const;
export type DeploymentModel = (typeof DEPLOYMENT_MODELS)[number];

export interface CustomerRegistered {
  readonly type: "CustomerRegistered";
  readonly data: { readonly customer: Customer; readonly at: number; readonly by: string | null };
}

export interface CustomerChanged {
  readonly type: "CustomerChanged";
  readonly data: { readonly customer: Customer; readonly at: number; readonly by: string | null };
}

export interface CustomerRemoved {
  readonly type: "CustomerRemoved";
  readonly data: { readonly customerId: string; readonly at: number; readonly by: string | null };
}

export type CustomerEvent = CustomerRegistered | CustomerChanged | CustomerRemoved;

/** Every change to the directory goes to this one stream, so imports are checked against all of it. */
export const CUSTOMERS_STREAM = "customers";

/** Why a directory change was refused. */
export class DirectoryViolation extends Error {
  constructor(message: string, readonly details?: Record<string, unknown>) {
    super(message);
    this.name = "DirectoryViolation";
  }
}
