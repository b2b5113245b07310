/**
 * The worker side of {@linkcode SyslogParsers}: parses one read's frames and
 * encodes their records for the event store, as the body parsers do.
 *
 * @module
 */
import { answerFailure, answerRecords, onJob } from "../log_sources/records_worker.ts";
import { type FrameOptions, type PackedFrames, recordsOfPacked } from "./messages.ts";

export interface SyslogJob {
  readonly id: number;
  readonly frames: PackedFrames;
  readonly options: FrameOptions;
}

onJob<SyslogJob>(({ id, frames, options }) => {
  try {
    const parsed = recordsOfPacked(frames, options);
    answerRecords(id, {
      source: options.source,
      context: {},
      format: "syslog",
      records: parsed.records,
      quarantined: parsed.quarantined,
    });
  } catch (error) {
    answerFailure(id, (error as Error).message);
  }
});
