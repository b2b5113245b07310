/**
 * Storage faults as a state the application reports, not a crash: a commit
 * that failed (disk full, I/O error) makes writes refused with a reason until
 * one succeeds again, while reads go on.
 */
export class StorageUnavailableError extends Error {
  constructor(readonly reason: string) {
    super(`Cannot store the write: ${reason}; reads still work, retry once space is back`);
    this.name = "StorageUnavailableError";
  }
}

/** What the store says about its writes, for /healthz. */
export interface WriteHealth {
  /** `ok`, or `failing` since the last commit failed. */
  readonly state: "ok" | "failing";
  readonly reason: string | null;
  /** Epoch ms of the failure that started the current failing state. */
  readonly since: number | null;
}
