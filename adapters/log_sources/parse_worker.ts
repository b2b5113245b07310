/**
 * The worker side of {@linkcode encodedFileBatches}: reads and parses its
 * share of a source's files, encodes each batch's records for the event
 * store and reduces their messages to skeletons (see `worker_records.ts`),
 * so the main thread receives bytes (moved, not copied) and the few
 * skeletons it mines, never the records as objects. Measured on the
 * ingest bench, sending parsed batches as JSON cost the main thread a third
 * of its time in JSON.parse alone; a structured clone cost more than that.
 * At most `window` batches are posted ahead of what the main thread asked
 * for, so memory stays bounded.
 *
 * @module
 */
import { type FileSourceOptions, type SourceFile, sourceFileBatches } from "./file_source.ts";
import type { EncodedSourceBatch, SourceBatch } from "../../ports/log_source.ts";
import {
  encodeWorkerRecords,
  joinWorkerRecords,
  transferOf,
  type WorkerRecords,
} from "../lmdb/worker_records.ts";
import { GROUP_ROWS } from "../lmdb/row_codec.ts";

export type ToWorker =
  | {
    readonly type: "start";
    /** Files with their place in the source's order. */
    readonly files: readonly { readonly ordinal: number; readonly file: SourceFile }[];
    readonly options: FileSourceOptions;
    readonly maxRecords: number;
    readonly window: number;
  }
  | { readonly type: "more" };

/** A batch as posted: everything but its records, and the records encoded. */
export type PostedBatch = Omit<EncodedSourceBatch, "records"> & {
  readonly records: WorkerRecords;
};

export type FromWorker =
  | { readonly type: "batch"; readonly ordinal: number; readonly batch: PostedBatch }
  | { readonly type: "end" }
  /** `ordinal`: the file that failed; -1 when the worker itself did. */
  | { readonly type: "error"; readonly ordinal: number; readonly message: string };

declare const self: {
  onmessage: ((event: MessageEvent<ToWorker>) => void) | null;
  postMessage(message: FromWorker, transfer: Transferable[]): void;
};

let credit = 0;
let wake: (() => void) | undefined;

self.onmessage = (event) => {
  const message = event.data;
  if (message.type === "more") {
    credit++;
    wake?.();
    return;
  }
  credit = message.window;
  void parse(message.files, message.options, message.maxRecords);
};

const utf8 = new TextEncoder();

/**
 * SHA-256 of everything a batch stores but its fallback time and its
 * signatures: context, quarantined lines and the records' fields (their
 * lines and offsets among them). Not the file's name: a rotated file
 * (app.log become app.log.1) imported again is the same data.
 */
async function contentDigest(
  batch: Pick<SourceBatch, "context" | "quarantined">,
  records: WorkerRecords,
): Promise<string> {
  const head = utf8.encode(JSON.stringify([batch.context, batch.quarantined]));
  const parts = records.parts.flatMap(({ columns: { timestamps, middle } }) => [
    new Uint8Array(timestamps.buffer, timestamps.byteOffset, timestamps.byteLength),
    middle,
  ]);
  const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, head.length));
  bytes.set(head);
  let at = head.length;
  for (const part of parts) {
    bytes.set(part, at);
    at += part.length;
  }
  const digest = new Uint8Array(await crypto.subtle.digest("SHA-256", bytes));
  return Array.from(digest, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

async function parse(
  files: readonly { readonly ordinal: number; readonly file: SourceFile }[],
  options: FileSourceOptions,
  maxRecords: number,
) {
  let current = -1;
  try {
    for (const { ordinal, file } of files) {
      current = ordinal;
      // A batch is parsed and encoded a piece at a time, so its records die
      // young instead of all living until the batch is whole (see
      // `joinRecordColumns`); the pieces are joined before it is posted.
      let pieces: { batch: SourceBatch; records: WorkerRecords }[] = [];
      let items = 0;
      const post = async () => {
        while (credit === 0) await new Promise<void>((resolve) => wake = resolve);
        credit--;
        const first = pieces[0]!.batch;
        const records = joinWorkerRecords(pieces.map((piece) => piece.records));
        const quarantined = pieces.flatMap((piece) => piece.batch.quarantined);
        const lastOffset = pieces.findLast((piece) => piece.batch.records.length > 0)?.batch
          .records.at(-1)?.offset;
        const posted: PostedBatch = {
          source: first.source,
          context: first.context,
          format: pieces.at(-1)!.batch.format,
          quarantined,
          records,
          contentDigest: await contentDigest({ ...first, quarantined }, records),
          ...(lastOffset === undefined ? {} : { lastOffset }),
        };
        self.postMessage({ type: "batch", ordinal, batch: posted }, transferOf(records));
        pieces = [];
        items = 0;
      };
      for await (
        const piece of sourceFileBatches(
          file,
          options,
          maxRecords,
          Math.min(maxRecords, GROUP_ROWS),
        )
      ) {
        pieces.push({ batch: piece, records: encodeWorkerRecords(piece) });
        items += piece.records.length + piece.quarantined.length;
        if (items === maxRecords) await post();
      }
      if (pieces.length > 0) await post();
    }
    self.postMessage({ type: "end" }, []);
  } catch (error) {
    self.postMessage({ type: "error", ordinal: current, message: (error as Error).message }, []);
  }
}
