import { mayHoldSeverity, recordGroupsOf, type StoredEvent } from "../../ports/event_store.ts";
import type { ProjectionReader, ProjectionWriter } from "../../ports/projection_store.ts";
import type { IssueCorrection, LogBatchIngestedData } from "../../domain/events.ts";
import { type GroupingState, IssueGrouping } from "../../domain/issues/grouping.ts";
import { ISSUE_MIN_SEVERITY } from "../../domain/issues/detect.ts";
import type { Projection } from "./projection.ts";

export const ISSUE_GROUP_TABLES = {
  /** [signatureId] -> GroupedSignature: the automatic grouping's union-find. */
  signatures: "issue_group_signatures",
  /** [grouping key] -> the signature that first had it. */
  keys: "issue_group_keys",
  /** [root signatureId] -> why its automatic issue holds more than one signature. */
  reasons: "issue_group_reasons",
  /** [issueId] -> the issue a person merged it into. */
  aliases: "issue_aliases",
  /** [signatureId] -> the issue a person split it off into. */
  moves: "issue_moves",
  /** [signatureId, position] -> Facet: values seen at a variable position of its first line. */
  facets: "issue_facets",
  /** ["order"] -> signatures grouped so far; ["changes"] -> corrections and unions so far. */
  meta: "issue_group_meta",
} as const;

export interface GroupedSignature {
  readonly parent: string;
  readonly order: number;
  readonly template: string;
}

/** Bounded top values at one variable position. */
export interface Facet {
  /** `[value, count]`, at most {@linkcode FACET_VALUES_KEPT}. */
  readonly values: readonly (readonly [string, number])[];
  /** Lines whose value was not among those kept. */
  readonly other: number;
}

export const FACET_VALUES_KEPT = 20;
/** Lines of a signature read for facets in full; after that one in FACET_SAMPLE_EVERY. */
const FACET_FULL_LINES = 1_000;
const FACET_SAMPLE_EVERY = 64;

/** The issue a signature's automatic group is named by. */
export function autoIssueId(rootSignatureId: string): string {
  return `iss_${rootSignatureId.replace(/^sig_/, "")}`;
}

/** The issue a signature split off by a person becomes. */
export function splitIssueId(signatureId: string): string {
  return `iss_${signatureId.replace(/^sig_/, "")}_split`;
}

/**
 * Signatures grouped into issues: automatic unions of signatures that share
 * a grouping key (see domain/issues/grouping.ts), then a person's merges and
 * splits on top, in log order, so a replay keeps them. Also the values seen
 * at each variable position, for the issue's facets.
 */
export const issueGroupProjection: Projection = {
  name: "issue_groups@1",
  tables: Object.values(ISSUE_GROUP_TABLES),
  apply(events, tx) {
    const state = tableState(tx);
    const grouping = new IssueGrouping(state);
    const facets = new FacetDelta();
    // Counted per event, never per chunk: replay cuts the log differently.
    let changes = 0;
    for (const event of events) {
      switch (event.type) {
        case "SignatureDiscovered":
        case "SignatureGeneralized": {
          const { signatureId, template } = event.data;
          state.template(signatureId, template);
          grouping.add(signatureId, template);
          facets.templateChanged(signatureId);
          changes++;
          break;
        }
        case "IssuesMerged":
        case "IssueSplit":
          applyCorrection(tx, event);
          changes++;
          break;
        case "LogBatchIngested":
          facets.add(event, tx);
          break;
      }
    }
    facets.writeTo(tx);
    if (changes > 0) {
      const before = tx.get<number>(ISSUE_GROUP_TABLES.meta, ["changes"]) ?? 0;
      tx.put(ISSUE_GROUP_TABLES.meta, ["changes"], before + changes);
    }
  },
};

function tableState(tx: ProjectionWriter): GroupingState & {
  template(signatureId: string, template: string): void;
} {
  const T = ISSUE_GROUP_TABLES;
  const state = {
    template(signatureId: string, template: string) {
      const before = tx.get<GroupedSignature>(T.signatures, [signatureId]);
      if (before === undefined) {
        const order = tx.get<number>(T.meta, ["order"]) ?? 0;
        tx.put(T.meta, ["order"], order + 1);
        tx.put(T.signatures, [signatureId], { parent: signatureId, order, template });
      } else tx.put(T.signatures, [signatureId], { ...before, template });
    },
    parent: (id: string) => tx.get<GroupedSignature>(T.signatures, [id])?.parent,
    setParent(id: string, parent: string) {
      const before = tx.get<GroupedSignature>(T.signatures, [id]);
      if (before !== undefined && before.parent !== parent) {
        tx.put(T.signatures, [id], { ...before, parent });
      }
    },
    keyOwner: (key: string) => tx.get<string>(T.keys, [key]),
    setKeyOwner: (key: string, id: string) => tx.put(T.keys, [key], id),
    reasons: (root: string) => tx.get<string[]>(T.reasons, [root]) ?? [],
    setReasons(root: string, reasons: readonly string[] | null) {
      if (reasons === null) tx.remove(T.reasons, [root]);
      else tx.put(T.reasons, [root], reasons);
    },
    order: (id: string) => tx.get<GroupedSignature>(T.signatures, [id])?.order ?? Infinity,
  };
  return state;
}

/** Follows a person's merges from an issue to the issue it is now part of. */
export function resolveIssue(reader: ProjectionReader, issueId: string): string {
  let at = issueId;
  // Merges never form a cycle (a merge into itself is refused), but a bound costs nothing.
  for (let steps = 0; steps < 1_000; steps++) {
    const next = reader.get<string>(ISSUE_GROUP_TABLES.aliases, [at]);
    if (next === undefined) return at;
    at = next;
  }
  return at;
}

/** The automatic root of a signature, read without changing anything. */
function rootOf(reader: ProjectionReader, signatureId: string): string {
  let at = signatureId;
  for (let steps = 0; steps < 10_000; steps++) {
    const up = reader.get<GroupedSignature>(ISSUE_GROUP_TABLES.signatures, [at])?.parent;
    if (up === undefined || up === at) return at;
    at = up;
  }
  return at;
}

/** The issue a signature was in before any merge: split off, or its automatic one. */
export function baseIssueOf(reader: ProjectionReader, signatureId: string): string {
  return reader.get<string>(ISSUE_GROUP_TABLES.moves, [signatureId]) ??
    autoIssueId(rootOf(reader, signatureId));
}

/** The issue a signature belongs to now. */
export function issueOfSignature(reader: ProjectionReader, signatureId: string): string {
  return resolveIssue(reader, baseIssueOf(reader, signatureId));
}

/** Signature -> issue, and issue -> its signatures, as the projection holds them now. */
export interface IssueIndex {
  readonly issueOf: Map<string, string>;
  readonly members: Map<string, string[]>;
}

/** Changes whenever {@linkcode issueIndex} would: a signature grouped or a correction applied. */
export function issueIndexVersion(reader: ProjectionReader): string {
  return `${reader.count(ISSUE_GROUP_TABLES.signatures)}/${
    reader.get<number>(ISSUE_GROUP_TABLES.meta, ["changes"]) ?? 0
  }`;
}

/** Every grouped signature's issue; callers cache it on {@linkcode issueIndexVersion}. */
export function issueIndex(reader: ProjectionReader): IssueIndex {
  const issueOf = new Map<string, string>();
  const members = new Map<string, string[]>();
  const resolved = new Map<string, string>();
  for (const { key } of reader.range(ISSUE_GROUP_TABLES.signatures)) {
    const signatureId = String(key[0]);
    const base = baseIssueOf(reader, signatureId);
    let issueId = resolved.get(base);
    if (issueId === undefined) resolved.set(base, issueId = resolveIssue(reader, base));
    issueOf.set(signatureId, issueId);
    const list = members.get(issueId);
    if (list === undefined) members.set(issueId, [signatureId]);
    else list.push(signatureId);
  }
  return { issueOf, members };
}

function applyCorrection(tx: ProjectionWriter, event: IssueCorrection): void {
  const T = ISSUE_GROUP_TABLES;
  if (event.type === "IssuesMerged") {
    const target = resolveIssue(tx, event.data.issueId);
    for (const merged of event.data.merged) {
      const from = resolveIssue(tx, merged);
      if (from !== target) tx.put(T.aliases, [from], target);
    }
  } else {
    const issueId = resolveIssue(tx, event.data.issueId);
    if (event.data.signatureIds.length === 0) {
      const direct = [...tx.range<string>(T.aliases)].filter((a) => a.value === issueId);
      for (const { key } of direct) tx.remove(T.aliases, key);
    }
    for (const signatureId of event.data.signatureIds) {
      if (issueOfSignature(tx, signatureId) !== issueId) continue;
      const base = baseIssueOf(tx, signatureId);
      if (base !== issueId) tx.remove(T.aliases, [base]);
      else tx.put(T.moves, [signatureId], splitIssueId(signatureId));
    }
  }
}

/** Values at variable positions of the first line, gathered per chunk and written once. */
class FacetDelta {
  /** signatureId -> position -> value -> lines. */
  readonly #values = new Map<string, Map<number, Map<string, number>>>();
  /** signatureId -> lines looked at so far (all chunks). */
  readonly #seen = new Map<string, number>();
  readonly #templates = new Map<string, string[] | null>();

  templateChanged(signatureId: string): void {
    this.#templates.delete(signatureId);
  }

  add(event: StoredEvent<string, LogBatchIngestedData>, tx: ProjectionWriter): void {
    const grouped = recordGroupsOf(event.data);
    for (let group = 0; group < grouped.groups.length; group++) {
      // Issues are WARN and above: INFO and DEBUG lines are not read for facets.
      if (!mayHoldSeverity(grouped.groups[group]!.severities, ISSUE_MIN_SEVERITY)) continue;
      const severities = grouped.field(group, "severityNumber");
      const signatureIds = grouped.field(group, "signatureId");
      for (let at = 0; at < severities.length; at++) {
        if (severities[at]! < ISSUE_MIN_SEVERITY) continue;
        const signatureId = signatureIds[at]!;
        const template = this.#sampledTemplate(signatureId, tx);
        if (template === null) continue;
        this.#countValues(signatureId, template, grouped.field(group, "message")[at]!);
      }
    }
  }

  /**
   * Counts one WARN-or-above line of the signature; its template's tokens
   * when the line's values are to be counted too (sampled past the first
   * lines), else null.
   */
  #sampledTemplate(signatureId: string, tx: ProjectionWriter): string[] | null {
    let seen = this.#seen.get(signatureId);
    if (seen === undefined) {
      seen = tx.get<number>(ISSUE_GROUP_TABLES.facets, [signatureId, -1]) ?? 0;
    }
    this.#seen.set(signatureId, seen + 1);
    if (seen >= FACET_FULL_LINES && seen % FACET_SAMPLE_EVERY !== 0) return null;
    let template = this.#templates.get(signatureId);
    if (template === undefined) {
      const stored = tx.get<GroupedSignature>(ISSUE_GROUP_TABLES.signatures, [signatureId]);
      template = stored === undefined ? null : firstLineTokens(stored.template);
      if (template !== null && !template.some((t) => t.includes("<*>"))) template = null;
      this.#templates.set(signatureId, template);
    }
    return template;
  }

  #countValues(signatureId: string, template: readonly string[], message: string): void {
    const tokens = firstLineTokens(message);
    if (tokens.length !== template.length) return;
    let positions = this.#values.get(signatureId);
    if (positions === undefined) this.#values.set(signatureId, positions = new Map());
    for (let i = 0; i < template.length; i++) {
      if (!template[i]!.includes("<*>")) continue;
      let values = positions.get(i);
      if (values === undefined) positions.set(i, values = new Map());
      const value = tokens[i]!;
      values.set(value, (values.get(value) ?? 0) + 1);
    }
  }

  writeTo(tx: ProjectionWriter): void {
    for (const [signatureId, seen] of this.#seen) {
      tx.put(ISSUE_GROUP_TABLES.facets, [signatureId, -1], seen);
    }
    for (const [signatureId, positions] of this.#values) {
      for (const [position, values] of positions) {
        const key = [signatureId, position];
        const before = tx.get<Facet>(ISSUE_GROUP_TABLES.facets, key);
        const counts = new Map(before?.values ?? []);
        let other = before?.other ?? 0;
        for (const [value, n] of values) {
          if (counts.has(value) || counts.size < FACET_VALUES_KEPT) {
            counts.set(value, (counts.get(value) ?? 0) + n);
          } else other += n;
        }
        const kept = [...counts].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1));
        tx.put(ISSUE_GROUP_TABLES.facets, key, { values: kept, other } satisfies Facet);
      }
    }
  }
}

/** The whitespace tokens of a template's or message's first line. */
export function firstLineTokens(text: string): string[] {
  const newline = text.indexOf("\n");
  return (newline === -1 ? text : text.slice(0, newline)).split(/\s+/).filter((t) => t !== "");
}
