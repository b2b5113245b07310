/**
 * A batch of messages reduced to what the miner decides on: the distinct
 * skeletons (masked tokens; for a multi-line record, its head's and its
 * tail's key), which skeleton each message has, and the first message of
 * each. Equal skeletons always get the same signature, so the miner answers a
 * skeleton once per batch, and the reduction (most of mining's work) can run
 * where the messages were parsed.
 *
 * @module
 */
import { splitRecord } from "./_multiline.ts";
import { hashKey, Skeleton, skeletonKey } from "./_tokenize.ts";

export interface SkeletonBatch {
  /** The distinct skeleton keys, in the order they first appear. */
  readonly keys: readonly string[];
  /** The first message with each key: what a skeleton new to the miner is mined from. */
  readonly examples: readonly string[];
  /** Per message, the index of its key. */
  readonly skeletonOf: Int32Array<ArrayBuffer>;
}

const SKELETON = new Skeleton();

/**
 * Reduces a batch of messages to its skeletons.
 *
 * @example
 * ```ts
 * import { skeletonsOf } from "./skeletons.ts";
 * import assert from "node:assert/strict";
 * const batch = skeletonsOf(["took 35 tries", "disk full", "took 120 tries"]);
 * assert.deepEqual(batch.keys, ["took <*> tries", "disk full"]);
 * assert.deepEqual(batch.examples, ["took 35 tries", "disk full"]);
 * assert.deepEqual([...batch.skeletonOf], [0, 1, 0]);
 * ```
 */
export function skeletonsOf(messages: readonly string[]): SkeletonBatch {
  const keys: string[] = [];
  const examples: string[] = [];
  const skeletonOf = new Int32Array(messages.length);
  // Key hash -> first index with that hash; `sameHash` chains the others.
  const byHash = new Map<number, number>();
  const sameHash: number[] = [];
  const sk = SKELETON;
  for (let i = 0; i < messages.length; i++) {
    const message = messages[i]!;
    // A single-line skeleton is compared piece by piece, without building
    // its key: most messages repeat a skeleton seen earlier in the batch.
    const singleLine = sk.read(message);
    const key = singleLine ? undefined : multiLineKey(message);
    const hash = singleLine ? sk.hash : hashKey(key!);
    const head = byHash.get(hash) ?? -1;
    let k = head;
    while (k >= 0 && !(singleLine ? sk.equals(keys[k]!) : keys[k] === key)) k = sameHash[k]!;
    if (k < 0) {
      k = keys.length;
      keys.push(key ?? sk.key());
      examples.push(message);
      sameHash.push(head);
      byHash.set(hash, k);
    }
    skeletonOf[i] = k;
  }
  return { keys, examples, skeletonOf };
}

/** The key of a multi-line record: the skeleton of its head and the key of its tail. */
function multiLineKey(message: string): string {
  const parts = splitRecord(message);
  return (skeletonKey(parts.head) ?? "") + parts.tailKey;
}
