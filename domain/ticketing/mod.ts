/**
 * Mapping remote support tickets (Zendesk) onto Loupe's, and the rules of
 * two-way sync (origins, material impact changes, regressions).
 *
 * @module
 */
export * from "./mapping.ts";
export * from "./sync_rules.ts";
