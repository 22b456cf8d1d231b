import { z } from 'zod';
import type { Route } from './route.js';

/** `/api/cameras/:id` → `/api/cameras/{id}` */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z0-9_]+)/g, '{$1}');
}

function jsonSchema(schema: z.ZodType): Record<string, unknown> {
  const out = z.toJSONSchema(schema, { io: 'input', unrepresentable: 'any' }) as Record<string, unknown>;
  delete out.$schema;
  return out;
}

/** One parameter per property of an object schema (path or query). */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): unknown[] {
  if (!schema) return [];
  const doc = jsonSchema(schema) as { properties?: Record<string, unknown>; required?: string[] };
  return Object.entries(doc.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (doc.required ?? []).includes(name),
    schema: property,
  }));
}

const errorSchema = {
  type: 'object',
  required: ['error'],
  properties: {
    error: {
      type: 'object',
      required: ['code', 'message'],
      properties: {
        code: { type: 'string', description: 'Stable machine-readable code, e.g. CAMERA_NOT_FOUND' },
        message: { type: 'string' },
        details: { type: 'object', additionalProperties: true },
      },
    },
  },
};

/** The OpenAPI 3.1 document of every route, generated from the same list that is mounted. */
export function buildOpenApi(routes: readonly Route[], info: { title: string; version: string }): Record<string, unknown> {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const responses: Record<string, unknown> = {};
    for (const [status, spec] of Object.entries(route.responses)) {
      const isError = Number(status) >= 400;
      const contentType = spec.contentType ?? 'application/json';
      const schema = isError ? { $ref: '#/components/schemas/Error' } : spec.schema ? jsonSchema(spec.schema) : undefined;
      responses[status] = {
        description: spec.description,
        ...(schema || contentType !== 'application/json' ? { content: { [contentType]: { schema: schema ?? { type: 'string' } } } } : {}),
      };
    }
    (paths[openApiPath(route.path)] ??= {})[route.method] = {
      summary: route.summary,
      tags: [route.tag],
      'x-vigil-access': route.access,
      security: route.access === 'public' || route.access === 'stream-token' ? [] : [{ bearerToken: [] }, { sessionCookie: [] }],
      operationId: `${route.method}${openApiPath(route.path).replace(/[^A-Za-z0-9]+(.)?/g, (_m, c: string | undefined) => (c ?? '').toUpperCase())}`,
      parameters: [...parameters(route.params, 'path'), ...parameters(route.query, 'query')],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body) } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.1.0',
    info,
    paths,
    components: {
      schemas: { Error: errorSchema },
      securitySchemes: {
        bearerToken: { type: 'http', scheme: 'bearer', description: 'An API token from POST /api/tokens' },
        sessionCookie: { type: 'apiKey', in: 'cookie', name: 'vigil_session', description: 'From POST /api/session; state-changing requests also need the X-CSRF-Token header' },
      },
    },
  };
}
