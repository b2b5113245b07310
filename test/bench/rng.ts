/** The benches' seeded generator (mulberry32), so bench data is the same every run. */
export { mulberry32 as rng } from "../support/random.ts";
