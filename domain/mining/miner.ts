/**
 * The signature miner: groups log messages into events (signatures) with a
 * readable template each, online, batch after batch, and learns only what it
 * can replay from its events.
 *
 * How a batch is mined:
 * 1. each message is reduced to its skeleton (masked tokens, see
 *    `_tokenize.ts`); a skeleton already resolved is answered from a memo;
 * 2. a new skeleton that fits an existing template (same words where the
 *    template has words) joins it;
 * 3. the remaining skeletons are grouped (`_cluster.ts`) together with the
 *    existing signatures of the same token count, which take part as items
 *    weighted by the lines they had when last changed; a group holding an
 *    existing signature joins it (the signature generalizes where the group
 *    varies and keeps its id), any other group becomes a new signature.
 * `mineCorpus` is one batch holding the whole corpus, so the offline and the
 * online miner are the same algorithm; batches of 1,000 lines give the same
 * grouping as the whole corpus on the Loghub samples.
 *
 * @module
 */
import { clusterBucket, type Item } from "./_cluster.ts";
import { hash48 } from "./_hash.ts";
import { splitRecord } from "./_multiline.ts";
import { hashKey, tokenize, VAR } from "./_tokenize.ts";
import { type SkeletonBatch, skeletonsOf } from "./skeletons.ts";
import type { MineResult, MinerEvent } from "./miner_events.ts";

/** Settings of the miner. The defaults hold for every log source; there are no per-source values. */
export interface MinerConfig {
  /** A column with at least this many distinct words is a variable (fewer: see `_cluster.ts`). */
  readonly minDistinctForVariable: number;
  /** Most skeletons remembered by the fast path (a cache: it never changes results). */
  readonly memoLimit: number;
}

export const DEFAULT_MINER_CONFIG: MinerConfig = {
  minDistinctForVariable: 10,
  memoLimit: 200_000,
};

/** What a signature keeps in its events to be restored exactly. */
interface SignatureState {
  readonly v: 1;
  /** Template tokens of the first line of the record. */
  readonly tokens: readonly string[];
  /** Positions of `tokens` that are variable. */
  readonly variable: readonly number[];
  /** Per token: how many raw tokens it stands for when always the same, else 0. */
  readonly runs: readonly number[];
  /** Key and text of the rest of a multi-line record ("" for one line). */
  readonly tailKey: string;
  readonly tailText: string;
  /** Lines it had been given when the event was emitted. */
  readonly weight: number;
  /**
   * Words of the lines it learned from at its variable positions (an enum's
   * values: currencies, user names), as `[position, [[word, lines]...],
   * lines with other words]`; absent when none were seen.
   */
  readonly values?: readonly (readonly [number, readonly (readonly [string, number])[], number])[];
}

/** The words seen at one variable position of a signature, most frequent first. */
export interface SignatureFacet {
  /** Index of the position among the template's tokens. */
  readonly position: number;
  readonly values: readonly { readonly value: string; readonly count: number }[];
  /** Lines with a word beyond the ones kept. */
  readonly other: number;
}

/** Most distinct words counted per variable position; the rest is counted as other. */
export const MAX_FACET_VALUES = 20;

interface Facet {
  readonly values: Map<string, number>;
  other: number;
}

/** Signatures of one token count and multi-line tail; `epoch` counts its changes. */
interface Bucket {
  readonly signatures: Signature[];
  epoch: number;
}

interface Signature {
  readonly index: number;
  readonly id: string;
  readonly bucket: Bucket;
  tokens: string[];
  variable: boolean[];
  runs: number[];
  readonly tailKey: string;
  readonly tailText: string;
  weight: number;
  template: string;
  /** Position -> words seen there while it was variable, over every line mined (bounded). */
  facets: Map<number, Facet> | undefined;
  /** Lines mined into it. */
  lines: number;
  /**
   * Position -> words of the lines it learned from (the groups that made or
   * changed it): what its events carry, so a restored miner emits the same.
   */
  learned: Map<number, Facet> | undefined;
}

/** A distinct skeleton of the current batch that no signature answered yet. */
interface Proto extends Item {
  readonly key: string;
  readonly hash: number;
  readonly message: string;
  tokens: string[];
  runs: number[];
  tailKey: string;
  tailText: string;
  count: number;
  signature: number;
}

/**
 * Mines signatures from batches of messages.
 *
 * @example
 * ```ts
 * import { SignatureMiner } from "./miner.ts";
 * import assert from "node:assert/strict";
 * const miner = new SignatureMiner();
 * const { signatureIds, events } = miner.mine([
 *   "Connection from 10.0.0.1 closed after 35 retries",
 *   "Connection from 10.0.0.7 closed after 120 retries",
 * ]);
 * assert.equal(signatureIds[0], signatureIds[1]);
 * assert.equal(miner.template(signatureIds[0]!), "Connection from <*> closed after <*> retries");
 * const restored = SignatureMiner.restore(events);
 * assert.deepEqual(restored.mine(["Connection from 10.0.0.9 closed after 8 retries"]).signatureIds, [
 *   signatureIds[0],
 * ]);
 * ```
 */
export class SignatureMiner {
  readonly #config: MinerConfig;
  readonly #signatures: Signature[] = [];
  readonly #byId = new Map<string, Signature>();
  /** Signatures per bucket (token count and multi-line tail). */
  readonly #buckets = new Map<string, Bucket>();
  /**
   * Skeleton key hash -> skeletons known to resolve to a signature; a pure
   * cache of matching. An entry holds while its bucket has not changed since
   * (matching only looks at the skeleton's bucket).
   */
  readonly #memo = new Map<number, MemoEntry>();
  #memoSize = 0;

  constructor(config?: Partial<MinerConfig>) {
    this.#config = { ...DEFAULT_MINER_CONFIG, ...config };
  }

  /** Restores a miner from the events it emitted; it behaves exactly as the original for all future input. */
  static restore(events: Iterable<MinerEvent>, config?: Partial<MinerConfig>): SignatureMiner {
    const miner = new SignatureMiner(config);
    for (const event of events) miner.#apply(event);
    return miner;
  }

  /** Mines a batch; `signatureIds[i]` is the signature of `messages[i]`. */
  mine(messages: readonly string[]): MineResult {
    return this.mineSkeletons(skeletonsOf(messages));
  }

  /**
   * Mines a batch reduced to its skeletons (see {@linkcode skeletonsOf}):
   * the same answer as `mine` on the messages it was reduced from.
   */
  mineSkeletons(batch: SkeletonBatch): MineResult {
    const { keys, examples, skeletonOf } = batch;
    const signatureOf = new Int32Array(keys.length);
    const protos: Proto[] = [];
    const protoOf = new Int32Array(keys.length).fill(-1);
    for (let k = 0; k < keys.length; k++) {
      const key = keys[k]!;
      const hash = hashKey(key);
      let e = this.#memo.get(hash);
      while (e !== undefined && !(e.epoch === e.bucket.epoch && e.key === key)) e = e.next;
      if (e !== undefined) signatureOf[k] = e.signature;
      else {
        protoOf[k] = protos.length;
        protos.push({
          key,
          hash,
          message: examples[k]!,
          tokens: [],
          runs: [],
          tailKey: "",
          tailText: "",
          count: 0,
          signature: -1,
        });
      }
    }
    let events: MinerEvent[] = [];
    if (protos.length > 0) {
      for (let i = 0; i < skeletonOf.length; i++) {
        const p = protoOf[skeletonOf[i]!]!;
        if (p >= 0) protos[p]!.count++;
      }
      events = this.#resolve(protos);
      for (let k = 0; k < keys.length; k++) {
        const p = protoOf[k]!;
        if (p >= 0) signatureOf[k] = protos[p]!.signature;
      }
    }
    const signatures = this.#signatures;
    const ids = new Array<string>(skeletonOf.length);
    const lines = new Int32Array(keys.length);
    for (let i = 0; i < skeletonOf.length; i++) {
      const k = skeletonOf[i]!;
      lines[k]!++;
      ids[i] = signatures[signatureOf[k]!]!.id;
    }
    for (let k = 0; k < keys.length; k++) {
      countFacets(signatures[signatureOf[k]!]!, keys[k]!, lines[k]!);
    }
    return { signatureIds: ids, events };
  }

  /**
   * The words seen at the variable positions of a signature that hold words
   * rather than masked values (an enum: `CHF` 40, `JPY` 30...), counted over
   * the lines mined (a restored miner starts from its events' counts).
   */
  facets(signatureId: string): SignatureFacet[] {
    const s = this.#byId.get(signatureId);
    return s?.facets === undefined ? [] : facetList(stateValues(s.facets));
  }

  /** The current template of a signature. */
  template(signatureId: string): string | undefined {
    return this.#byId.get(signatureId)?.template;
  }

  /** Every signature with its current template, in order of discovery. */
  *signatures(): Iterable<{ signatureId: string; template: string }> {
    for (const s of this.#signatures) yield { signatureId: s.id, template: s.template };
  }

  /** Resolves the skeletons that the memo did not answer; returns the batch's events. */
  #resolve(protos: Proto[]): MinerEvent[] {
    const unmatched = new Map<string, Proto[]>();
    for (const p of protos) {
      const parts = splitRecord(p.message);
      const { tokens, runs } = tokenize(parts.head);
      p.tokens = tokens;
      p.runs = runs;
      p.tailKey = parts.tailKey;
      p.tailText = parts.tailText;
      const bucket = bucketKey(tokens.length, parts.tailKey);
      const s = this.#match(bucket, tokens);
      if (s !== undefined) {
        p.signature = s.index;
        this.#remember(p.key, p.hash, s);
        continue;
      }
      const list = unmatched.get(bucket);
      if (list) list.push(p);
      else unmatched.set(bucket, [p]);
    }
    if (unmatched.size === 0) return [];
    const previous = new Map<Signature, string>();
    const touched: Signature[] = [];
    const rules = this.#config;
    for (const [bucket, protosOfBucket] of unmatched) {
      // Existing signatures take part with their weights, as one more item
      // each, so that the batch is grouped as if mined with what came before.
      const existing = this.#buckets.get(bucket)?.signatures ?? [];
      const items: Item[] = [];
      for (const s of existing) {
        items.push({
          tokens: s.tokens.map((t, j) => (s.variable[j] ? VAR : t)),
          count: s.weight,
          established: true,
        });
      }
      const offset = items.length;
      for (const p of protosOfBucket) items.push(p);
      for (const group of clusterBucket(items, rules)) {
        const members = group.members.filter((m) => m >= offset).map((m) => m - offset);
        if (members.length === 0) continue;
        const g = groupTemplate(protosOfBucket, members, group.variable);
        let s: Signature;
        if (group.members[0]! < offset) {
          s = existing[group.members[0]!]!;
          const before = s.template;
          if (merge(s, g) && !previous.has(s)) {
            previous.set(s, before);
            touched.push(s);
          }
        } else {
          s = this.#add(g.tokens, g.variable, g.runs, protosOfBucket[members[0]!]!, g.count);
          touched.push(s);
        }
        for (const m of members) protosOfBucket[m]!.signature = s.index;
      }
    }
    const joined = new Map<number, Proto[]>();
    for (const p of protos) {
      const list = joined.get(p.signature);
      if (list) list.push(p);
      else joined.set(p.signature, [p]);
    }
    for (const s of touched) {
      s.bucket.epoch++;
      learnFacets(s, joined.get(s.index) ?? []);
    }
    const events: MinerEvent[] = [];
    for (const s of touched) {
      const before = previous.get(s);
      if (before === undefined) {
        events.push({
          type: "SignatureDiscovered",
          data: { signatureId: s.id, template: s.template, state: stateOf(s) },
        });
      } else {
        events.push({
          type: "SignatureGeneralized",
          data: {
            signatureId: s.id,
            previousTemplate: before,
            template: s.template,
            state: stateOf(s),
          },
        });
      }
    }
    return events;
  }

  /** The most specific signature whose words all match `tokens`. */
  #match(bucket: string, tokens: readonly string[]): Signature | undefined {
    const list = this.#buckets.get(bucket)?.signatures;
    if (list === undefined) return undefined;
    let best: Signature | undefined;
    let bestScore = -1;
    for (const s of list) {
      let score = 0;
      let ok = true;
      for (let j = 0; j < tokens.length; j++) {
        if (s.variable[j]) continue;
        if (s.tokens[j] !== tokens[j]) {
          ok = false;
          break;
        }
        score++;
      }
      if (ok && score > bestScore) {
        best = s;
        bestScore = score;
      }
    }
    return best;
  }

  #add(
    tokens: string[],
    variable: boolean[],
    runs: number[],
    first: Proto,
    weight: number,
  ): Signature {
    const template = render(tokens, runs, first.tailText);
    let id = "sig_" + hash48(first.tailKey + "\u0000" + template);
    if (this.#byId.has(id)) {
      let k = 2;
      while (this.#byId.has(id + "_" + k)) k++;
      id = id + "_" + k;
    }
    const s: Signature = {
      index: this.#signatures.length,
      id,
      bucket: this.#bucket(bucketKey(tokens.length, first.tailKey)),
      tokens,
      variable,
      runs,
      tailKey: first.tailKey,
      tailText: first.tailText,
      weight,
      template,
      facets: undefined,
      lines: 0,
      learned: undefined,
    };
    this.#signatures.push(s);
    this.#byId.set(id, s);
    s.bucket.signatures.push(s);
    s.bucket.epoch++;
    return s;
  }

  #bucket(key: string): Bucket {
    let bucket = this.#buckets.get(key);
    if (bucket === undefined) {
      bucket = { signatures: [], epoch: 0 };
      this.#buckets.set(key, bucket);
    }
    return bucket;
  }

  #remember(key: string, hash: number, s: Signature): void {
    if (this.#memoSize >= this.#config.memoLimit) this.#forget();
    const bucket = s.bucket;
    this.#memo.set(hash, {
      key,
      signature: s.index,
      bucket,
      epoch: bucket.epoch,
      next: this.#memo.get(hash),
    });
    this.#memoSize++;
  }

  #forget(): void {
    this.#memo.clear();
    this.#memoSize = 0;
  }

  #apply(event: MinerEvent): void {
    const state = parseState(event.data.state);
    const variable = new Array<boolean>(state.tokens.length).fill(false);
    for (const j of state.variable) variable[j] = true;
    if (event.type === "SignatureDiscovered") {
      const tokens = [...state.tokens];
      const runs = [...state.runs];
      const s: Signature = {
        index: this.#signatures.length,
        id: event.data.signatureId,
        bucket: this.#bucket(bucketKey(tokens.length, state.tailKey)),
        tokens,
        variable,
        runs,
        tailKey: state.tailKey,
        tailText: state.tailText,
        weight: state.weight,
        template: render(tokens, runs, state.tailText),
        facets: facetsFromState(state),
        lines: state.weight,
        learned: facetsFromState(state),
      };
      this.#signatures.push(s);
      this.#byId.set(s.id, s);
      s.bucket.signatures.push(s);
      s.bucket.epoch++;
    } else {
      const s = this.#byId.get(event.data.signatureId);
      if (s === undefined) {
        throw new Error(`Cannot restore miner: unknown signature ${event.data.signatureId}`);
      }
      s.tokens = [...state.tokens];
      s.variable = variable;
      s.runs = [...state.runs];
      s.weight = state.weight;
      s.template = render(s.tokens, s.runs, s.tailText);
      s.facets = facetsFromState(state);
      s.lines = state.weight;
      s.learned = facetsFromState(state);
      s.bucket.epoch++;
    }
  }
}

/**
 * Mines a whole corpus at once (one batch, so with whole-corpus statistics).
 *
 * @example
 * ```ts
 * import { mineCorpus } from "./miner.ts";
 * import assert from "node:assert/strict";
 * const { signatureIds, templates } = mineCorpus([
 *   "uid 1042 logged in from 10.0.0.1",
 *   "disk /dev/sda1 is 91% full",
 *   "uid 77 logged in from 10.0.0.2",
 *   // Two words at one position tell events apart; many are a variable.
 *   "job backup started",
 *   "job backup stopped",
 * ]);
 * assert.equal(signatureIds[0], signatureIds[2]);
 * assert.notEqual(signatureIds[0], signatureIds[1]);
 * assert.notEqual(signatureIds[3], signatureIds[4]);
 * assert.equal(templates.get(signatureIds[1]!), "disk <*> is <*> full");
 * ```
 */
export function mineCorpus(
  messages: readonly string[],
  config?: Partial<MinerConfig>,
): { signatureIds: string[]; templates: Map<string, string> } {
  const miner = new SignatureMiner(config);
  const { signatureIds } = miner.mine(messages);
  const templates = new Map<string, string>();
  for (const { signatureId, template } of miner.signatures()) templates.set(signatureId, template);
  return { signatureIds: signatureIds as string[], templates };
}

interface MemoEntry {
  readonly key: string;
  readonly signature: number;
  /** The bucket of the signature and its epoch when the entry was made. */
  readonly bucket: Bucket;
  readonly epoch: number;
  readonly next: MemoEntry | undefined;
}

function bucketKey(length: number, tailKey: string): string {
  return length + tailKey;
}

interface GroupTemplate {
  readonly tokens: string[];
  readonly variable: boolean[];
  readonly runs: number[];
  readonly count: number;
}

/** Tokens of the new members of a group: shared tokens where they agree, else `<*>`. */
function groupTemplate(
  items: readonly Proto[],
  members: readonly number[],
  variable: readonly boolean[],
): GroupTemplate {
  const first = items[members[0]!]!;
  const L = first.tokens.length;
  const tokens = first.tokens.slice();
  const runs = first.runs.slice();
  let count = 0;
  for (const m of members) {
    const p = items[m]!;
    count += p.count;
    for (let j = 0; j < L; j++) {
      if (tokens[j] !== p.tokens[j]) tokens[j] = VAR;
      if (runs[j] !== p.runs[j]) runs[j] = 0;
    }
  }
  return { tokens, variable: variable.slice(), runs, count };
}

/**
 * Generalizes signature `s` to also cover group `g` (whose positions marked
 * variable are variable in the group it was found in); whether `s` changed.
 */
function merge(s: Signature, g: GroupTemplate): boolean {
  let changed = false;
  for (let j = 0; j < s.tokens.length; j++) {
    const differs = s.tokens[j] !== g.tokens[j];
    const word = s.tokens[j]!;
    if (differs && word !== VAR) {
      s.tokens[j] = VAR;
      changed = true;
    }
    if (g.variable[j] && differs && !s.variable[j]) {
      s.variable[j] = true;
      changed = true;
      // Every line it had so far held the word it had here.
      if (!word.includes(VAR)) {
        if (s.lines > 0) s.facets = addFacet(s.facets, j, word, s.lines);
        s.learned = addFacet(s.learned, j, word, s.weight);
      }
    }
    if (s.runs[j] !== g.runs[j] && s.runs[j] !== 0) {
      s.runs[j] = 0;
      changed = true;
    }
  }
  if (!changed) return false;
  s.weight += g.count;
  s.template = render(s.tokens, s.runs, s.tailText);
  return true;
}

function render(tokens: readonly string[], runs: readonly number[], tailText: string): string {
  let out = "";
  for (let j = 0; j < tokens.length; j++) {
    const t = tokens[j]!;
    const r = runs[j]! > 1 ? runs[j]! : 1;
    for (let k = 0; k < r; k++) out += out === "" ? t : " " + t;
  }
  // A record that is all trace (no head line) starts with the trace.
  return out === "" && tailText.startsWith("\n") ? tailText.slice(1) : out + tailText;
}

function stateOf(s: Signature): SignatureState {
  const variable: number[] = [];
  for (let j = 0; j < s.variable.length; j++) if (s.variable[j]) variable.push(j);
  return {
    v: 1,
    tokens: s.tokens.slice(),
    variable,
    runs: s.runs.slice(),
    tailKey: s.tailKey,
    tailText: s.tailText,
    weight: s.weight,
    ...(s.learned === undefined ? {} : { values: stateValues(s.learned) }),
  };
}

/**
 * Counts the words a skeleton holds at the signature's variable positions
 * (masked values are not facets). `key` is the skeleton: its head's tokens
 * joined by spaces, then the tail's key after a line break.
 */
function countFacets(s: Signature, key: string, lines: number): void {
  s.lines += lines;
  // Only positions that held words when it learned (an enum) are counted.
  if (s.learned === undefined) return;
  const nl = key.indexOf("\n");
  const tokens = (nl < 0 ? key : key.slice(0, nl)).split(" ");
  if (tokens.length !== s.tokens.length) return;
  for (const j of s.learned.keys()) {
    const word = tokens[j]!;
    if (!word.includes(VAR)) s.facets = addFacet(s.facets, j, word, lines);
  }
}

/** Adds the words of the batch's new skeletons that joined `s` (`protos`) at its variable positions to what it learned. */
function learnFacets(s: Signature, protos: readonly Proto[]): void {
  if (!s.variable.includes(true)) return;
  for (const p of protos) {
    for (let j = 0; j < s.variable.length; j++) {
      const word = p.tokens[j];
      if (s.variable[j] && word !== undefined && !word.includes(VAR)) {
        s.learned = addFacet(s.learned, j, word, p.count);
      }
    }
  }
}

/** Counts `lines` lines with `word` at `position`; returns the (maybe new) map. */
function addFacet(
  facets: Map<number, Facet> | undefined,
  position: number,
  word: string,
  lines: number,
): Map<number, Facet> {
  facets ??= new Map();
  let facet = facets.get(position);
  if (facet === undefined) facets.set(position, facet = { values: new Map(), other: 0 });
  const seen = facet.values.get(word);
  if (seen !== undefined) facet.values.set(word, seen + lines);
  else if (facet.values.size < MAX_FACET_VALUES) facet.values.set(word, lines);
  else facet.other += lines;
  return facets;
}

function stateValues(
  facets: Map<number, Facet>,
): [number, [string, number][], number][] {
  return [...facets].sort((a, b) => a[0] - b[0]).map(([position, f]) => [
    position,
    [...f.values].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)),
    f.other,
  ]);
}

function facetsFromState(state: SignatureState): Map<number, Facet> | undefined {
  if (state.values === undefined) return undefined;
  const facets = new Map<number, Facet>();
  for (const [position, values, other] of state.values) {
    facets.set(position, { values: new Map(values.map(([w, n]) => [w, n])), other });
  }
  return facets;
}

function facetList(
  values: readonly (readonly [number, readonly (readonly [string, number])[], number])[],
): SignatureFacet[] {
  return values.map(([position, words, other]) => ({
    position,
    values: words.map(([value, count]) => ({ value, count })),
    other,
  }));
}

/**
 * The facets a miner event's state carries (the words seen at its variable
 * positions when it was emitted), for projections that read the events.
 *
 * @example
 * ```ts
 * import { facetsOf, SignatureMiner } from "./miner.ts";
 * import assert from "node:assert/strict";
 * const { events } = new SignatureMiner().mine([
 *   "Capture aborted after scale mismatch for CHF",
 *   "Capture aborted after scale mismatch for JPY",
 *   "Capture aborted after scale mismatch for CHF",
 * ]);
 * assert.deepEqual(facetsOf(events[0]!.data.state), [{
 *   position: 6,
 *   values: [{ value: "CHF", count: 2 }, { value: "JPY", count: 1 }],
 *   other: 0,
 * }]);
 * ```
 */
export function facetsOf(state: unknown): SignatureFacet[] {
  const values = parseState(state).values;
  return values === undefined ? [] : facetList(values);
}

function parseState(state: unknown): SignatureState {
  const s = state as Partial<SignatureState> | null;
  if (
    s === null || typeof s !== "object" || s.v !== 1 || !Array.isArray(s.tokens) ||
    !Array.isArray(s.variable) || !Array.isArray(s.runs) || typeof s.tailKey !== "string" ||
    typeof s.tailText !== "string" || typeof s.weight !== "number"
  ) {
    throw new Error("Cannot restore miner: malformed signature state");
  }
  return s as SignatureState;
}
