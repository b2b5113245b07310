/**
 * The worker side of {@linkcode OtlpDecoders}: decodes one protobuf request
 * and encodes its records for the event store, as the body parsers do for
 * the other formats.
 *
 * @module
 */
import type { QuarantinedLine, SourceContext } from "../../domain/log_record.ts";
import { type WorkerRecords, workerRecords } from "../lmdb/worker_records.ts";
import { redactorOf } from "../redaction/log_redaction.ts";
import { decodeOtlpProtobuf, type OtlpOptions, otlpRecords } from "./logs.ts";

export interface DecodeJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: OtlpOptions & { readonly context: SourceContext };
}

export type DecodeResult =
  | {
    readonly id: number;
    readonly records: WorkerRecords;
    readonly quarantined: readonly QuarantinedLine[];
  }
  | { readonly id: number; readonly error: string };

declare const self: {
  onmessage: ((event: MessageEvent<DecodeJob>) => void) | null;
  postMessage(message: DecodeResult, transfer: Transferable[]): void;
};

self.onmessage = ({ data: { id, bytes, options } }) => {
  let batch;
  try {
    batch = otlpRecords(
      decodeOtlpProtobuf(bytes),
      options,
      options.redaction === undefined
        ? undefined
        : { redactor: redactorOf(options.redaction), context: options.context },
    );
  } catch (error) {
    self.postMessage({ id, error: `Cannot decode OTLP protobuf: ${(error as Error).message}` }, []);
    return;
  }
  const { records, transfer } = workerRecords({
    source: options.source,
    context: options.context,
    format: "otlp-protobuf",
    records: batch.records,
    quarantined: batch.quarantined,
  });
  self.postMessage({ id, records, quarantined: batch.quarantined }, transfer);
};
