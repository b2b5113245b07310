/**
 * Engineering priorities: issues ranked by customer impact, trend, ticket
 * volume and support cost.
 *
 * @module
 */
export * from "./rank.ts";
