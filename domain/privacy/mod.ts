/**
 * Erasure and retention on an append-only log: whose key seals each event
 * ({@link ownersOfAppend}), and which of a customer's periods a retention
 * drops ({@link retentionPlan}).
 *
 * @module
 */
export {
  claimOf,
  dayOf,
  DEPLOYMENT,
  latestRecordTime,
  type Ownership,
  ownersOfAppend,
  PERMANENT,
} from "./ownership.ts";
/** Retention periods are counted in these. */
export { DAY_MS } from "../time.ts";
export {
  type CustomerForgotten,
  ERASURE_STREAM,
  MAX_RETENTION_DAYS,
  type PrivacyEvent,
  RETENTION_STREAM,
  type RetentionApplied,
  retentionDaysOf,
  retentionPlan,
  type RetentionSet,
  retentionSettings,
} from "./retention.ts";
