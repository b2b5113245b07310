import type { StoredEvent } from "../../ports/event_store.ts";
import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import {
  contextualField,
  type LogBatchIngestedData,
  type StoredRecord,
} from "../../domain/events.ts";
import type { QuarantinedLine } from "../../domain/log_record.ts";
import type { MinerEvent } from "../../domain/mining/miner_events.ts";
import { severityTextOf } from "../../domain/severity.ts";
import type { Projection } from "./projection.ts";
import type { ExampleLine, SignatureSummary } from "../../ports/application.ts";

/** Per-customer tally as stored; the customer is in the key. */
export interface CustomerTally {
  readonly count: number;
  readonly firstSeen: number;
  readonly lastSeen: number;
}

export interface IngestTotals {
  readonly records: number;
  readonly quarantined: number;
  readonly batches: number;
}

/** Customer key part for records whose customer is not known. */
export const UNKNOWN_CUSTOMER = "";
export const HOUR_MS = 3_600_000;
export const EXAMPLES_KEPT = 10;

export const TABLES = {
  signatures: "signatures",
  byCustomer: "signature_customers",
  customerSignatures: "customer_signatures",
  hourly: "signature_customer_hours",
  hourlyTotal: "signature_hours",
  examples: "signature_examples",
  minerLog: "miner_log",
  quarantine: "quarantine",
  totals: "ingest_totals",
} as const;

/**
 * The signature catalogue and per-signature counts per customer per hour:
 * the base that impact and trends read.
 */
export const signatureProjection: Projection = {
  name: "signatures",
  tables: Object.values(TABLES),
  apply(events, tx) {
    const delta = new ChunkDelta();
    for (const event of events) delta.add(event);
    delta.writeTo(tx);
  },
};

interface Tally {
  count: number;
  firstSeen: number;
  lastSeen: number;
  severityNumber: number;
}

/** Aggregates a chunk of events in memory, then writes each key once. */
class ChunkDelta {
  readonly minerEvents: { position: number; index: number; event: MinerEvent }[] = [];
  readonly signatures = new Map<string, Tally>();
  readonly byCustomer = new Map<string, Map<string, Tally>>();
  readonly hourly = new Map<string, Map<string, Map<number, number>>>();
  readonly examples = new Map<string, ExampleLine[]>();
  readonly quarantine: { position: number; index: number; line: QuarantinedLine }[] = [];
  records = 0;
  quarantined = 0;
  batches = 0;

  add(event: StoredEvent): void {
    switch (event.type) {
      case "SignatureDiscovered":
      case "SignatureGeneralized":
        this.minerEvents.push({
          position: event.position,
          index: 0,
          event: { type: event.type, data: event.data } as MinerEvent,
        });
        return;
      case "LogBatchIngested":
        this.addBatch(event.position, event.data as LogBatchIngestedData);
        return;
    }
  }

  addBatch(position: number, batch: LogBatchIngestedData): void {
    this.batches++;
    this.records += batch.records.length;
    this.quarantined += batch.quarantined.length;
    batch.quarantined.forEach((line, index) => this.quarantine.push({ position, index, line }));
    for (const record of batch.records) {
      const customer = contextualField(record, batch.context, "customer") ?? UNKNOWN_CUSTOMER;
      tally(this.signatures, record.signatureId, record);
      let customers = this.byCustomer.get(record.signatureId);
      if (customers === undefined) this.byCustomer.set(record.signatureId, customers = new Map());
      tally(customers, customer, record);
      let hours = this.hourly.get(record.signatureId);
      if (hours === undefined) this.hourly.set(record.signatureId, hours = new Map());
      let customerHours = hours.get(customer);
      if (customerHours === undefined) hours.set(customer, customerHours = new Map());
      const hour = Math.floor(record.timestamp / HOUR_MS) * HOUR_MS;
      customerHours.set(hour, (customerHours.get(hour) ?? 0) + 1);
      let examples = this.examples.get(record.signatureId);
      if (examples === undefined) this.examples.set(record.signatureId, examples = []);
      examples.push(toExample(record, batch));
      if (examples.length > 2 * EXAMPLES_KEPT) examples.splice(0, examples.length - EXAMPLES_KEPT);
    }
  }

  writeTo(tx: ProjectionWriter): void {
    for (const { position, index, event } of this.minerEvents) {
      tx.put(TABLES.minerLog, [position, index], event);
      const existing = tx.get<SignatureSummary>(TABLES.signatures, [event.data.signatureId]);
      tx.put(
        TABLES.signatures,
        [event.data.signatureId],
        {
          signatureId: event.data.signatureId,
          template: event.data.template,
          severityNumber: existing?.severityNumber ?? 0,
          count: existing?.count ?? 0,
          firstSeen: existing?.firstSeen ?? null,
          lastSeen: existing?.lastSeen ?? null,
          customers: existing?.customers ?? 0,
          generalizations: (existing?.generalizations ?? -1) + 1,
        } satisfies SignatureSummary,
      );
    }
    for (const [signatureId, customers] of this.byCustomer) {
      let newCustomers = 0;
      for (const [customer, delta] of customers) {
        const before = tx.get<CustomerTally>(TABLES.byCustomer, [signatureId, customer]);
        if (before === undefined && customer !== UNKNOWN_CUSTOMER) newCustomers++;
        tx.put(TABLES.byCustomer, [signatureId, customer], mergeCounts(before, delta));
        tx.put(
          TABLES.customerSignatures,
          [customer, signatureId],
          (before?.count ?? 0) + delta.count,
        );
      }
      const delta = this.signatures.get(signatureId)!;
      // A batch whose signature's discovery was lost (a failed append the
      // miner had already learned from) still counts; the template arrives
      // when the miner rediscovers it.
      const summary = tx.get<SignatureSummary>(TABLES.signatures, [signatureId]) ?? {
        signatureId,
        template: "",
        severityNumber: 0,
        count: 0,
        firstSeen: null,
        lastSeen: null,
        customers: 0,
        generalizations: -1,
      };
      const merged = mergeCounts(
        summary.firstSeen === null ? undefined : summary as CustomerTally,
        delta,
      );
      tx.put(
        TABLES.signatures,
        [signatureId],
        {
          ...summary,
          ...merged,
          severityNumber: Math.max(summary.severityNumber, delta.severityNumber),
          customers: summary.customers + newCustomers,
        } satisfies SignatureSummary,
      );
    }
    for (const [signatureId, customers] of this.hourly) {
      const totals = new Map<number, number>();
      for (const [customer, hours] of customers) {
        for (const [hour, n] of hours) {
          const key = [signatureId, customer, hour];
          tx.put(TABLES.hourly, key, (tx.get<number>(TABLES.hourly, key) ?? 0) + n);
          totals.set(hour, (totals.get(hour) ?? 0) + n);
        }
      }
      for (const [hour, n] of totals) {
        const key = [signatureId, hour];
        tx.put(TABLES.hourlyTotal, key, (tx.get<number>(TABLES.hourlyTotal, key) ?? 0) + n);
      }
    }
    for (const [signatureId, recent] of this.examples) {
      const before = tx.get<ExampleLine[]>(TABLES.examples, [signatureId]) ?? [];
      tx.put(TABLES.examples, [signatureId], [...before, ...recent].slice(-EXAMPLES_KEPT));
    }
    for (const { position, index, line } of this.quarantine) {
      tx.put(TABLES.quarantine, [position, index], line);
    }
    const totals = tx.get<IngestTotals>(TABLES.totals, ["all"]) ??
      { records: 0, quarantined: 0, batches: 0 };
    tx.put(
      TABLES.totals,
      ["all"],
      {
        records: totals.records + this.records,
        quarantined: totals.quarantined + this.quarantined,
        batches: totals.batches + this.batches,
      } satisfies IngestTotals,
    );
  }
}

function tally(map: Map<string, Tally>, key: string, record: StoredRecord): void {
  const existing = map.get(key);
  if (existing === undefined) {
    map.set(key, {
      count: 1,
      firstSeen: record.timestamp,
      lastSeen: record.timestamp,
      severityNumber: record.severityNumber,
    });
    return;
  }
  existing.count++;
  if (record.timestamp < existing.firstSeen) existing.firstSeen = record.timestamp;
  if (record.timestamp > existing.lastSeen) existing.lastSeen = record.timestamp;
  if (record.severityNumber > existing.severityNumber) {
    existing.severityNumber = record.severityNumber;
  }
}

function mergeCounts(before: CustomerTally | undefined, delta: Tally): CustomerTally {
  if (before === undefined) {
    return { count: delta.count, firstSeen: delta.firstSeen, lastSeen: delta.lastSeen };
  }
  return {
    count: before.count + delta.count,
    firstSeen: Math.min(before.firstSeen, delta.firstSeen),
    lastSeen: Math.max(before.lastSeen, delta.lastSeen),
  };
}

function toExample(record: StoredRecord, batch: LogBatchIngestedData): ExampleLine {
  const { context, source } = batch;
  return {
    timestamp: record.timestamp,
    customer: contextualField(record, context, "customer"),
    environment: contextualField(record, context, "environment"),
    service: contextualField(record, context, "service"),
    version: contextualField(record, context, "version"),
    severityText: severityTextOf(record.severityNumber),
    message: record.message,
    source,
    line: record.line,
  };
}

/** The miner's learned events, in the order they were appended. */
export function minerLog(reader: ProjectionReader): MinerEvent[] {
  return [...reader.range<MinerEvent>(TABLES.minerLog)].map((entry) => entry.value);
}
