/**
 * Pure geometry of the console's SVG charts: value ranges to pixel boxes and
 * readable tick values. Kept apart from the markup so its invariants can be
 * stated as properties.
 */

export interface Box {
  readonly left: number;
  readonly top: number;
  readonly width: number;
  readonly height: number;
}

export interface Scale {
  (value: number): number;
  readonly domain: readonly [number, number];
}

/**
 * A linear map of [min, max] onto [from, to]; a flat domain maps to the middle
 * so a constant series draws as a line, not as nothing.
 */
export function linearScale(min: number, max: number, from: number, to: number): Scale {
  const span = max - min;
  const scale = ((value: number) => {
    if (!(span > 0)) return (from + to) / 2;
    const clamped = Math.min(max, Math.max(min, value));
    return from + ((clamped - min) / span) * (to - from);
  }) as Scale;
  (scale as { domain: readonly [number, number] }).domain = [min, max];
  return scale;
}

/** The value range a chart shows: every value and threshold, with zero when all are positive. */
export function valueRange(values: readonly number[]): [number, number] {
  const finite = values.filter(Number.isFinite);
  if (finite.length === 0) return [0, 1];
  let min = Math.min(0, ...finite);
  let max = Math.max(...finite);
  if (max === min) max = min + 1;
  // Room above the highest point so a breach marker is not cut by the frame.
  max += (max - min) * 0.08;
  if (min < 0) min -= (max - min) * 0.08;
  return [min, max];
}

/** Up to `count` + 1 round tick values (1, 2 or 5 × 10^n apart) covering [min, max]. */
export function ticks(min: number, max: number, count = 4): number[] {
  if (!(max > min)) return [min];
  const rough = (max - min) / count;
  const magnitude = 10 ** Math.floor(Math.log10(rough));
  const step = [1, 2, 5, 10].map((m) => m * magnitude).find((s) => s >= rough) ?? rough;
  const values: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) {
    const rounded = Number(v.toPrecision(12));
    // Rounding for display must not carry a tick outside the frame.
    if (rounded >= min && rounded <= max && !(rounded <= (values.at(-1) ?? -Infinity))) {
      values.push(rounded);
    }
  }
  return values.length === 0 ? [min] : values;
}

/** Compact numbers for axes and labels: 1.2k, 3.4M, 0.05. */
export function shortNumber(value: number): string {
  const abs = Math.abs(value);
  if (abs >= 1e6) return `${trim(value / 1e6)}M`;
  if (abs >= 1e3) return `${trim(value / 1e3)}k`;
  if (abs === 0 || abs >= 1) return trim(value);
  return String(Number(value.toPrecision(2)));
}

function trim(value: number): string {
  return String(Number(value.toFixed(Math.abs(value) >= 100 ? 0 : 1)));
}
