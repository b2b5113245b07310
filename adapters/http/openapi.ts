/**
 * The OpenAPI 3.1 document, generated from the zod schemas the routes
 * validate with: one source of truth. Each route file exports its own
 * `RouteDoc` list beside its routes (adding a route = one entry next to
 * it); `openApiDocument` puts them together, and `openApiRoutes` serves the
 * document at `GET /openapi.json` and a viewer at `GET /docs`.
 */
import { Hono } from "hono";
import { z } from "zod";
import { LoupeError } from "../../ports/errors.ts";

type HttpMethod = "get" | "post" | "put" | "patch" | "delete";

/** One response a route gives: a JSON schema, or another media type described in words. */
export interface ResponseDoc {
  readonly description: string;
  /** The JSON body; absent for a body that is not JSON or is empty. */
  readonly schema?: z.ZodType;
  /**
   * For a body that is not JSON (CSV, Prometheus text, HTML, protobuf); with
   * `schema` too, the route answers either, as the request asks.
   */
  readonly mediaType?: string;
}

/** What the document says about one route. */
export interface RouteDoc {
  readonly method: HttpMethod;
  /** Hono's form, `/v1/tickets/:id`: the document shows `{id}`. */
  readonly path: string;
  readonly summary: string;
  readonly description?: string;
  readonly tag: string;
  /** The query schema the handler parses. */
  readonly query?: z.ZodObject;
  /** Request bodies by media type; the schema for JSON ones. */
  readonly body?: Readonly<Record<string, z.ZodType | string>>;
  /** Successful responses by status; errors use the one error shape. */
  readonly responses: Readonly<Record<number, ResponseDoc>>;
  /** Error statuses this route can answer with (400, 401/403 with an API key, 500 always). */
  readonly errors?: readonly number[];
  /** Only an admin may call it (erasure, retention). */
  readonly admin?: boolean;
}

/** The one error shape, as every failed request returns it. */
export const errorSchema = z.object({
  error: z.object({
    code: z.string().describe("machine-readable, e.g. validation_failed, not_found"),
    message: z.string(),
    details: z.record(z.string(), z.unknown()).optional(),
  }),
});

const ERROR_DESCRIPTIONS: Record<number, string> = {
  400: "The request is not valid: see the message and details",
  401: "No token, or an unknown or revoked one (once the server has tokens or an API key)",
  403: "The token may not do this (its role or its customer)",
  404: "No such resource",
  409: "A conflicting change: an illegal transition or a concurrent write",
  412: "If-Match names a version that is no longer current",
  413: "The body is larger than the limit",
  415: "The body's media type or encoding is not supported",
  429: "Too many requests at once: retry after Retry-After seconds",
  500: "An internal error",
  503: "Loupe cannot store now: retry after Retry-After seconds",
};

const PATH_PARAM = /:([A-Za-z_][A-Za-z0-9_]*)/g;

/**
 * `/v1/tickets/:id` as OpenAPI writes it: `/v1/tickets/{id}`.
 *
 * @example
 * ```ts
 * import { openApiPath } from "./openapi.ts";
 * import assert from "node:assert/strict";
 * assert.equal(openApiPath("/v1/tickets/:id/links/signatures/:signatureId"), "/v1/tickets/{id}/links/signatures/{signatureId}");
 * ```
 */
export function openApiPath(honoPath: string): string {
  return honoPath.replace(PATH_PARAM, "{$1}");
}

/**
 * Builds the document from every route's doc.
 *
 * @example
 * ```ts
 * import { openApiDocument } from "./openapi.ts";
 * import { z } from "zod";
 * import assert from "node:assert/strict";
 * const document = openApiDocument([{
 *   method: "get",
 *   path: "/v1/things/:id",
 *   summary: "One thing",
 *   tag: "things",
 *   query: z.object({ limit: z.coerce.number().int().optional() }),
 *   responses: { 200: { description: "the thing", schema: z.object({ id: z.string() }) } },
 * }], { version: "1.0.0" });
 * const operation = document.paths["/v1/things/{id}"]?.get;
 * assert.deepEqual(operation?.parameters.map((p) => p.name), ["id", "limit"]);
 * ```
 */
export function openApiDocument(
  routes: readonly RouteDoc[],
  info: { readonly version: string },
): OpenApiDocument {
  const paths: OpenApiDocument["paths"] = {};
  const components: Record<string, unknown> = {};
  let anonymousSchemas = 0;
  const schemaOf = (schema: z.ZodType, io: "input" | "output") => {
    // Schemas with a `.meta({ id })` become shared components; recursive ones
    // without an id get a name of their own per schema, not zod's `__schema0`.
    const anonymous = ++anonymousSchemas;
    const text = JSON.stringify(
      z.toJSONSchema(schema, { target: "draft-2020-12", io, unrepresentable: "any" }),
    ).replace(
      /"(#\/\$defs\/)?__schema(\d+)"/g,
      (_m, ref, n) => `"${ref ?? ""}Recursive${anonymous}_${n}"`,
    );
    const json = JSON.parse(
      text.replaceAll('"#/$defs/', '"#/components/schemas/'),
    ) as Record<string, unknown>;
    const defs = json.$defs as Record<string, unknown> | undefined;
    if (defs !== undefined) {
      Object.assign(components, defs);
      delete json.$defs;
    }
    delete json.$schema;
    return json;
  };
  for (const route of routes) {
    const path = openApiPath(route.path);
    const parameters: Parameter[] = [...route.path.matchAll(PATH_PARAM)].map((m) => ({
      name: m[1]!,
      in: "path",
      required: true,
      schema: { type: "string" },
    }));
    if (route.query !== undefined) {
      for (const [name, field] of Object.entries(route.query.shape)) {
        const schema = schemaOf(field as z.ZodType, "input");
        const description = (field as z.ZodType).description;
        parameters.push({
          name,
          in: "query",
          required: !(field as z.ZodType).safeParse(undefined).success,
          schema,
          ...(description === undefined ? {} : { description }),
        });
      }
    }
    const responses: Record<string, unknown> = {};
    for (const [status, response] of Object.entries(route.responses)) {
      responses[status] = {
        description: response.description,
        ...(response.schema === undefined && response.mediaType === undefined ? {} : {
          content: {
            ...(response.schema === undefined
              ? {}
              : { "application/json": { schema: schemaOf(response.schema, "output") } }),
            ...(response.mediaType === undefined
              ? {}
              : { [response.mediaType]: { schema: { type: "string" } } }),
          },
        }),
      };
    }
    for (const status of new Set([...(route.errors ?? []), 500])) {
      responses[String(status)] = {
        description: ERROR_DESCRIPTIONS[status] ?? "An error",
        content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } },
      };
    }
    const operation: Operation = {
      operationId: `${route.method}${
        path.replace(/[{}]/g, "").split(/[/-]/).map((w) => w.charAt(0).toUpperCase() + w.slice(1))
          .join("")
      }`,
      summary: route.summary,
      ...(route.description === undefined ? {} : { description: route.description }),
      tags: [route.tag],
      parameters,
      ...(route.body === undefined ? {} : {
        requestBody: {
          required: true,
          content: Object.fromEntries(
            Object.entries(route.body).map(([mediaType, schema]) => [
              mediaType,
              typeof schema === "string"
                ? { schema: { type: "string", description: schema } }
                : { schema: schemaOf(schema, "input") },
            ]),
          ),
        },
      }),
      responses,
    };
    (paths[path] ??= {})[route.method] = operation;
  }
  components.Error = schemaOf(errorSchema, "output");
  return {
    openapi: "3.1.0",
    info: {
      title: "Loupe",
      version: info.version,
      description:
        "Connects customer support to system logs. Every error has one shape: see the Error schema.",
    },
    components: {
      schemas: components,
      securitySchemes: { apiKey: { type: "http", scheme: "bearer" } },
    },
    security: [{}, { apiKey: [] }],
    paths,
  };
}

export interface Parameter {
  readonly name: string;
  readonly in: "path" | "query";
  readonly required: boolean;
  readonly schema: unknown;
  readonly description?: string;
}

export interface Operation {
  readonly operationId: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly parameters: readonly Parameter[];
  readonly requestBody?: unknown;
  readonly responses: Record<string, unknown>;
}

export interface OpenApiDocument {
  readonly openapi: "3.1.0";
  readonly info: { title: string; version: string; description: string };
  readonly components: { schemas: Record<string, unknown>; securitySchemes: unknown };
  readonly security: unknown[];
  readonly paths: Record<string, Partial<Record<HttpMethod, Operation>>>;
}

/** swagger-ui-dist's files, served from node_modules rather than a CDN. */
const VIEWER_FILES: Record<string, string> = {
  "swagger-ui.css": "text/css; charset=utf-8",
  "swagger-ui-bundle.js": "text/javascript; charset=utf-8",
};
const VIEWER_DIR = new URL("../../node_modules/swagger-ui-dist/", import.meta.url);

const DOCS_PAGE = `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<title>Loupe API</title>
<link rel="stylesheet" href="/docs/swagger-ui.css">
</head>
<body>
<div id="api"></div>
<script src="/docs/swagger-ui-bundle.js"></script>
<script src="/docs/viewer.js"></script>
</body>
</html>
`;

const VIEWER_SCRIPT = `window.ui = SwaggerUIBundle({ url: "/openapi.json", dom_id: "#api" });\n`;

/** The routes that serve the document and its viewer. */
export function openApiRoutes(document: () => OpenApiDocument): Hono {
  const http = new Hono();
  let cached: OpenApiDocument | undefined;
  http.get("/openapi.json", (c) => c.json(cached ??= document()));
  http.get("/docs", (c) => c.html(DOCS_PAGE));
  http.get("/docs/:file", async (c) => {
    const file = c.req.param("file");
    if (file === "viewer.js") {
      return c.body(VIEWER_SCRIPT, 200, { "content-type": "text/javascript; charset=utf-8" });
    }
    const type = VIEWER_FILES[file];
    if (type === undefined) throw new LoupeError("not_found", `No documentation file ${file}`);
    const bytes = await Deno.readFile(new URL(file, VIEWER_DIR));
    return c.body(bytes, 200, {
      "content-type": type,
      "cache-control": "public, max-age=86400",
    });
  });
  return http;
}

/** The document's own routes, described like any other. */
export const openApiRouteDocs: readonly RouteDoc[] = [
  {
    method: "get",
    path: "/openapi.json",
    summary: "This document",
    tag: "meta",
    responses: { 200: { description: "The OpenAPI 3.1 document", mediaType: "application/json" } },
  },
  {
    method: "get",
    path: "/docs",
    summary: "The document in a browsable viewer (served locally)",
    tag: "meta",
    responses: { 200: { description: "An HTML page", mediaType: "text/html" } },
  },
  {
    method: "get",
    path: "/docs/:file",
    summary: "The viewer's script and style",
    tag: "meta",
    responses: { 200: { description: "JavaScript or CSS", mediaType: "text/javascript" } },
    errors: [404],
  },
];
