/**
 * The worker side of {@linkcode SyslogParsers}: parses one read's frames and
 * encodes their records for the event store, as the body parsers do.
 *
 * @module
 */
import type { QuarantinedLine } from "../../domain/log_record.ts";
import { type WorkerRecords, workerRecords } from "../lmdb/worker_records.ts";
import { type FrameOptions, type PackedFrames, recordsOfPacked } from "./messages.ts";

export interface SyslogJob {
  readonly id: number;
  readonly frames: PackedFrames;
  readonly options: FrameOptions;
}

export type SyslogResult =
  | {
    readonly id: number;
    readonly records: WorkerRecords;
    readonly quarantined: readonly QuarantinedLine[];
  }
  | { readonly id: number; readonly error: string };

declare const self: {
  onmessage: ((event: MessageEvent<SyslogJob>) => void) | null;
  postMessage(message: SyslogResult, transfer: Transferable[]): void;
};

self.onmessage = ({ data: { id, frames, options } }) => {
  try {
    const parsed = recordsOfPacked(frames, options);
    const { records, transfer } = workerRecords({
      source: options.source,
      context: {},
      format: "syslog",
      records: parsed.records,
      quarantined: parsed.quarantined,
    });
    self.postMessage({ id, records, quarantined: parsed.quarantined }, transfer);
  } catch (error) {
    self.postMessage({ id, error: (error as Error).message }, []);
  }
};
