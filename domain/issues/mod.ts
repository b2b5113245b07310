/**
 * Issues: the signatures of one problem grouped (explainably), when such a
 * problem is new or surging, and the latest time the data can be trusted.
 *
 * @module
 */
export * from "./detect.ts";
export * from "./grouping.ts";
export * from "./as_of.ts";
export * from "./lifecycle.ts";
