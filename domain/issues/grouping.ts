/**
 * Grouping signatures into issues: the signatures of one problem share a
 * grouping key. Pure: a template comes in, its keys and why they group go out.
 *
 * A miner may split one problem into many signatures: an id it kept as a
 * literal because it saw it once, a small set of values (currencies, column
 * names) it kept as constants, the same line with and without its stack
 * trace. Each of those still has a key in common with its siblings:
 * - `m:` the first line with identifier-shaped tokens and parenthesized
 *   segments taken out (the stack trace is not part of it);
 * - `x:` the exception type and its top frames, with or without the message;
 * - the first line with one constant position taken out, for lines long
 *   enough that the rest of the line says which event it is (in the `m:`
 *   namespace: a sibling that already has a variable there shares it).
 *
 * @module
 */

/** Why two signatures are one issue, as a person reads it. */
export interface GroupingKey {
  readonly key: string;
  readonly reason: string;
}

const VARIABLE = "<*>";
/** Frames of a stack trace that name a problem: deeper ones are the caller's business. */
const TOP_FRAMES = 2;
/** An `e:` key needs at least this many constant words besides the position it leaves out. */
const ENUM_MIN_CONSTANT_WORDS = 4;

/**
 * The keys a signature's template groups by, in a fixed order.
 *
 * @example
 * ```ts
 * import { groupingKeys } from "./grouping.ts";
 * import assert from "node:assert/strict";
 * const keys = groupingKeys("Payment for order ord_x9ddauligx failed\njava.lang.ArithmeticException: <*>\n\tat java.base/java.math.BigDecimal.setScale");
 * assert.equal(keys[0]!.key, "m:Payment for order <*> failed");
 * assert.equal(keys[1]!.reason, "same exception java.lang.ArithmeticException at BigDecimal.setScale");
 * ```
 */
export function groupingKeys(template: string): GroupingKey[] {
  const lines = template.split("\n");
  const trace = stackTraceOf(lines);
  const messageLines = trace === null ? lines : lines.slice(0, trace.startLine);
  const first = messageLines.find((line) => line.trim() !== "") ?? "";
  const tokens = normalizedTokens(first);
  const keys: GroupingKey[] = [];
  const message = tokens.join(" ");
  if (tokens.some((t) => t !== VARIABLE)) {
    keys.push({ key: `m:${message}`, reason: `same message template "${message}"` });
  }
  if (trace !== null) {
    const at = trace.frames.slice(0, TOP_FRAMES).join(" < ");
    keys.push({
      key: `x:${trace.exception}|${at}`,
      reason: `same exception ${trace.exception}${
        trace.frames.length > 0 ? ` at ${shortFrame(trace.frames[0]!)}` : ""
      }`,
    });
  }
  const words = tokens.filter(isWord).length;
  for (let i = 0; i < tokens.length; i++) {
    const token = tokens[i]!;
    if (token === VARIABLE || !isEnumLike(token)) continue;
    if (words - (isWord(token) ? 1 : 0) < ENUM_MIN_CONSTANT_WORDS) continue;
    const masked = collapse([...tokens.slice(0, i), VARIABLE, ...tokens.slice(i + 1)]).join(" ");
    keys.push({
      // The same namespace as `m:`: a template that already has a variable
      // there is the same issue as its siblings that kept a value.
      key: `m:${masked}`,
      reason: `same message template "${masked}" apart from one value`,
    });
  }
  return keys;
}

/** The first line's tokens with identifier-shaped ones as `<*>` and optional segments left out. */
export function normalizedTokens(line: string): string[] {
  const withoutOptional = line.replace(/\s*[([][^()[\]]*[)\]]/g, " ");
  const tokens = withoutOptional.split(/\s+/).filter((t) => t !== "")
    .map((t) => (isVariableShaped(t) ? VARIABLE : t.replace(/[,;:.]+$/, "")))
    .filter((t) => t !== "");
  return collapse(tokens);
}

function collapse(tokens: readonly string[]): string[] {
  const out: string[] = [];
  for (const t of tokens) if (!(t === VARIABLE && out[out.length - 1] === VARIABLE)) out.push(t);
  return out;
}

/**
 * A token a system makes up per occurrence: anything holding a digit or a
 * mask, hex and random-looking ids, `prefix_<random>` ids, e-mail addresses,
 * hosts, paths, URLs, quoted values, key=value pairs.
 */
export function isVariableShaped(token: string): boolean {
  const t = token.replace(/^[("'[{<]+|[)"'\]},;:.!?>]+$/g, "");
  if (t === "" || token.includes(VARIABLE)) return true;
  if (/\d/.test(t)) return true;
  if (/^["'`]|["'`]$/.test(token) && token.length > 1) return true;
  if (t.includes("@") || t.includes("/") || t.includes("\\") || t.includes("=")) return true;
  if (/^[a-f0-9]{8,}$/i.test(t)) return true;
  const id = /^[A-Za-z]{1,12}[_-]([A-Za-z0-9]{6,})$/.exec(t);
  if (id !== null && looksRandom(id[1]!)) return true;
  if (/^[a-z0-9-]+(\.[a-z0-9-]+){2,}$/i.test(t) && !/^[a-z]+(\.[A-Z][a-zA-Z]*)+$/.test(t)) {
    return true;
  }
  return t.length >= 10 && looksRandom(t);
}

/** Letters no language strings together: long consonant runs, or few vowels for the length. */
function looksRandom(s: string): boolean {
  const lower = s.toLowerCase();
  if (/[^aeiouy\d_-]{5,}/.test(lower)) return true;
  if (/[A-Z].*[a-z].*[A-Z].*[a-z].*[A-Z]/.test(s) && !/^[A-Z]?[a-z]+([A-Z][a-z]+)+$/.test(s)) {
    return true;
  }
  const vowels = (lower.match(/[aeiouy]/g) ?? []).length;
  return lower.length >= 8 && vowels / lower.length < 0.2;
}

function isWord(token: string): boolean {
  return /^[A-Za-z][A-Za-z'-]*$/.test(token);
}

/**
 * A constant that may be one value of a small set: an acronym (CHF), a
 * compound or dotted name (brand_id, password-reset, sizeEU, checkout.com,
 * com.acme.billing), or a name-like word (a provider, a column). Verbs say what happened ("opened",
 * "closed", "starting") and short words carry meaning ("in", "out", "not"):
 * a line that differs there is another event.
 */
function isEnumLike(token: string): boolean {
  if (/^[A-Z]{2,6}$/.test(token)) return true;
  if (/[_-]/.test(token) || /[a-z][A-Z]/.test(token)) return true;
  // A dotted name: a host, a package, a provider's domain.
  if (/^[A-Za-z][A-Za-z0-9]*(\.[A-Za-z0-9]+)+$/.test(token)) return true;
  if (!/^[A-Za-z]{4,}$/.test(token)) return false;
  return !/(ed|ing)$/i.test(token);
}

interface StackTrace {
  readonly startLine: number;
  readonly exception: string;
  readonly frames: readonly string[];
}

const EXCEPTION_LINE = /^\s*(?:Caused by:\s*)?([A-Za-z_$][\w$]*(?:\.[A-Za-z_$][\w$]*)+)(?::|$)/;
const FRAME_LINE = /^\s*at\s+(\S+?)(?:\(.*)?$/;

/** The first exception of a Java-style trace in the template, with its frames. */
function stackTraceOf(lines: readonly string[]): StackTrace | null {
  for (let i = 1; i < lines.length; i++) {
    const match = EXCEPTION_LINE.exec(lines[i]!);
    if (match === null || !/(Exception|Error|Throwable|Fault)$/.test(match[1]!)) continue;
    const frames: string[] = [];
    for (let j = i + 1; j < lines.length && frames.length < TOP_FRAMES; j++) {
      const frame = FRAME_LINE.exec(lines[j]!);
      if (frame === null) break;
      frames.push(frame[1]!.replace(/^[\w.]+\//, ""));
    }
    return { startLine: i, exception: match[1]!, frames };
  }
  return null;
}

/** `java.math.BigDecimal.setScale` as `BigDecimal.setScale`. */
function shortFrame(frame: string): string {
  return frame.split(".").slice(-2).join(".");
}

/**
 * Automatic issues of a set of signatures: union of every two that share a
 * key, each issue named after its earliest signature (the order given).
 * Returns signatureId -> the issue's first signature, and the reasons each
 * issue was merged for.
 *
 * @example
 * ```ts
 * import { groupSignatures } from "./grouping.ts";
 * import assert from "node:assert/strict";
 * const { issueOf } = groupSignatures([
 *   { signatureId: "a", template: "Capture of ord_ab12cd failed for CHF in the ledger" },
 *   { signatureId: "b", template: "Capture of <*> failed for JPY in the ledger" },
 *   { signatureId: "c", template: "Disk full" },
 * ]);
 * assert.equal(issueOf.get("b"), "a");
 * assert.equal(issueOf.get("c"), "c");
 * ```
 */
export function groupSignatures(
  signatures: readonly { readonly signatureId: string; readonly template: string }[],
): { issueOf: Map<string, string>; reasons: Map<string, string[]> } {
  const state = memoryGroupingState();
  const grouping = new IssueGrouping(state);
  for (const s of signatures) grouping.add(s.signatureId, s.template);
  const issueOf = new Map(state.ids().map((id) => [id, grouping.find(id)]));
  const reasons = new Map<string, string[]>();
  for (const root of new Set(issueOf.values())) reasons.set(root, [...grouping.reasons(root)]);
  return { issueOf, reasons };
}

function kindOf(reason: string): string {
  if (reason.startsWith("same exception")) return "exception";
  return reason.endsWith("apart from one value") ? "value" : "template";
}

/** Where an IssueGrouping keeps its union-find: memory, or a projection's tables. */
export interface GroupingState {
  parent(signatureId: string): string | undefined;
  setParent(signatureId: string, parent: string): void;
  keyOwner(key: string): string | undefined;
  setKeyOwner(key: string, signatureId: string): void;
  reasons(root: string): readonly string[];
  setReasons(root: string, reasons: readonly string[] | null): void;
  /** When the signature was first added: the older issue keeps its name. */
  order(signatureId: string): number;
}

/** A GroupingState in memory. */
export function memoryGroupingState(): GroupingState & { readonly ids: () => string[] } {
  const parents = new Map<string, string>();
  const owners = new Map<string, string>();
  const reasons = new Map<string, readonly string[]>();
  const orders = new Map<string, number>();
  return {
    parent: (id) => parents.get(id),
    setParent: (id, parent) => {
      if (!orders.has(id)) orders.set(id, orders.size);
      parents.set(id, parent);
    },
    keyOwner: (key) => owners.get(key),
    setKeyOwner: (key, id) => owners.set(key, id),
    reasons: (root) => reasons.get(root) ?? [],
    setReasons: (root, r) => (r === null ? reasons.delete(root) : reasons.set(root, r)),
    order: (id) => orders.get(id) ?? Infinity,
    ids: () => [...parents.keys()],
  };
}

/** Incremental union of signatures by shared keys. */
export class IssueGrouping {
  readonly #state: GroupingState;

  constructor(state: GroupingState = memoryGroupingState()) {
    this.#state = state;
  }

  /** Adds (or widens, for a generalized template) a signature; returns its issue's root. */
  add(signatureId: string, template: string): string {
    const state = this.#state;
    if (state.parent(signatureId) === undefined) state.setParent(signatureId, signatureId);
    let root = this.find(signatureId);
    for (const { key, reason } of groupingKeys(template)) {
      const owner = state.keyOwner(key);
      if (owner === undefined) {
        state.setKeyOwner(key, root);
        continue;
      }
      const other = this.find(owner);
      if (other === root) {
        // Shared with a sibling already in the issue: one more reason it belongs.
        if (owner !== signatureId) this.#addReasons(root, [reason]);
        continue;
      }
      // The older issue keeps its name: a new fragment joins it, never the reverse.
      const [keep, absorbed] = state.order(other) <= state.order(root)
        ? [other, root]
        : [root, other];
      state.setParent(absorbed, keep);
      this.#addReasons(keep, [reason, ...state.reasons(absorbed)]);
      state.setReasons(absorbed, null);
      root = keep;
    }
    return root;
  }

  /** One reason of each kind says why; the signatures list shows the rest. */
  #addReasons(root: string, more: readonly string[]): void {
    const reasons = [...this.#state.reasons(root)];
    const before = reasons.length;
    for (const r of more) {
      if (!reasons.some((known) => kindOf(known) === kindOf(r))) reasons.push(r);
    }
    if (reasons.length > before) this.#state.setReasons(root, reasons);
  }

  /** The root of a signature's automatic issue (itself when it was never added). */
  find(signatureId: string): string {
    let at = signatureId;
    for (let steps = 0;; steps++) {
      const up = this.#state.parent(at);
      if (up === undefined || up === at) return at;
      if (steps > 0) this.#state.setParent(signatureId, up);
      at = up;
    }
  }

  reasons(root: string): readonly string[] {
    return this.#state.reasons(root);
  }
}
