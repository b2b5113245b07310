/**
 * The hexagon's import rules, as one function both the lint plugin and the
 * test that walks the tree use.
 *
 * - domain/ imports only domain/: no npm, no node:, no Deno.
 * - ports/ imports domain/ and ports/.
 * - adapters/ imports domain/, ports/, adapters/ and packages, never src/.
 * - src/ imports domain/, ports/, src/ and packages; only the wiring
 *   (the entry points in src/main/, and src/app/compose.ts) may import
 *   adapters/.
 * - simulation/ (the scenario generator and developer CLIs) uses the
 *   product as it likes; the product (domain/, ports/, adapters/, src/)
 *   never imports it.
 * - Tests (`*_test.ts`, test/) may import anything.
 */
/** The entry points (`deno task serve`, `replay`…), each wiring its own adapters. */
const ENTRY_POINTS = "src/main/";
/** The one function that builds the whole application, for `serve` and the tests. */
const COMPOSE = "src/app/compose.ts";

function wires(file: string): boolean {
  return file === COMPOSE || file.startsWith(ENTRY_POINTS);
}

const LAYERS = ["domain", "ports", "adapters", "src", "simulation", "test", "fixtures"] as const;
type Layer = (typeof LAYERS)[number];

function layerOf(path: string): Layer | undefined {
  const top = path.split("/")[0];
  return LAYERS.find((layer) => layer === top);
}

/** Resolves `specifier` imported from `file` (both relative to the repo root). */
function resolveRelative(file: string, specifier: string): string {
  const parts = file.split("/").slice(0, -1);
  for (const segment of specifier.split("/")) {
    if (segment === "." || segment === "") continue;
    if (segment === "..") parts.pop();
    else parts.push(segment);
  }
  return parts.join("/");
}

/** Why `file` may not import `specifier`, or undefined when it may. */
export function importViolation(file: string, specifier: string): string | undefined {
  const from = layerOf(file);
  if (from === undefined || from === "test" || file.endsWith("_test.ts")) return undefined;
  const relative = specifier.startsWith("./") || specifier.startsWith("../");
  const target = relative ? layerOf(resolveRelative(file, specifier)) : undefined;
  switch (from) {
    case "domain":
      if (!relative) return `domain/ must stay pure: ${file} imports the package ${specifier}`;
      if (target !== "domain") return `domain/ imports only domain/: ${file} imports ${specifier}`;
      return undefined;
    case "ports":
      if (!relative) return `ports/ must not depend on packages: ${file} imports ${specifier}`;
      if (target !== "domain" && target !== "ports") {
        return `ports/ imports only domain/ and ports/: ${file} imports ${specifier}`;
      }
      return undefined;
    case "adapters":
      if (target === "src" || target === "test" || target === "simulation") {
        return `adapters/ never import ${target}/: ${file} imports ${specifier}`;
      }
      return undefined;
    case "src":
      if (target === "adapters" && !wires(file)) {
        return `only the wiring files (${ENTRY_POINTS}, ${COMPOSE}) may import adapters/: ${file} imports ${specifier}`;
      }
      if (target === "test" || target === "simulation") {
        return `src/ never imports ${target}/: ${file} imports ${specifier}`;
      }
      return undefined;
    case "simulation":
      if (target === "test") return `simulation/ never imports test/: ${file} imports ${specifier}`;
      return undefined;
    default:
      return undefined;
  }
}

/** Every module specifier a TypeScript source imports or re-exports statically. */
export function importSpecifiers(source: string): string[] {
  const found: string[] = [];
  const pattern =
    /^\s*(?:import|export)\s[^'"]*?\bfrom\s*["']([^"']+)["']|^\s*import\s*["']([^"']+)["']/gm;
  for (const match of source.matchAll(pattern)) found.push(match[1] ?? match[2]!);
  const dynamic = /\bimport\(\s*["']([^"']+)["']\s*\)/g;
  for (const match of source.matchAll(dynamic)) found.push(match[1]!);
  return found;
}
