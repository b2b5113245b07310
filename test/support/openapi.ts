import assert from "node:assert/strict";
import { Ajv2020 } from "ajv/dist/2020.js";
import type { OpenApiDocument } from "../../adapters/http/openapi.ts";

/** Responses checked against an OpenAPI document, with Ajv (JSON Schema 2020-12). */
export class ResponseValidator {
  readonly #ajv = new Ajv2020({ strict: false, allErrors: true });
  readonly #document: OpenApiDocument;
  readonly #compiled = new Map<string, ReturnType<Ajv2020["compile"]>>();

  constructor(document: OpenApiDocument) {
    this.#document = document;
  }

  /** Each JSON response schema as a standalone schema; `#/components` become `#/$defs`. */
  compileAll(): number {
    let count = 0;
    for (const [path, operations] of Object.entries(this.#document.paths)) {
      for (const [method, operation] of Object.entries(operations)) {
        for (const status of Object.keys(operation!.responses)) {
          if (this.#schema(method, path, status) !== undefined) count++;
        }
      }
    }
    return count;
  }

  /** Asserts a real response matches what the document says of it (status and body). */
  async check(method: string, path: string, response: Response): Promise<unknown> {
    const status = String(response.status);
    const operation = this.#document.paths[path]?.[method as "get"];
    assert.ok(operation, `${method} ${path} is not in the document`);
    assert.ok(status in operation.responses, `${method} ${path} does not document ${status}`);
    const type = (response.headers.get("content-type") ?? "").split(";")[0]!;
    if (type !== "application/json") return undefined;
    const body = await response.json();
    const validate = this.#schema(method, path, status);
    assert.ok(validate, `${method} ${path} ${status} has no JSON schema`);
    assert.ok(
      validate(body),
      `${method} ${path} ${status}: ${JSON.stringify(validate.errors)} in ${
        JSON.stringify(body).slice(0, 300)
      }`,
    );
    return body;
  }

  #schema(method: string, path: string, status: string) {
    const key = `${method} ${path} ${status}`;
    const cached = this.#compiled.get(key);
    if (cached !== undefined) return cached;
    const response = this.#document.paths[path]?.[method as "get"]?.responses[status] as
      | { content?: Record<string, { schema: object }> }
      | undefined;
    const schema = response?.content?.["application/json"]?.schema;
    if (schema === undefined) return undefined;
    const standalone = JSON.parse(
      JSON.stringify({ ...schema, $defs: this.#document.components.schemas })
        .replaceAll('"#/components/schemas/', '"#/$defs/'),
    );
    const validate = this.#ajv.compile(standalone);
    this.#compiled.set(key, validate);
    return validate;
  }
}
