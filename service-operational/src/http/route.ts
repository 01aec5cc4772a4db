import { ANY_ROLE, admittedRoles, type Principal, type Role, type RoleRequirement } from '@icc/shared';
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
  /**
   * The roles admitted besides admin (who passes everywhere); an empty list is
   * admin only. Absent: every authenticated key. Set by defineRoute from the
   * declared RoleRequirement, never written by hand.
   */
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
  /**
   * A read whose work grows with its page (hundreds of documents and their
   * related orders): besides the request limits it takes one of the tenant's
   * heavy-read slots (shared `heavyReadLimiter`), so one tenant's paging cannot
   * take the service from the others.
   */
  heavy?: boolean;
  handler(input: RouteInput<P, Q, B>): Promise<R>;
}

/** A route as written in a `*.routes.ts` file. */
export interface RouteDeclaration<P, Q, B, R> extends Omit<RouteDefinition<P, Q, B, R>, 'roles'> {
  /**
   * Who may call it, required on every authenticated route: `ANY_ROLE` (every
   * valid key, whatever its roles) or the roles admitted, at least one;
   * admin is always admitted, so `['admin']` is admin only.
   */
  roles?: RoleRequirement;
}

/**
 * Declare a route with its types inferred from its schemas. A route that
 * does not say who may call it, or names an empty role list, fails here, when
 * the app is built.
 *
 * @example
 *   defineRoute({ method: 'get', path: '/api/products/:sku', roles: ANY_ROLE, params: SkuParamsSchema,
 *     response: ProductSchema, summary: 'Get a product', tag: 'products',
 *     handler: ({ params }) => products.get(params.sku) });
 */
export function defineRoute<P = Record<string, never>, Q = Record<string, never>, B = undefined, R = unknown>(
  route: RouteDeclaration<P, Q, B, R>,
): RouteDefinition<P, Q, B, R> {
  const { roles, ...definition } = route;
  const name = `${route.method.toUpperCase()} ${route.path}`;
  if (route.authenticated === false) {
    if (roles !== undefined) throw new Error(`${name} is public: it cannot require roles`);
    return definition;
  }
  if (roles === undefined) throw new Error(`${name} must say who may call it: roles: ANY_ROLE, or the roles admitted`);
  const admitted = admittedRoles(roles);
  return admitted === null ? definition : { ...definition, roles: admitted.filter((role) => role !== 'admin') };
}

/** Who may call a defined route, as `authorize` reads it. */
export function routeRequirement(route: Pick<AnyRoute, 'roles'>): RoleRequirement {
  return route.roles === undefined ? ANY_ROLE : ['admin', ...route.roles];
}

// A list of routes mixes many input/output types; each route was checked where
// it was declared with defineRoute, so the list only needs the erased shape:
// `unknown` params, query, body and result. A typed route still fits because
// `handler` is declared as a method (its parameter is checked bivariantly), and
// the runner only ever passes it what that route's own schemas parsed. This is
// the one type-erasure point.
export type AnyRoute = RouteDefinition<unknown, unknown, unknown, unknown>;
