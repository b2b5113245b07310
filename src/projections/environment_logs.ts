import type { StoredEvent } from "../../ports/event_store.ts";
import type { ProjectionWriter } from "../../ports/projection_store.ts";
import { contextualField, type LogBatchIngestedData } from "../../domain/events.ts";
import type { Projection } from "./projection.ts";
import { HOUR_MS, UNKNOWN_CUSTOMER } from "./signatures.ts";

/** Environment key part for records whose environment is not known. */
export const UNKNOWN_ENVIRONMENT = "";

export const ENVIRONMENT_TABLES = {
  /**
   * [customer, environment, hour, position] -> records of that customer
   * environment in that hour of that batch: which batches to read for a
   * ticket's window, without copying a record.
   */
  batches: "env_batches",
  /** [customer, environment, hour, signatureId] -> records: the candidates of a window. */
  signatureHours: "env_signature_hours",
  /** [customer, environment, signatureId] -> tally: when it started here. */
  signatures: "env_signatures",
  /** [customer, environment] -> tally: when this environment's logs begin. */
  environments: "environments",
  /** [customer] -> records: every known customer, for how rare a signature is. */
  customers: "known_customers",
} as const;

export interface EnvTally {
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

/**
 * Per customer environment: which ingest batches hold its records hour by
 * hour, and hourly counts per signature. Tenant-first keys, so one
 * customer's range never reaches another's.
 */
export const environmentLogProjection: Projection = {
  name: "environment_logs",
  tables: Object.values(ENVIRONMENT_TABLES),
  apply(events, tx) {
    const delta = new Delta();
    for (const event of events) {
      if (event.type === "LogBatchIngested") {
        delta.addBatch(event as StoredEvent<string, LogBatchIngestedData>);
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

/** One customer environment's share of a chunk. */
class EnvDelta {
  readonly batches = new Map<number, Map<number, number>>();
  readonly signatureHours = new Map<number, Map<string, number>>();
  readonly signatures = new Map<string, Tally>();
  readonly tally: Tally;

  constructor(readonly customer: string, readonly environment: string, at: number) {
    this.tally = { count: 0, firstSeen: at, lastSeen: at };
  }
}

/** A chunk's counts, aggregated in memory so each key is written once per chunk. */
class Delta {
  readonly envs = new Map<string, EnvDelta>();
  readonly customers = new Map<string, number>();

  addBatch(event: StoredEvent<string, LogBatchIngestedData>): void {
    const context = event.data.context;
    let customer: string | undefined;
    let environment: string | undefined;
    let env: EnvDelta | undefined;
    for (const record of event.data.records) {
      const c = contextualField(record, context, "customer") ?? UNKNOWN_CUSTOMER;
      const e = contextualField(record, context, "environment") ?? UNKNOWN_ENVIRONMENT;
      // Records of a batch nearly always share their environment: look it up once.
      if (env === undefined || c !== customer || e !== environment) {
        customer = c;
        environment = e;
        const id = `${c}\u0000${e}`;
        env = this.envs.get(id);
        if (env === undefined) this.envs.set(id, env = new EnvDelta(c, e, record.timestamp));
      }
      const at = record.timestamp;
      const hour = Math.floor(at / HOUR_MS) * HOUR_MS;
      let positions = env.batches.get(hour);
      if (positions === undefined) env.batches.set(hour, positions = new Map());
      positions.set(event.position, (positions.get(event.position) ?? 0) + 1);
      let signatures = env.signatureHours.get(hour);
      if (signatures === undefined) env.signatureHours.set(hour, signatures = new Map());
      signatures.set(record.signatureId, (signatures.get(record.signatureId) ?? 0) + 1);
      const tally = env.signatures.get(record.signatureId);
      if (tally === undefined) {
        env.signatures.set(record.signatureId, { count: 1, firstSeen: at, lastSeen: at });
      } else bump(tally, at);
      bump(env.tally, at);
      if (c !== UNKNOWN_CUSTOMER) this.customers.set(c, (this.customers.get(c) ?? 0) + 1);
    }
  }

  writeTo(tx: ProjectionWriter): void {
    for (const env of this.envs.values()) {
      const { customer, environment } = env;
      for (const [hour, positions] of env.batches) {
        for (const [position, n] of positions) {
          add(tx, ENVIRONMENT_TABLES.batches, [customer, environment, hour, position], n);
        }
      }
      for (const [hour, signatures] of env.signatureHours) {
        for (const [signatureId, n] of signatures) {
          add(tx, ENVIRONMENT_TABLES.signatureHours, [customer, environment, hour, signatureId], n);
        }
      }
      for (const [signatureId, tally] of env.signatures) {
        merge(tx, ENVIRONMENT_TABLES.signatures, [customer, environment, signatureId], tally);
      }
      merge(tx, ENVIRONMENT_TABLES.environments, [customer, environment], env.tally);
    }
    for (const [customer, n] of this.customers) {
      add(tx, ENVIRONMENT_TABLES.customers, [customer], n);
    }
  }
}

function bump(tally: Tally, at: number): void {
  tally.count++;
  if (at < tally.firstSeen) tally.firstSeen = at;
  if (at > tally.lastSeen) tally.lastSeen = at;
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
