/**
 * The worker side of {@linkcode OtlpDecoders}: decodes one protobuf request
 * and encodes its records for the event store, as the body parsers do for
 * the other formats.
 *
 * @module
 */
import type { SourceContext } from "../../domain/log_record.ts";
import { redactorOf } from "../redaction/log_redaction.ts";
import { answerFailure, answerRecords, onJob } from "../log_sources/records_worker.ts";
import { decodeOtlpProtobuf, type OtlpOptions, otlpRecords } from "./logs.ts";

export interface DecodeJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: OtlpOptions & { readonly context: SourceContext };
}

onJob<DecodeJob>(({ id, bytes, options }) => {
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
    answerFailure(id, `Cannot decode OTLP protobuf: ${(error as Error).message}`);
    return;
  }
  answerRecords(id, {
    source: options.source,
    context: options.context,
    format: "otlp-protobuf",
    records: batch.records,
    quarantined: batch.quarantined,
  });
});
