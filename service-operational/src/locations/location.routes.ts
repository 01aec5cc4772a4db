import {
  ANY_ROLE,
  CreateLocationSchema,
  IdParamsSchema,
  ListLocationsQuerySchema,
  LocationPageSchema,
  LocationSchema,
  UpdateLocationSchema,
} from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { LocationService } from './location.service.js';

// Opening or closing a site is an admin decision: no other role may.
const ADMIN_ONLY = ['admin'] as const;
const tag = 'locations';

export function locationRoutes(locations: LocationService): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/locations',
      tag,
      summary: 'List locations (filter by type)',
      roles: ANY_ROLE,
      query: ListLocationsQuerySchema,
      response: LocationPageSchema,
      handler: ({ query }) => locations.list(query),
    }),
    defineRoute({
      method: 'post',
      path: '/api/locations',
      tag,
      summary: 'Create a location (store, warehouse or DC)',
      status: 201,
      idempotent: true,
      roles: ADMIN_ONLY,
      body: CreateLocationSchema,
      response: LocationSchema,
      handler: ({ body }) => locations.create(body),
    }),
    defineRoute({
      method: 'get',
      path: '/api/locations/:id',
      tag,
      summary: 'Get a location',
      roles: ANY_ROLE,
      params: IdParamsSchema,
      response: LocationSchema,
      handler: ({ params }) => locations.get(params.id),
    }),
    defineRoute({
      method: 'put',
      path: '/api/locations/:id',
      tag,
      summary: 'Update a location (any field but the code)',
      roles: ADMIN_ONLY,
      params: IdParamsSchema,
      body: UpdateLocationSchema,
      response: LocationSchema,
      handler: ({ params, body }) => locations.update(params.id, body),
    }),
  ];
}
