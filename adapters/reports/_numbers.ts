/** A number JSON can carry: NaN and the infinities become null. */
export function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
