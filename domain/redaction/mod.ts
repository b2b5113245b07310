/**
 * Redaction before storage: detectors for personal data and secrets, and
 * their replacement by typed, keyed pseudonyms (`<email:7f3a9c>`).
 *
 * @module
 */
export * from "./checks.ts";
export { BUILT_IN_TYPES, type BuiltInType } from "./detectors.ts";
export * from "./redactor.ts";
export { redactTicketCommand } from "./tickets.ts";
export { redactArticleCommand } from "./articles.ts";
export { PrivateKeyFollower } from "./private_key.ts";
