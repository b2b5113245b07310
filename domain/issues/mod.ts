/**
 * Detected issues: a new error signature, or one surging above its own
 * baseline, as support should hear about it.
 *
 * @module
 */
export * from "./detect.ts";
