import assert from "node:assert/strict";
import { fileLogSourceContract } from "../../test/contracts/log_source_contract.ts";
import { parallelFileLogSource } from "./parallel_file_source.ts";

fileLogSourceContract("parallel file", parallelFileLogSource);

Deno.test("a path that cannot be read fails with the reason, from the worker", async () => {
  const source = parallelFileLogSource("/nonexistent/loupe/logs", { referenceTime: 0 });
  await assert.rejects(async () => {
    for await (const _ of source.batches(10)) { /* nothing to read */ }
  }, /nonexistent\/loupe\/logs/);
});

Deno.test("a header recognizer, a function, is refused rather than lost on the way to a worker", () => {
  assert.throws(
    () => parallelFileLogSource("/tmp", { referenceTime: 0, headerRecognizer: () => undefined }),
    /header recognizer/,
  );
});
