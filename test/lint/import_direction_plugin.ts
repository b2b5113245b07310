/** `deno lint` plugin: reports imports that cross the hexagon the wrong way. */
import { importViolation } from "./import_direction.ts";

const root = new URL("../../", import.meta.url).pathname;

const plugin: Deno.lint.Plugin = {
  name: "loupe",
  rules: {
    "import-direction": {
      create(context) {
        const file = context.filename.startsWith(root)
          ? context.filename.slice(root.length)
          : context.filename;
        const check = (node: Deno.lint.Node, specifier: string) => {
          const violation = importViolation(file, specifier);
          if (violation !== undefined) context.report({ node, message: violation });
        };
        return {
          ImportDeclaration(node) {
            check(node, node.source.value);
          },
          ExportNamedDeclaration(node) {
            if (node.source) check(node, node.source.value);
          },
          ExportAllDeclaration(node) {
            check(node, node.source.value);
          },
        };
      },
    },
  },
};

export default plugin;
