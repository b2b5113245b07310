/**
 * The worker side of {@linkcode BodyParsers}: parses one request body and
 * encodes its records for the event store, as the file import's workers do.
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import type { FormatName } from "../log_formats/mod.ts";
import type { ParseOptions } from "./format_pipeline.ts";
import { parseBody } from "./parse_body.ts";
import { type WorkerRecords, workerRecords } from "../lmdb/worker_records.ts";

export interface BodyJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: ParseOptions & { readonly source: string; readonly context: SourceContext };
}

export type BodyResult =
  | {
    readonly id: number;
    readonly format: FormatName;
    readonly records: WorkerRecords;
    readonly quarantined: readonly QuarantinedLine[];
  }
  | { readonly id: number; readonly error: string };

declare const self: {
  onmessage: ((event: MessageEvent<BodyJob>) => void) | null;
  postMessage(message: BodyResult, transfer: Transferable[]): void;
};

self.onmessage = ({ data: { id, bytes, options } }) => {
  try {
    const parsed = parseBody(bytes, options);
    const { records, transfer } = workerRecords({
      source: options.source,
      context: options.context,
      format: parsed.format,
      records: parsed.records,
      quarantined: parsed.quarantined,
    });
    self.postMessage(
      { id, format: parsed.format, records, quarantined: parsed.quarantined },
      transfer,
    );
  } catch (error) {
    self.postMessage({ id, error: (error as Error).message }, []);
  }
};
