/**
 * What the signature miner learns, as facts. Replaying these into
 * `SignatureMiner.restore` must give a miner that behaves exactly like the one
 * that emitted them, so the events are the miner's whole durable state.
 */
export type MinerEvent =
  | {
    readonly type: "SignatureDiscovered";
    readonly data: {
      readonly signatureId: string;
      /** Readable template: variables as `<*>` or typed placeholders. */
      readonly template: string;
      /** Miner-private state needed to restore it exactly (JSON-safe). */
      readonly state: unknown;
    };
  }
  | {
    readonly type: "SignatureGeneralized";
    readonly data: {
      readonly signatureId: string;
      readonly previousTemplate: string;
      readonly template: string;
      readonly state: unknown;
    };
  };

/** The result of mining one batch of messages, in input order. */
export interface MineResult {
  readonly signatureIds: readonly string[];
  readonly events: readonly MinerEvent[];
}
