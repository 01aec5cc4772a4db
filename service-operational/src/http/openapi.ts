import { describeRoles, errorCatalogue, ErrorResponseSchema } from '@icc/shared';
import { z } from 'zod';
import { routeRequirement, type AnyRoute } from './route.js';

type JsonSchema = Record<string, unknown>;

function jsonSchema(schema: z.ZodType, io: 'input' | 'output'): JsonSchema {
  const { $schema: _ignored, ...rest } = z.toJSONSchema(schema, { target: 'openapi-3.0', io, unrepresentable: 'any' }) as JsonSchema;
  return rest;
}

/** Path or query parameters from an object schema. */
function parameters(schema: z.ZodType | undefined, where: 'path' | 'query'): JsonSchema[] {
  if (!schema) return [];
  const object = jsonSchema(schema, 'input') as { properties?: Record<string, JsonSchema>; required?: string[] };
  return Object.entries(object.properties ?? {}).map(([name, property]) => ({
    name,
    in: where,
    required: where === 'path' || (object.required ?? []).includes(name),
    schema: property,
    ...(typeof property.description === 'string' ? { description: property.description } : {}),
  }));
}

const errorResponse = (description: string) => ({
  description,
  content: { 'application/json': { schema: { $ref: '#/components/schemas/ErrorResponse' } } },
});

/** The OpenAPI 3 document, generated from the same route declarations the server runs. */
export function buildOpenApiDocument(routes: readonly AnyRoute[], info: { title: string; version: string; description: string }) {
  const paths: Record<string, Record<string, unknown>> = {};
  for (const route of routes) {
    const path = route.path.replace(/:([A-Za-z]+)/g, '{$1}');
    const responses: Record<string, unknown> = {
      [String(route.status ?? 200)]: {
        description: 'Success',
        content: { 'application/json': { schema: jsonSchema(route.response, 'output') } },
      },
    };
    if (route.params || route.query || route.body) responses['400'] = errorResponse('Invalid input; `details` lists each failing field');
    if (route.body) {
      responses['413'] = errorResponse('Body larger than 1 MB');
      responses['415'] = errorResponse('Body is not JSON');
    }
    if (route.authenticated !== false) {
      responses['401'] = errorResponse('Missing, unknown or revoked API key');
      if (route.roles) responses['403'] = errorResponse(describeRoles(routeRequirement(route)));
    }
    if (route.params) responses['404'] = errorResponse('Not found in this tenant');
    if (route.idempotent) {
      responses['409'] = errorResponse('Conflict, or a request with the same Idempotency-Key is in flight');
      responses['422'] = errorResponse('The Idempotency-Key was used with a different request');
    }
    paths[path] ??= {};
    paths[path][route.method] = {
      summary: route.summary,
      tags: [route.tag],
      ...(route.authenticated === false ? { security: [] } : {}),
      ...(route.roles ? { 'x-roles': ['admin', ...route.roles] } : {}),
      parameters: [
        ...parameters(route.params, 'path'),
        ...parameters(route.query, 'query'),
        ...(route.idempotent ? [{ name: 'Idempotency-Key', in: 'header', required: false, schema: { type: 'string', maxLength: 200 } }] : []),
      ],
      ...(route.body ? { requestBody: { required: true, content: { 'application/json': { schema: jsonSchema(route.body, 'input') } } } } : {}),
      responses,
    };
  }
  return {
    openapi: '3.0.3',
    info,
    servers: [{ url: '/' }],
    security: [{ apiKey: [] }, { bearer: [] }],
    components: {
      securitySchemes: {
        apiKey: { type: 'apiKey', in: 'header', name: 'X-API-Key' },
        bearer: { type: 'http', scheme: 'bearer', description: 'The same API key as a bearer token' },
      },
      schemas: { ErrorResponse: jsonSchema(ErrorResponseSchema, 'output') },
    },
    'x-error-codes': Object.fromEntries(Object.entries(errorCatalogue).map(([code, { statusCode }]) => [code, statusCode])),
    paths,
  };
}
