import { recordGroupsOf, type StoredEvent } from "../../ports/event_store.ts";
import { KEY_PREFIX_END, type ProjectionWriter } from "../../ports/projection_store.ts";
import type { LogBatchIngestedData } from "../../domain/events.ts";
import {
  BASELINE_HOURS,
  type Detection,
  detectIssue,
  ISSUE_MIN_SEVERITY,
} from "../../domain/issues/mod.ts";
import type { Projection } from "./projection.ts";
import { summarize } from "./batch_summary.ts";
import { addHourCounts, hourCounts } from "./hour_rows.ts";
import { DAY_MS, HOUR_MS } from "../../domain/time.ts";

/** A signature quiet this long before detecting again opens a new issue (a recurrence). */
const RECURRENCE_GAP_MS = 7 * DAY_MS;

export const ISSUE_TABLES = {
  /** [issueId] -> DetectedIssue. */
  issues: "issues",
  /** [signatureId] -> the latest issueId of the signature. */
  bySignature: "issue_by_signature",
  /** [detectedAt, issueId] -> 1: newest first listing. */
  byTime: "issue_by_time",
  /** [signatureId, day] -> lines of WARN and above by hour (see hour_rows.ts): the detector's own counts. */
  hours: "issue_signature_hours",
  /** [signatureId] -> { firstSeen, severityNumber }. */
  signatures: "issue_signatures",
  /** ["data"] -> first record time in the store. */
  meta: "issue_meta",
} as const;

export interface DetectedIssue extends Detection {
  readonly issueId: string;
  readonly signatureId: string;
  /** Time of the line that tipped it. */
  readonly detectedAt: number;
  /** Event log position of the batch that tipped it. */
  readonly position: number;
  /** Latest line of the signature since. */
  readonly lastSeen: number;
}

interface SignatureState {
  readonly firstSeen: number;
  readonly severityNumber: number;
}

/**
 * Issue detection as a read model: each ingest batch is applied on its own
 * (so where chunks are cut never changes what is detected), and every hour a
 * batch touched is judged for the signatures that batch logged at WARN or
 * above. Which customers an issue hits comes from the signature's origins
 * at query time, so the list grows as data arrives.
 */
export const issueProjection: Projection = {
  name: "issues@3",
  tables: Object.values(ISSUE_TABLES),
  apply(events, tx) {
    for (const event of events) {
      if (event.type === "LogBatchIngested") {
        applyBatch(event, tx);
      }
    }
  },
};

function applyBatch(event: StoredEvent<string, LogBatchIngestedData>, tx: ProjectionWriter): void {
  if (recordGroupsOf(event.data).count === 0) return;
  let earliest = Infinity;
  /** signatureId -> hour -> [lines, first line's time]. */
  const touched = new Map<string, Map<number, [number, number]>>();
  const latest = new Map<string, number>();
  const states = new Map<string, SignatureState>();
  for (const group of summarize(event.data).groups) {
    const { signatureId, hour } = group;
    earliest = Math.min(earliest, group.firstSeen);
    latest.set(signatureId, Math.max(latest.get(signatureId) ?? -Infinity, group.lastSeen));
    if (group.severityNumber < ISSUE_MIN_SEVERITY) continue;
    const state = states.get(signatureId) ??
      tx.get<SignatureState>(ISSUE_TABLES.signatures, [signatureId]);
    states.set(signatureId, {
      firstSeen: Math.min(state?.firstSeen ?? Infinity, group.firstSeen),
      severityNumber: Math.max(state?.severityNumber ?? 0, group.severityNumber),
    });
    let hours = touched.get(signatureId);
    if (hours === undefined) touched.set(signatureId, hours = new Map());
    const at = hours.get(hour);
    if (at === undefined) hours.set(hour, [group.count, group.firstSeen]);
    else {
      at[0] += group.count;
      at[1] = Math.min(at[1], group.firstSeen);
    }
  }
  const dataSince = Math.min(
    tx.get<number>(ISSUE_TABLES.meta, ["data"]) ?? Infinity,
    earliest,
  );
  tx.put(ISSUE_TABLES.meta, ["data"], dataSince);
  for (const [signatureId, state] of states) tx.put(ISSUE_TABLES.signatures, [signatureId], state);
  for (const [signatureId, hours] of touched) {
    addHourCounts(
      tx,
      ISSUE_TABLES.hours,
      [signatureId],
      new Map([...hours].map(([hour, [n]]) => [hour, n])),
    );
  }
  const dataStart = Math.floor(dataSince / HOUR_MS) * HOUR_MS;
  for (const [signatureId, hours] of touched) {
    const state = states.get(signatureId)!;
    const judged = [...hours].sort((a, b) => a[0] - b[0]);
    // One read of the signature's hours from the first baseline to the last
    // hour judged; each hour's baseline is then a sliding sum over it.
    const first = judged[0]![0];
    const last = judged[judged.length - 1]![0];
    const from = Math.max(first - BASELINE_HOURS * HOUR_MS, dataStart);
    const slots = (last - from) / HOUR_MS + 1;
    const counts = new Array<number>(slots).fill(0);
    for (const [hour, n] of hourCounts(tx, ISSUE_TABLES.hours, [signatureId], from, last + 1)) {
      counts[(hour - from) / HOUR_MS] = n;
    }
    // before[i]: lines in the hours before slot i.
    const before = new Array<number>(slots + 1).fill(0);
    for (let i = 0; i < slots; i++) before[i + 1] = before[i]! + counts[i]!;
    for (const [hour, [, firstAt]] of judged) {
      const baselineFrom = Math.max(hour - BASELINE_HOURS * HOUR_MS, dataStart);
      const at = (hour - from) / HOUR_MS;
      const baselineCount = before[at]! - before[(baselineFrom - from) / HOUR_MS]!;
      const detection = detectIssue({
        severityNumber: state.severityNumber,
        hour,
        count: counts[at]!,
        baselineCount,
        baselineHours: Math.max(0, (hour - baselineFrom) / HOUR_MS),
        firstSeen: state.firstSeen,
        dataSince,
      });
      if (detection !== null) open(tx, signatureId, detection, firstAt, event.position);
    }
  }
  for (const [signatureId, at] of latest) {
    const issueId = tx.get<string>(ISSUE_TABLES.bySignature, [signatureId]);
    if (issueId === undefined) continue;
    const issue = tx.get<DetectedIssue>(ISSUE_TABLES.issues, [issueId])!;
    if (at > issue.lastSeen) tx.put(ISSUE_TABLES.issues, [issueId], { ...issue, lastSeen: at });
  }
}

function open(
  tx: ProjectionWriter,
  signatureId: string,
  detection: Detection,
  at: number,
  position: number,
): void {
  if (detection.kind === "new" && movedEarlier(tx, signatureId, detection, at, position)) return;
  const currentId = tx.get<string>(ISSUE_TABLES.bySignature, [signatureId]);
  const current = currentId === undefined
    ? undefined
    : tx.get<DetectedIssue>(ISSUE_TABLES.issues, [currentId]);
  // Still the same issue while it keeps logging; a recurrence after a quiet spell is a new one.
  if (current !== undefined && at - current.lastSeen < RECURRENCE_GAP_MS) return;
  put(tx, {
    ...detection,
    issueId: issueIdOf(signatureId, at),
    signatureId,
    detectedAt: at,
    position,
    lastSeen: at,
  });
}

/**
 * A signature's first line can arrive after later ones: a backfill imports
 * one customer's files after another's, a shipper catches up after an
 * outage. Its "new" detection was then made at the first line seen, not the
 * first line logged, and the issue, whose first line is earlier, would never
 * count as new. The detection moves to the earlier line, as if the data had
 * come in order; true when there was one to move.
 */
function movedEarlier(
  tx: ProjectionWriter,
  signatureId: string,
  detection: Detection,
  at: number,
  position: number,
): boolean {
  const prefix = issuePrefix(signatureId);
  const premature = [
    ...tx.range<DetectedIssue>(ISSUE_TABLES.issues, {
      start: [prefix],
      end: [prefix + KEY_PREFIX_END],
    }),
  ].map((entry) => entry.value).find((issue) => issue.kind === "new" && issue.detectedAt > at);
  if (premature === undefined) return false;
  const latestId = tx.get<string>(ISSUE_TABLES.bySignature, [signatureId]);
  tx.remove(ISSUE_TABLES.issues, [premature.issueId]);
  tx.remove(ISSUE_TABLES.byTime, [premature.detectedAt, premature.issueId]);
  const moved: DetectedIssue = {
    ...detection,
    issueId: issueIdOf(signatureId, at),
    signatureId,
    detectedAt: at,
    position,
    lastSeen: premature.lastSeen,
  };
  put(tx, moved);
  // A recurrence after the premature detection stays the signature's latest issue.
  if (latestId !== undefined && latestId !== premature.issueId) {
    tx.put(ISSUE_TABLES.bySignature, [signatureId], latestId);
  }
  return true;
}

/** Detected issue ids are the signature's and the hour's: `iss_<signature>_<hour>`. */
function issuePrefix(signatureId: string): string {
  return `iss_${signatureId.replace(/^sig_/, "")}_`;
}

function issueIdOf(signatureId: string, at: number): string {
  return `${issuePrefix(signatureId)}${Math.floor(at / HOUR_MS)}`;
}

function put(tx: ProjectionWriter, issue: DetectedIssue): void {
  tx.put(ISSUE_TABLES.issues, [issue.issueId], issue);
  tx.put(ISSUE_TABLES.bySignature, [issue.signatureId], issue.issueId);
  tx.put(ISSUE_TABLES.byTime, [issue.detectedAt, issue.issueId], 1);
}
