/**
 * Per signature, the origins that logged it and when each first did, in one
 * row; and which origins logged it without a version. What the upgrade-noise
 * verdict and the inferred versions of an issue range over, without reading
 * every origin tally of every signature (`signature_origins` rows carry
 * counts, last times and every version, and change with every batch): these
 * rows change only when a signature reaches a new origin, or one logs it
 * earlier than before, or without a version for the first time.
 *
 * @module
 */
import { compareKeys, type ProjectionReader } from "../../ports/projection_store.ts";
import { mergeSpans, type Span } from "../../domain/issues/mod.ts";
import { type RecordGroup, summarize } from "./batch_summary.ts";
import type { Projection } from "./projection.ts";

export const SIGNATURE_ORIGIN_TABLES = {
  /**
   * [signatureId, page] -> `[owner, tenant, environment, firstSeen, ...]`:
   * the origins of a signature cut into {@linkcode ORIGIN_PAGES} rows by a
   * hash of the origin, each in key order, so a new origin rewrites a
   * sixteenth of them.
   */
  firsts: "signature_origin_firsts",
  /**
   * [owner, tenant, environment] -> `[signatureId, firstSeen, 1 if it logged
   * there without a version else 0, ...]`, signatures in id order: what a
   * batch (nearly always of one origin) is checked against, so a signature's
   * row is read and written only when it changes.
   */
  byOrigin: "origin_signature_firsts",
  /** [signatureId, owner, tenant, environment] -> 1: it logged lines without a version there. */
  unversioned: "signature_unversioned_origins",
  /**
   * [signatureId] -> `[first, last, ...]`: the hours it logged in, as runs
   * cut by a quiet day (`mergeSpans`): an issue's status without reading
   * its hours.
   */
  spans: "signature_spans",
} as const;

interface Seen {
  firstSeen: number;
  unversioned: boolean;
}

/** One origin of a signature and its first line there. */
export interface OriginFirst {
  readonly key: readonly [string, string, string];
  readonly firstSeen: number;
}

/** The runs of hours a signature logged in (see `mergeSpans`). */
export function spansOf(reader: ProjectionReader, signatureId: string): Span[] {
  const row = reader.get<readonly number[]>(SIGNATURE_ORIGIN_TABLES.spans, [signatureId]) ?? [];
  const out: Span[] = [];
  for (let i = 0; i + 1 < row.length; i += 2) out.push([row[i]!, row[i + 1]!]);
  return out;
}

/** Rows a signature's origins are cut into. */
export const ORIGIN_PAGES = 16;

/** The row of an origin among a signature's: FNV-1a of its key, modulo {@linkcode ORIGIN_PAGES}. */
export function originPage(key: readonly string[]): number {
  let hash = 0x811c9dc5;
  const text = key.join("\u0000");
  for (let i = 0; i < text.length; i++) {
    hash ^= text.charCodeAt(i);
    hash = Math.imul(hash, 0x01000193);
  }
  return (hash >>> 0) % ORIGIN_PAGES;
}

/** The rows of a signature's origins as stored: `[owner, tenant, environment, firstSeen, ...]` each. */
export function originFirstRows(
  reader: ProjectionReader,
  signatureId: string,
): (readonly (string | number)[])[] {
  return [
    ...reader.range<readonly (string | number)[]>(SIGNATURE_ORIGIN_TABLES.firsts, {
      prefix: [signatureId],
    }),
  ].map(({ value }) => value);
}

/** The origins of a signature with their first lines, in no particular order. */
export function originFirsts(reader: ProjectionReader, signatureId: string): OriginFirst[] {
  const out: OriginFirst[] = [];
  for (const row of originFirstRows(reader, signatureId)) {
    for (let i = 0; i + 3 < row.length; i += 4) {
      out.push({
        key: [String(row[i]), String(row[i + 1]), String(row[i + 2])],
        firstSeen: Number(row[i + 3]),
      });
    }
  }
  return out;
}

export const signatureOriginProjection: Projection = {
  name: "signature_origin_index",
  tables: Object.values(SIGNATURE_ORIGIN_TABLES),
  apply(events, tx) {
    /** origin id -> its key, and signature -> its first line in the chunk and whether one had no version. */
    const seen = new Map<
      string,
      { key: readonly [string, string, string]; signatures: Map<string, Seen> }
    >();
    /** signatureId -> hours it logged in, in the chunk. */
    const hours = new Map<string, Set<number>>();
    for (const event of events) {
      if (event.type !== "LogBatchIngested") continue;
      // A batch's groups mostly share their origin: it is looked up when it changes.
      let previous: RecordGroup | undefined;
      let signatures = new Map<string, Seen>();
      for (const group of summarize(event.data).groups) {
        const { owner, tenant, environment } = group;
        if (
          previous === undefined || previous.owner !== owner || previous.tenant !== tenant ||
          previous.environment !== environment
        ) {
          previous = group;
          const id = `${owner}\u0000${tenant}\u0000${environment}`;
          let origin = seen.get(id);
          if (origin === undefined) {
            seen.set(id, origin = { key: [owner, tenant, environment], signatures: new Map() });
          }
          signatures = origin.signatures;
        }
        let logged = hours.get(group.signatureId);
        if (logged === undefined) hours.set(group.signatureId, logged = new Set());
        logged.add(group.hour);
        const at = signatures.get(group.signatureId);
        if (at === undefined) {
          signatures.set(group.signatureId, {
            firstSeen: group.firstSeen,
            unversioned: group.version === "",
          });
        } else {
          if (group.firstSeen < at.firstSeen) at.firstSeen = group.firstSeen;
          if (group.version === "") at.unversioned = true;
        }
      }
    }
    for (const [signatureId, added] of hours) {
      const before = spansOf(tx, signatureId);
      const merged = mergeSpans([...before, ...[...added].map((h): Span => [h, h])]);
      const same = merged.length === before.length &&
        merged.every(([a, b], i) => a === before[i]![0] && b === before[i]![1]);
      if (!same) tx.put(SIGNATURE_ORIGIN_TABLES.spans, [signatureId], merged.flat());
    }
    /** signatureId -> origins where it logged earlier than known, or for the first time. */
    const earlier = new Map<string, OriginFirst[]>();
    for (const { key, signatures } of seen.values()) {
      const row = tx.get<readonly (string | number)[]>(SIGNATURE_ORIGIN_TABLES.byOrigin, key);
      const known = new Map<string, Seen>();
      for (let i = 0; row !== undefined && i + 2 < row.length; i += 3) {
        known.set(String(row[i]), { firstSeen: Number(row[i + 1]), unversioned: row[i + 2] === 1 });
      }
      let changed = false;
      for (const [signatureId, { firstSeen, unversioned }] of signatures) {
        const before = known.get(signatureId);
        const newUnversioned = unversioned && before?.unversioned !== true;
        const sooner = before === undefined || firstSeen < before.firstSeen;
        if (!sooner && !newUnversioned) continue;
        changed = true;
        const first = Math.min(firstSeen, before?.firstSeen ?? Infinity);
        known.set(signatureId, {
          firstSeen: first,
          unversioned: unversioned || before?.unversioned === true,
        });
        if (newUnversioned) tx.put(SIGNATURE_ORIGIN_TABLES.unversioned, [signatureId, ...key], 1);
        if (sooner) {
          let list = earlier.get(signatureId);
          if (list === undefined) earlier.set(signatureId, list = []);
          list.push({ key, firstSeen: first });
        }
      }
      if (!changed) continue;
      const ids = [...known.keys()].sort((a, b) => compareKeys([a], [b]));
      tx.put(
        SIGNATURE_ORIGIN_TABLES.byOrigin,
        key,
        ids.flatMap((id) => {
          const { firstSeen, unversioned } = known.get(id)!;
          return [id, firstSeen, unversioned ? 1 : 0];
        }),
      );
    }
    for (const [signatureId, changed] of earlier) {
      const pages = new Map<number, OriginFirst[]>();
      for (const origin of changed) {
        const page = originPage(origin.key);
        const list = pages.get(page);
        if (list === undefined) pages.set(page, [origin]);
        else list.push(origin);
      }
      for (const [page, origins] of pages) {
        const rowKey = [signatureId, page];
        const row = tx.get<readonly (string | number)[]>(SIGNATURE_ORIGIN_TABLES.firsts, rowKey) ??
          [];
        const merged = new Map<string, OriginFirst>();
        for (let i = 0; i + 3 < row.length; i += 4) {
          const key = [String(row[i]), String(row[i + 1]), String(row[i + 2])] as const;
          merged.set(key.join("\u0000"), { key, firstSeen: Number(row[i + 3]) });
        }
        for (const origin of origins) merged.set(origin.key.join("\u0000"), origin);
        const sorted = [...merged.values()].sort((a, b) => compareKeys(a.key, b.key));
        tx.put(
          SIGNATURE_ORIGIN_TABLES.firsts,
          rowKey,
          sorted.flatMap((o) => [...o.key, o.firstSeen]),
        );
      }
    }
  },
};
