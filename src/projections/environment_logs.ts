import type { StoredEvent } from "../../ports/event_store.ts";
import type { ProjectionWriter } from "../../ports/projection_store.ts";
import type { LogBatchIngestedData } from "../../domain/events.ts";
import { summarize } from "./batch_summary.ts";
import type { Projection } from "./projection.ts";

/** Environment key part for records whose environment is not known. */
export const UNKNOWN_ENVIRONMENT = "";

export const ENVIRONMENT_TABLES = {
  /**
   * [owner, tenant, environment, hour, position] -> records of that origin
   * in that hour of that batch: which batches to read for a ticket's
   * window, without copying a record.
   */
  batches: "env_batches",
  /** [owner, tenant, environment] -> tally: every origin, and when its logs begin. */
  environments: "environments",
  /** [owner, tenant, environment, version] -> tally: when each version arrived ("" for none). */
  versions: "env_versions",
} as const;

export interface EnvTally {
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * Per origin (the customer or cluster a source names, the tenant a record
 * names, the environment): which ingest batches hold its records hour by
 * hour, and the versions it ran. Owner-and-tenant-first keys, so one
 * customer's range never reaches another's. Counts per signature are the
 * signature projection's (`origin_signatures`, `signature_origin_hours`).
 */
export const environmentLogProjection: Projection = {
  name: "environment_logs",
  tables: Object.values(ENVIRONMENT_TABLES),
  apply(events, tx) {
    const delta = new Delta();
    for (const event of events) {
      if (event.type === "LogBatchIngested") {
        delta.addBatch(event);
      }
    }
    delta.writeTo(tx);
  },
};

interface Tally {
  count: number;
  firstSeen: number;
  lastSeen: number;
}

/** One origin's share of a chunk. */
class EnvDelta {
  readonly batches = new Map<number, Map<number, number>>();
  readonly versions = new Map<string, Tally>();
  readonly tally: Tally;

  constructor(readonly key: readonly string[], at: number) {
    this.tally = { count: 0, firstSeen: at, lastSeen: at };
  }
}

/** A chunk's counts, aggregated in memory so each key is written once per chunk. */
class Delta {
  readonly envs = new Map<string, EnvDelta>();

  addBatch(event: StoredEvent<string, LogBatchIngestedData>): void {
    for (const group of summarize(event.data).groups) {
      const { owner, tenant, environment, hour } = group;
      const id = `${owner}\u0000${tenant}\u0000${environment}`;
      let env = this.envs.get(id);
      if (env === undefined) {
        this.envs.set(id, env = new EnvDelta([owner, tenant, environment], group.firstSeen));
      }
      let positions = env.batches.get(hour);
      if (positions === undefined) env.batches.set(hour, positions = new Map());
      positions.set(event.position, (positions.get(event.position) ?? 0) + group.count);
      bump(env.tally, group);
      const versionTally = env.versions.get(group.version);
      if (versionTally === undefined) {
        env.versions.set(group.version, {
          count: group.count,
          firstSeen: group.firstSeen,
          lastSeen: group.lastSeen,
        });
      } else bump(versionTally, group);
    }
  }

  writeTo(tx: ProjectionWriter): void {
    for (const env of this.envs.values()) {
      const { key } = env;
      for (const [hour, positions] of env.batches) {
        for (const [position, n] of positions) {
          add(tx, ENVIRONMENT_TABLES.batches, [...key, hour, position], n);
        }
      }
      merge(tx, ENVIRONMENT_TABLES.environments, key, env.tally);
      for (const [version, tally] of env.versions) {
        merge(tx, ENVIRONMENT_TABLES.versions, [...key, version], tally);
      }
    }
  }
}

function bump(tally: Tally, group: Tally): void {
  tally.count += group.count;
  if (group.firstSeen < tally.firstSeen) tally.firstSeen = group.firstSeen;
  if (group.lastSeen > tally.lastSeen) tally.lastSeen = group.lastSeen;
}

function add(tx: ProjectionWriter, table: string, key: readonly (string | number)[], n: number) {
  tx.put(table, key, (tx.get<number>(table, key) ?? 0) + n);
}

function merge(tx: ProjectionWriter, table: string, key: readonly string[], delta: Tally) {
  const before = tx.get<EnvTally>(table, key);
  tx.put(
    table,
    key,
    before === undefined ? { ...delta } : {
      count: before.count + delta.count,
      firstSeen: Math.min(before.firstSeen, delta.firstSeen),
      lastSeen: Math.max(before.lastSeen, delta.lastSeen),
    } satisfies EnvTally,
  );
}
