/**
 * A small gradient-boosted regression tree model for quantile losses (the
 * median is the 0.5 quantile). Features arrive already binned: a categorical
 * feature's bin is its category code, a numeric feature's bin keeps its order.
 * Categorical splits sort the categories of a node by their mean gradient
 * (Fisher's grouping, as LightGBM does), so one split can put any subset of
 * categories on each side. Pure and deterministic: no randomness, no clock.
 *
 * @module
 */

/** One input column, binned: `bins[row]` in `[0, binCount)`. */
export interface BinnedFeature {
  readonly name: string;
  readonly kind: "categorical" | "numeric";
  readonly binCount: number;
  readonly bins: Uint16Array;
}

export interface GbmOptions {
  /** The quantile to fit, in (0, 1): 0.5 fits the conditional median. */
  readonly quantile: number;
  readonly trees: number;
  readonly learningRate: number;
  readonly maxDepth: number;
  readonly minLeafWeight: number;
  /** Added to a side's weight when scoring a split: damps splits on a handful of rows. */
  readonly l2: number;
}

export const DEFAULT_GBM_OPTIONS: GbmOptions = {
  quantile: 0.5,
  trees: 200,
  learningRate: 0.05,
  maxDepth: 4,
  minLeafWeight: 20,
  l2: 10,
};

/**
 * One shape for leaves and splits, so walking a tree stays monomorphic (a
 * union of two shapes made prediction the slowest part of a backtest).
 */
export interface Node {
  /** The split's feature; -1 for a leaf. */
  readonly feature: number;
  /** A leaf's contribution; 0 on a split. */
  readonly value: number;
  /** `goesLeft[bin]` is 1 when rows of that bin take the left branch. */
  readonly goesLeft: Uint8Array;
  readonly left: Node | null;
  readonly right: Node | null;
}

const NO_BINS = new Uint8Array(0);

/** The leaf a row reaches. */
export function leafOf(tree: Node, rowBins: ArrayLike<number>): Node {
  let node = tree;
  while (node.feature >= 0) {
    node = node.goesLeft[rowBins[node.feature]!] === 1 ? node.left! : node.right!;
  }
  return node;
}

/** A fitted model: a base value plus the trees' contributions. */
export interface GbmModel {
  readonly base: number;
  readonly trees: readonly Node[];
  readonly featureNames: readonly string[];
}

/** The model's value for one row given its bins, using the first `treeCount` trees. */
export function predictRow(
  model: GbmModel,
  rowBins: ArrayLike<number>,
  treeCount = model.trees.length,
): number {
  let value = model.base;
  for (let t = 0; t < treeCount; t++) {
    value += leafOf(model.trees[t]!, rowBins).value;
  }
  return value;
}

/** Each tree's contribution for one row, in tree order: the path to explain a prediction. */
export function treeContributions(model: GbmModel, rowBins: ArrayLike<number>): Float64Array {
  const out = new Float64Array(model.trees.length);
  for (let t = 0; t < model.trees.length; t++) {
    out[t] = leafOf(model.trees[t]!, rowBins).value;
  }
  return out;
}

/**
 * Fits the model to `target` with per-row `weights`. `onTree` sees the
 * running predictions after each tree, for early stopping on held-out rows.
 *
 * `censored[i]` = 1 marks a row whose target is a lower bound only (a ticket
 * still open, its target the log of how long it had been open): known only
 * to lie above it. Its loss is the pinball loss's upper branch up to the
 * bound, tau · max(0, bound − prediction), nothing above it: it pushes the
 * quantile up while the prediction lies below the bound, never down. Left
 * out, a group of which many never resolve is fitted on its quick ones.
 */
export function fitGbm(
  features: readonly BinnedFeature[],
  target: Float64Array,
  weights: Float64Array,
  options: GbmOptions,
  onTree?: (treeIndex: number, model: GbmModel) => void,
  censored?: Uint8Array,
): GbmModel {
  const n = target.length;
  const tau = options.quantile;
  const base = weightedQuantile(target, weights, allRows(n), tau, censored);
  const current = new Float64Array(n).fill(base);
  const gradient = new Float64Array(n);
  const trees: Node[] = [];
  const model = { base, trees, featureNames: features.map((f) => f.name) };
  for (let t = 0; t < options.trees; t++) {
    // Pinball loss: the negative gradient is tau above the quantile, tau - 1 below; a censored
    // row's is tau below its bound and 0 at or above it.
    for (let i = 0; i < n; i++) {
      gradient[i] = target[i]! > current[i]! ? tau : censored?.[i] === 1 ? 0 : tau - 1;
    }
    const tree = growNode(
      features,
      target,
      weights,
      gradient,
      current,
      allRows(n),
      0,
      options,
      undefined,
      censored,
    );
    trees.push(tree);
    for (let i = 0; i < n; i++) {
      let node = tree;
      while (node.feature >= 0) {
        node = node.goesLeft[features[node.feature]!.bins[i]!] === 1 ? node.left! : node.right!;
      }
      current[i] = current[i]! + node.value;
    }
    onTree?.(t, model);
  }
  return model;
}

function allRows(n: number): Int32Array {
  const rows = new Int32Array(n);
  for (let i = 0; i < n; i++) rows[i] = i;
  return rows;
}

function growNode(
  features: readonly BinnedFeature[],
  target: Float64Array,
  weights: Float64Array,
  gradient: Float64Array,
  current: Float64Array,
  rows: Int32Array,
  depth: number,
  options: GbmOptions,
  histograms?: Histograms,
  censored?: Uint8Array,
): Node {
  const split = depth < options.maxDepth && canSplit(rows, options)
    ? bestSplit(features, histograms ?? buildHistograms(features, weights, gradient, rows), options)
    : undefined;
  if (split === undefined) {
    // The leaf moves its rows toward the quantile of their residuals.
    const residual = new Float64Array(rows.length);
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      residual[k] = target[i]! - current[i]!;
    }
    let uniform = true;
    for (let k = 0; k < rows.length && uniform; k++) {
      uniform = weights[rows[k]!] === 1 && censored?.[rows[k]!] !== 1;
    }
    let value: number;
    if (uniform) {
      // Equal weights: a native numeric sort, several times faster than sorting row indexes.
      residual.sort();
      value = residual[Math.max(0, Math.ceil(options.quantile * rows.length) - 1)] ?? 0;
    } else {
      const local = new Float64Array(rows.length);
      const localCensored = censored === undefined ? undefined : new Uint8Array(rows.length);
      for (let k = 0; k < rows.length; k++) {
        local[k] = weights[rows[k]!]!;
        if (localCensored !== undefined) localCensored[k] = censored![rows[k]!]!;
      }
      value = weightedQuantile(
        residual,
        local,
        allRows(rows.length),
        options.quantile,
        localCensored,
      );
    }
    return {
      feature: -1,
      value: value * options.learningRate,
      goesLeft: NO_BINS,
      left: null,
      right: null,
    };
  }
  const bins = features[split.feature]!.bins;
  let leftCount = 0;
  for (let k = 0; k < rows.length; k++) leftCount += split.goesLeft[bins[rows[k]!]!]!;
  const left = new Int32Array(leftCount);
  const right = new Int32Array(rows.length - leftCount);
  let l = 0;
  let r = 0;
  for (let k = 0; k < rows.length; k++) {
    const i = rows[k]!;
    if (split.goesLeft[bins[i]!] === 1) left[l++] = i;
    else right[r++] = i;
  }
  // LightGBM's subtraction trick: histogram the smaller child, the larger is the parent minus it.
  let leftHistograms: Histograms | undefined;
  let rightHistograms: Histograms | undefined;
  if (depth + 1 < options.maxDepth && (canSplit(left, options) || canSplit(right, options))) {
    const parent = histograms ?? buildHistograms(features, weights, gradient, rows);
    if (left.length <= right.length) {
      leftHistograms = buildHistograms(features, weights, gradient, left);
      rightHistograms = subtractHistograms(parent, leftHistograms);
    } else {
      rightHistograms = buildHistograms(features, weights, gradient, right);
      leftHistograms = subtractHistograms(parent, rightHistograms);
    }
  }
  const grow = (part: Int32Array, h: Histograms | undefined) =>
    growNode(features, target, weights, gradient, current, part, depth + 1, options, h, censored);
  return {
    feature: split.feature,
    value: 0,
    goesLeft: split.goesLeft,
    left: grow(left, leftHistograms),
    right: grow(right, rightHistograms),
  };
}

/** Per feature and bin, the sums of weighted gradients and of weights over some rows. */
interface Histograms {
  readonly g: readonly Float64Array[];
  readonly w: readonly Float64Array[];
}

/** Weights never exceed 1, so fewer rows than two leaves' minimum weight cannot split. */
function canSplit(rows: Int32Array, options: GbmOptions): boolean {
  return rows.length >= 2 * options.minLeafWeight;
}

function buildHistograms(
  features: readonly BinnedFeature[],
  weights: Float64Array,
  gradient: Float64Array,
  rows: Int32Array,
): Histograms {
  const g: Float64Array[] = [];
  const w: Float64Array[] = [];
  for (const feature of features) {
    const sumG = new Float64Array(feature.binCount);
    const sumW = new Float64Array(feature.binCount);
    const bins = feature.bins;
    for (let k = 0; k < rows.length; k++) {
      const i = rows[k]!;
      const b = bins[i]!;
      const weight = weights[i]!;
      sumG[b] = sumG[b]! + gradient[i]! * weight;
      sumW[b] = sumW[b]! + weight;
    }
    g.push(sumG);
    w.push(sumW);
  }
  return { g, w };
}

function subtractHistograms(parent: Histograms, child: Histograms): Histograms {
  const minus = (a: Float64Array, b: Float64Array) => {
    const out = new Float64Array(a.length);
    for (let i = 0; i < a.length; i++) out[i] = a[i]! - b[i]!;
    return out;
  };
  return {
    g: parent.g.map((a, f) => minus(a, child.g[f]!)),
    w: parent.w.map((a, f) => minus(a, child.w[f]!)),
  };
}

/** Below this a subtracted bin weight is rounding error, not rows. */
const EMPTY = 1e-9;

interface Split {
  readonly feature: number;
  readonly goesLeft: Uint8Array;
  readonly gain: number;
}

function bestSplit(
  features: readonly BinnedFeature[],
  histograms: Histograms,
  options: GbmOptions,
): Split | undefined {
  let totalG = 0;
  let totalW = 0;
  const firstG = histograms.g[0];
  const firstW = histograms.w[0];
  if (firstG === undefined || firstW === undefined) return undefined;
  for (let b = 0; b < firstG.length; b++) {
    totalG += firstG[b]!;
    totalW += firstW[b]!;
  }
  if (totalW < 2 * options.minLeafWeight) return undefined;
  const parentScore = (totalG * totalG) / (totalW + options.l2);
  let best: Split | undefined;
  for (let f = 0; f < features.length; f++) {
    const feature = features[f]!;
    const sumG = histograms.g[f]!;
    const sumW = histograms.w[f]!;
    const order: number[] = [];
    for (let b = 0; b < feature.binCount; b++) if (sumW[b]! > EMPTY) order.push(b);
    if (order.length < 2) continue;
    if (feature.kind === "categorical") {
      // Smoothed mean gradient: a category seen on two rows does not lead the order.
      const key = new Float64Array(feature.binCount);
      for (const b of order) key[b] = sumG[b]! / (sumW[b]! + options.l2);
      order.sort((a, b) => key[a]! - key[b]!);
    }
    let leftG = 0;
    let leftW = 0;
    let bestCut = -1;
    let bestGain = 0;
    for (let cut = 0; cut < order.length - 1; cut++) {
      const b = order[cut]!;
      leftG += sumG[b]!;
      leftW += sumW[b]!;
      const rightW = totalW - leftW;
      if (leftW < options.minLeafWeight || rightW < options.minLeafWeight) continue;
      const rightG = totalG - leftG;
      const gain = (leftG * leftG) / (leftW + options.l2) +
        (rightG * rightG) / (rightW + options.l2) - parentScore;
      if (gain > bestGain) {
        bestGain = gain;
        bestCut = cut;
      }
    }
    if (bestCut >= 0 && (best === undefined || bestGain > best.gain)) {
      const goesLeft = new Uint8Array(feature.binCount);
      if (feature.kind === "categorical") {
        for (let c = 0; c <= bestCut; c++) goesLeft[order[c]!] = 1;
      } else {
        // Bins not seen in this node follow their numeric neighbours.
        const threshold = order[bestCut]!;
        for (let b = 0; b <= threshold; b++) goesLeft[b] = 1;
      }
      best = { feature: f, goesLeft, gain: bestGain };
    }
  }
  return best;
}

/**
 * The weighted `q` quantile of `values[rows]`: the smallest value whose
 * cumulative weight reaches `q` of the total. Rows marked in `censored` are
 * lower bounds (see `fitGbm`): the minimizer of their loss with the others'
 * pinball loss is the smallest v at which the weight of uncensored values at
 * or below v reaches `q` of the uncensored weight plus the censored weight
 * whose bound lies above v (a censored row counts as above v while v is below
 * its bound, and drops out past it). With none censored it is the plain one.
 *
 * @example
 * ```ts
 * import { weightedQuantile } from "./gbm.ts";
 * import assert from "node:assert/strict";
 * const values = new Float64Array([5, 1, 3]);
 * const weights = new Float64Array([1, 1, 1]);
 * assert.equal(weightedQuantile(values, weights, new Int32Array([0, 1, 2]), 0.5), 3);
 * ```
 */
export function weightedQuantile(
  values: Float64Array,
  weights: Float64Array,
  rows: Int32Array,
  q: number,
  censored?: Uint8Array,
): number {
  if (rows.length === 0) return 0;
  const sorted = Array.from(rows).sort((a, b) => values[a]! - values[b]!);
  let total = 0;
  for (const i of sorted) total += weights[i]!;
  let running = 0;
  if (censored === undefined) {
    const goal = q * total;
    for (const i of sorted) {
      running += weights[i]!;
      if (running >= goal) return values[i]!;
    }
    return values[sorted[sorted.length - 1]!]!;
  }
  // `total` less the censored weight whose bound is at or below v so far.
  let counted = total;
  for (const i of sorted) {
    if (censored[i] === 1) counted -= weights[i]!;
    else running += weights[i]!;
    if (running >= q * counted) return values[i]!;
  }
  return values[sorted[sorted.length - 1]!]!;
}
