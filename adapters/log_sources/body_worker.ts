/**
 * The worker side of {@linkcode BodyParsers}: parses one request body and
 * encodes its records for the event store, as the file import's workers do.
 *
 * @module
 */
import type { SourceContext } from "../../domain/log_record.ts";
import type { ParseOptions } from "./format_pipeline.ts";
import { parseBody } from "./parse_body.ts";
import { answerFailure, answerRecords, onJob } from "./records_worker.ts";

export interface BodyJob {
  readonly id: number;
  readonly bytes: Uint8Array;
  readonly options: ParseOptions & { readonly source: string; readonly context: SourceContext };
}

onJob<BodyJob>(({ id, bytes, options }) => {
  try {
    const parsed = parseBody(bytes, options);
    answerRecords(id, {
      source: options.source,
      context: options.context,
      format: parsed.format,
      records: parsed.records,
      quarantined: parsed.quarantined,
    }, { format: parsed.format });
  } catch (error) {
    answerFailure(id, (error as Error).message);
  }
});
