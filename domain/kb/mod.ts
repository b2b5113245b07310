/**
 * The knowledge base's pure core: articles as an aggregate, feedback,
 * text analysis and ranking, suggestions with reasons.
 *
 * @module
 */
export * from "./article.ts";
export * from "./feedback.ts";
export * from "./suggest.ts";
export * from "./recent.ts";
export * from "./retrieval.ts";
export * from "./eval.ts";
export { type FieldedDoc, FieldIndex, type Hit } from "./rank.ts";
export { analyze, stems, type Term } from "./text.ts";
export { highlight } from "./highlight.ts";
export { allowedEdits, closestWord, editDistance } from "./typo.ts";
export * from "./drafts.ts";
export * from "./gaps.ts";
