import { contextualField, type StoredRecord } from "../events.ts";
import type { SourceContext } from "../log_record.ts";
import { tenantOf } from "./tenant.ts";

/**
 * Where a record comes from, as far as attribution is concerned: the
 * customer or shared cluster its source names, the tenant it names itself
 * ("" for none) and the environment. Read models count by origin; the
 * directory says which customer an origin is, when a query asks.
 */
export interface Origin {
  readonly owner: string;
  readonly tenant: string;
  readonly environment: string;
}

export function originOf(
  record: Pick<StoredRecord, "customer" | "environment" | "attributes">,
  context: SourceContext,
): Origin {
  return {
    owner: contextualField(record, context, "customer") ?? "",
    tenant: tenantOf(record.attributes),
    environment: contextualField(record, context, "environment") ?? "",
  };
}
