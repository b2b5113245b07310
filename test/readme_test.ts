/**
 * The README's "Use Loupe from your code" examples, run as written: each
 * `ts` block of that section, with `loupe/` mapped to this repository.
 */
import assert from "node:assert/strict";

const root = new URL("../", import.meta.url);
const readme = await Deno.readTextFile(new URL("README.md", root));
const section = readme.split("\n## Use Loupe from your code\n")[1]?.split("\n## ")[0] ?? "";
const blocks = [...section.matchAll(/```ts\n([\s\S]*?)```/g)].map((m) => m[1]!);

Deno.test("the README shows three uses of the domain module", () => {
  assert.equal(blocks.length, 3);
  for (const block of blocks) assert.match(block, /from "loupe\/mod\.ts"/);
});

for (const [index, block] of blocks.entries()) {
  Deno.test(`README use ${index + 1} runs`, async () => {
    const dir = await Deno.makeTempDir({ prefix: "loupe-readme-" });
    const file = `${dir}/use_${index + 1}.ts`;
    await Deno.writeTextFile(file, block.replaceAll('"loupe/', `"${new URL("./", root).href}`));
    const log = console.log;
    console.log = () => {};
    try {
      await import(new URL(`file://${file}`).href);
    } finally {
      console.log = log;
      await Deno.remove(dir, { recursive: true });
    }
  });
}
