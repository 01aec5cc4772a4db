import type { LiveRoom } from '@icc/shared';
import type { LiveScope } from './live.types.js';

/**
 * Room names are built here, on the server, from the socket's authenticated
 * tenant: a client only ever names a room *inside* its tenant (`product:SKU-1`),
 * so no input can reach another tenant's room.
 */
export function tenantRoom(tenantId: string, room: LiveRoom): string {
  switch (room.type) {
    case 'dashboard':
      return `t:${tenantId}:dashboard`;
    case 'product':
      return `t:${tenantId}:product:${room.sku}`;
    case 'location':
      return `t:${tenantId}:location:${room.code}`;
  }
}

/** Every room an event of `tenantId` goes to: the dashboard plus the rooms of its scope. */
export function targetRooms(tenantId: string, scope: LiveScope = {}): string[] {
  return [
    tenantRoom(tenantId, { type: 'dashboard' }),
    ...(scope.skus ?? []).map((sku) => tenantRoom(tenantId, { type: 'product', sku })),
    ...(scope.locationCodes ?? []).map((code) => tenantRoom(tenantId, { type: 'location', code })),
  ];
}

/** The client-facing names (`dashboard`, `product:SKU-1`) of the tenant rooms a socket is in. */
export function clientRoomNames(tenantId: string, rooms: Iterable<string>): string[] {
  const prefix = `t:${tenantId}:`;
  return [...rooms]
    .filter((room) => room.startsWith(prefix))
    .map((room) => room.slice(prefix.length))
    .sort();
}
