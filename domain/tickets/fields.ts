import { TicketRuleViolation } from "./errors.ts";
import type { ExternalRef, TimeWindow } from "./types.ts";

/**
 * What the domain knows of one field a ticket is opened with and may edit:
 * when a value is refused, when two values are the same (an edit to the same
 * value changes nothing), and whether it is a free text the customer wrote
 * (redacted before it is stored).
 */
export interface TicketFieldRule<V> {
  /** Throws TicketRuleViolation when the value is not allowed; `action` starts its message. */
  readonly check: (value: V, action: string) => void;
  readonly same: (a: V, b: V) => boolean;
  readonly freeText: boolean;
}

/**
 * The one list of a ticket's editable fields. The ticket, the OpenTicket and
 * EditTicket commands, the TicketOpened and TicketEdited events, the service's
 * requests, the decider, the evolver and the redactor all derive from it; the
 * HTTP adapter's wire table (`adapters/http/ticket_fields.ts`) must name each
 * key or type checking fails. A field whose type allows null may be left out
 * when a ticket is opened, and is null then.
 */
export const TICKET_FIELDS = {
  subject: textField("subject"),
  description: textField("description"),
  window: {
    check: checkWindow,
    same: (a, b) => a === b || (a !== null && b !== null && a.from === b.from && a.to === b.to),
    freeText: false,
  } satisfies TicketFieldRule<TimeWindow | null>,
  externalRef: {
    check: checkExternalRef,
    same: (a, b) => a === b || (a !== null && b !== null && a.system === b.system && a.id === b.id),
    freeText: false,
  } satisfies TicketFieldRule<ExternalRef | null>,
};

type ValueOfRule<R> = R extends TicketFieldRule<infer V> ? V : never;

/** The values of the editable fields, as a ticket holds them. */
export type TicketFields = {
  readonly [K in keyof typeof TICKET_FIELDS]: ValueOfRule<(typeof TICKET_FIELDS)[K]>;
};

export type TicketFieldName = keyof TicketFields;

/** Only the fields that change: an edit, or what an edit changed. */
export type TicketFieldChanges = Partial<TicketFields>;

type NullableField = { [K in TicketFieldName]: null extends TicketFields[K] ? K : never }[
  TicketFieldName
];

/** The fields as a ticket is opened with them: those that may be null may be left out. */
export type OpeningTicketFields =
  & Omit<TicketFields, NullableField>
  & Partial<Pick<TicketFields, NullableField>>;

export const TICKET_FIELD_NAMES = Object.keys(TICKET_FIELDS) as TicketFieldName[];

/** The editable fields `source` gives (not undefined), and nothing else. */
export function givenTicketFields<T extends TicketFieldChanges>(
  source: T,
): Pick<T, Extract<keyof T, TicketFieldName>> {
  const fields: Partial<Record<TicketFieldName, unknown>> = {};
  for (const name of TICKET_FIELD_NAMES) {
    if (source[name] !== undefined) fields[name] = source[name];
  }
  return fields as Pick<T, Extract<keyof T, TicketFieldName>>;
}

/** The fields a ticket opens with: what was left out is null (and refused unless it may be). */
export function openingTicketFields(given: OpeningTicketFields): TicketFields {
  const fields: Partial<Record<TicketFieldName, unknown>> = {};
  for (const name of TICKET_FIELD_NAMES) {
    fields[name] = (given as TicketFieldChanges)[name] ?? null;
  }
  return fields as TicketFields;
}

/** Checks one field's value with its rule; one call site keeps the generic types in one place. */
export function checkTicketField(name: TicketFieldName, value: unknown, action: string): void {
  (TICKET_FIELDS[name].check as (value: unknown, action: string) => void)(value, action);
}

/** Whether two values of one field are the same. */
export function sameTicketField(name: TicketFieldName, a: unknown, b: unknown): boolean {
  return (TICKET_FIELDS[name].same as (a: unknown, b: unknown) => boolean)(a, b);
}

/** A free text the customer wrote: it may not be empty. */
function textField(field: string): TicketFieldRule<string> {
  return {
    check: (value, action) => required(field, value, action),
    same: (a, b) => a === b,
    freeText: true,
  };
}

export function required(field: string, value: unknown, action: string): void {
  if (typeof value !== "string" || value.trim() === "") {
    throw new TicketRuleViolation("invalid", `Cannot ${action}: ${field} is empty`, { field });
  }
}

export function invalid(action: string, detail: string): TicketRuleViolation {
  return new TicketRuleViolation("invalid", `Cannot ${action}: ${detail}`);
}

function checkWindow(window: TimeWindow | null, action: string): void {
  if (window === null) return;
  if (!Number.isFinite(window.from) || !Number.isFinite(window.to)) {
    throw invalid(action, "the window's ends must be times");
  }
  if (window.from >= window.to) throw invalid(action, "the window must start before it ends");
}

function checkExternalRef(ref: ExternalRef | null, action: string): void {
  if (ref === null) return;
  required("external system", ref.system, action);
  required("external id", ref.id, action);
}
