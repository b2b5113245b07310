import assert from "node:assert/strict";
import { importSpecifiers, importViolation } from "./import_direction.ts";

const root = new URL("../../", import.meta.url).pathname;

async function* sourceFiles(dir: string): AsyncGenerator<string> {
  for await (const entry of Deno.readDir(`${root}${dir}`)) {
    const path = `${dir}/${entry.name}`;
    if (entry.isDirectory) yield* sourceFiles(path);
    else if (entry.name.endsWith(".ts")) yield path;
  }
}

Deno.test("no source file imports across the hexagon the wrong way", async () => {
  const violations: string[] = [];
  let files = 0;
  for (const dir of ["domain", "ports", "adapters", "src", "simulation"]) {
    for await (const file of sourceFiles(dir)) {
      files++;
      const source = await Deno.readTextFile(`${root}${file}`);
      for (const specifier of importSpecifiers(source)) {
        const violation = importViolation(file, specifier);
        if (violation !== undefined) violations.push(violation);
      }
    }
  }
  assert.ok(files > 10, `expected to check the source tree, found ${files} files`);
  assert.deepEqual(violations, []);
});

Deno.test("the rule refuses each wrong direction and allows the right ones", () => {
  assert.match(importViolation("domain/a.ts", "zod")!, /pure/);
  assert.match(importViolation("domain/a.ts", "../ports/clock.ts")!, /only domain/);
  assert.match(importViolation("ports/a.ts", "../adapters/x.ts")!, /only domain/);
  assert.match(
    importViolation("adapters/http/app.ts", "../../src/app/loupe.ts")!,
    /never import src/,
  );
  assert.match(
    importViolation("src/signatures/queries.ts", "../../adapters/lmdb/event_store.ts")!,
    /wiring/,
  );
  assert.equal(
    importViolation("src/main/serve.ts", "../../adapters/lmdb/event_store.ts"),
    undefined,
  );
  assert.equal(importViolation("src/app/compose.ts", "../../adapters/http/app.ts"), undefined);
  assert.match(
    importViolation("src/app/loupe.ts", "../../adapters/lmdb/event_store.ts")!,
    /wiring/,
  );
  assert.equal(importViolation("domain/mining/mod.ts", "./tokens.ts"), undefined);
  assert.equal(importViolation("domain/a_test.ts", "fast-check"), undefined);
  assert.equal(importViolation("adapters/http/app.ts", "../../ports/errors.ts"), undefined);
  assert.match(
    importViolation("src/app/loupe.ts", "../../simulation/scenario.ts")!,
    /never imports/,
  );
  assert.match(importViolation("adapters/cli/config.ts", "../../simulation/rng.ts")!, /never/);
  assert.match(importViolation("domain/a.ts", "../simulation/rng.ts")!, /only domain/);
  assert.equal(importViolation("simulation/simulate.ts", "../adapters/cli/config.ts"), undefined);
  assert.equal(importViolation("simulation/sinks/http_sink.ts", "../scenario.ts"), undefined);
});

Deno.test("import specifiers are found in every static and dynamic form", () => {
  const source = [
    'import { a } from "./a.ts";',
    'import type { B } from "../b.ts";',
    'export { c } from "./c.ts";',
    'export * from "./d.ts";',
    'import "./e.ts";',
    'const f = await import("./f.ts");',
    "import {",
    "  g,",
    '} from "./g.ts";',
  ].join("\n");
  assert.deepEqual(importSpecifiers(source).sort(), [
    "../b.ts",
    "./a.ts",
    "./c.ts",
    "./d.ts",
    "./e.ts",
    "./f.ts",
    "./g.ts",
  ]);
});
