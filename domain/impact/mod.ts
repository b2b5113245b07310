/**
 * Customer impact of a signature: who it hits, how badly (weighted by tier
 * and contract value) and how it spreads.
 *
 * @module
 */
export * from "./impact.ts";
