/**
 * A ticket's editable fields (`domain/tickets/fields.ts`) as the HTTP API
 * names, reads and answers them: one entry per field, from which the create
 * and PATCH bodies, their mapping to the use cases, the Ticket answer and its
 * `/openapi.json` schema all derive.
 */
import { z } from "zod";
import type {
  OpeningTicketFields,
  TicketFieldChanges,
  TicketFieldName,
  TicketFields,
} from "../../domain/tickets/mod.ts";
import { TICKET_FIELD_NAMES } from "../../domain/tickets/mod.ts";
import { bodyTime, label } from "../params.ts";
import { windowJson } from "./metric_routes.ts";

/** Long free texts: descriptions, comments, resolutions. */
export const ticketText = z.string().trim().min(1).max(20_000);

export const windowBody = z.object({ from: bodyTime, to: bodyTime }).strict().refine(
  (w) => w.from < w.to,
  { message: "the window must start before it ends" },
);

export const isoOrNull = z.string().nullable().describe("ISO 8601, UTC");

export const externalRefReply = z.object({ system: z.string(), id: z.string() }).nullable();

/** How the API says one field with domain value `V`. */
interface WireField<V> {
  /** Its key in JSON bodies and answers. */
  readonly name: string;
  /** What a body may say; it parses to the domain's value. */
  readonly body: z.ZodType<V>;
  /** How an answer says it, for `/openapi.json`. */
  readonly reply: z.ZodType;
  /** The answer's value; the domain's value itself when absent. */
  readonly json?: (value: V) => unknown;
}

/** Checked against the domain's list: a field missing here fails type checking. */
const TICKET_FIELD_WIRE = {
  subject: {
    name: "subject",
    body: z.string().trim().min(1).max(500),
    reply: z.string(),
  },
  description: { name: "description", body: ticketText, reply: z.string() },
  window: {
    name: "window",
    body: windowBody.nullable(),
    reply: z.object({ from: isoOrNull, to: isoOrNull }).nullable(),
    json: windowJson,
  },
  externalRef: {
    name: "external_ref",
    body: z.object({ system: label, id: label }).strict().nullable(),
    reply: externalRefReply,
  },
} as const satisfies { readonly [K in TicketFieldName]: WireField<TicketFields[K]> };

type Wire = typeof TICKET_FIELD_WIRE;
type WireName = Wire[TicketFieldName]["name"];

/** The body schema of each field under its wire name. */
type BodyShape = { [K in TicketFieldName as Wire[K]["name"]]: Wire[K]["body"] };
type OptionalShape<S> = { [K in keyof S]: z.ZodOptional<S[K] & z.ZodType> };

function entries(): [TicketFieldName, WireField<unknown>][] {
  return TICKET_FIELD_NAMES.map((name) => [name, TICKET_FIELD_WIRE[name] as WireField<unknown>]);
}

/**
 * The fields as the body that opens a ticket says them: a field the domain
 * lets be null may be left out.
 */
export function openingFieldsBody(): OptionalShape<BodyShape> {
  return Object.fromEntries(
    entries().map((
      [, wire],
    ) => [wire.name, wire.body.safeParse(null).success ? wire.body.optional() : wire.body]),
  ) as unknown as OptionalShape<BodyShape>;
}

/** The fields as a PATCH says them: each one optional. */
export function changedFieldsBody(): OptionalShape<BodyShape> {
  return Object.fromEntries(
    entries().map(([, wire]) => [wire.name, wire.body.optional()]),
  ) as OptionalShape<BodyShape>;
}

/** The fields as the Ticket answer says them, for `/openapi.json`. */
export function fieldsReply(): { [K in TicketFieldName as Wire[K]["name"]]: z.ZodType } {
  return Object.fromEntries(entries().map(([, wire]) => [wire.name, wire.reply])) as {
    [K in TicketFieldName as Wire[K]["name"]]: z.ZodType;
  };
}

/** The fields a parsed body gives, under the domain's names (what was left out stays out). */
function fromBody(body: Partial<Record<WireName, unknown>>): TicketFieldChanges {
  const fields: Partial<Record<TicketFieldName, unknown>> = {};
  for (const [name, wire] of entries()) {
    const value = body[wire.name as WireName];
    if (value !== undefined) fields[name] = value;
  }
  // Each value went through its field's body schema, whose output is the domain's type.
  return fields as TicketFieldChanges;
}

/** A parsed create body's fields, for OpenTicketRequest. */
export function openingFieldsOf(body: Partial<Record<WireName, unknown>>): OpeningTicketFields {
  // openingFieldsBody() required every field that may not be left out.
  return fromBody(body) as OpeningTicketFields;
}

/** A parsed PATCH body's fields, for TicketUpdate. */
export function changedFieldsOf(body: Partial<Record<WireName, unknown>>): TicketFieldChanges {
  return fromBody(body);
}

/** A ticket's fields as its JSON answer says them. */
export function fieldsJson(ticket: TicketFields): Record<WireName, unknown> {
  const json: Partial<Record<WireName, unknown>> = {};
  for (const [name, wire] of entries()) {
    json[wire.name as WireName] = wire.json === undefined ? ticket[name] : wire.json(ticket[name]);
  }
  return json as Record<WireName, unknown>;
}
