import type { Principal, Role } from '@icc/shared';
import type { z } from 'zod';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** What a handler receives: everything already parsed and authorised. */
export interface RouteInput<P, Q, B> {
  params: P;
  query: Q;
  body: B;
  principal: Principal;
  requestId: string;
}

/**
 * One HTTP route, declared once: the runner authenticates, checks roles,
 * parses params/query/body with the zod schemas, applies idempotency and calls
 * the handler; the OpenAPI document is generated from the same declaration.
 */
export interface RouteDefinition<P = unknown, Q = unknown, B = unknown, R = unknown> {
  method: HttpMethod;
  /** Express path, e.g. `/api/products/:sku`. */
  path: string;
  summary: string;
  tag: string;
  /** Roles allowed to call it; omitted means any valid key (reads). Admin is always allowed. */
  roles?: readonly Role[];
  /** False only for the public probes (health, metrics, docs). */
  authenticated?: boolean;
  params?: z.ZodType<P>;
  query?: z.ZodType<Q>;
  body?: z.ZodType<B>;
  response: z.ZodType<R>;
  /** Success status, 200 unless given (201 for creations). */
  status?: number;
  /** Honour the `Idempotency-Key` header (every POST that creates something). */
  idempotent?: boolean;
  handler(input: RouteInput<P, Q, B>): Promise<R>;
}

/**
 * Declare a route with its types inferred from its schemas.
 *
 * @example
 *   defineRoute({ method: 'get', path: '/api/products/:sku', params: SkuParamsSchema,
 *     response: ProductSchema, summary: 'Get a product', tag: 'products',
 *     handler: ({ params }) => products.get(params.sku) });
 */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  route: RouteDefinition<P, Q, B, R>,
): RouteDefinition<P, Q, B, R> {
  return route;
}

// `any` because a list of routes mixes many input/output types; each route was
// checked where it was declared with defineRoute, so the list only needs the
// erased shape. This is the one type-erasure point.
export type AnyRoute = RouteDefinition<any, any, any, any>;
