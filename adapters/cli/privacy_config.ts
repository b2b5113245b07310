import { MAX_RETENTION_DAYS } from "../../domain/privacy/retention.ts";
import { encryptionOn } from "../lmdb/encryption.ts";

/** Erasure and retention settings of `serve`, `replay` and `forget`. */
export interface PrivacyConfig {
  /** `LOUPE_ENCRYPTION` (on): seal each customer's events with their own keys. */
  readonly encryption: boolean;
  /** `LOUPE_RETENTION_DAYS` (none): days of data kept for customers without their own setting. */
  readonly retentionDays: number | null;
}

/** Reads the environment; throws an Error that says which value is wrong. */
export function privacyConfig(env: Record<string, string | undefined>): PrivacyConfig {
  const raw = env.LOUPE_RETENTION_DAYS?.trim();
  let retentionDays: number | null = null;
  if (raw !== undefined && raw !== "") {
    const days = Number(raw);
    if (!Number.isInteger(days) || days < 1 || days > MAX_RETENTION_DAYS) {
      throw new Error(
        `Invalid configuration: LOUPE_RETENTION_DAYS must be a whole number of days from 1 to ${MAX_RETENTION_DAYS}, not "${raw}"`,
      );
    }
    retentionDays = days;
  }
  return { encryption: encryptionOn(env), retentionDays };
}
