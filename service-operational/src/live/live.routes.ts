import { ANY_ROLE, LiveSnapshotSchema } from '@icc/shared';
import { defineRoute, type AnyRoute } from '../http/route.js';
import type { LiveHub } from './live.types.js';

export function liveRoutes(live: LiveHub): AnyRoute[] {
  return [
    defineRoute({
      method: 'get',
      path: '/api/live/snapshot',
      tag: 'live',
      summary: 'State to start live updates from: positions (low stock first), recent orders and receipts, and the seq they correspond to',
      roles: ANY_ROLE,
      response: LiveSnapshotSchema,
      handler: ({ principal }) => live.snapshot(principal),
    }),
  ];
}
