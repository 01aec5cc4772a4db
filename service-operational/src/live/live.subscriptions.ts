import { SubscribeSchema, type SubscribeAck } from '@icc/shared';
import { clientRoomNames, tenantRoom } from './live.rooms.js';
import type { LiveSocket } from './live.socket.js';

type Ack = (result: SubscribeAck) => void;

/**
 * `subscribe` / `unsubscribe`: validate, map to the socket's own tenant rooms,
 * answer through the ack. Bad input gets `{ ok: false }`, never an exception:
 * a throwing listener would take nothing down but would leave the client
 * waiting for an ack that never comes.
 */
export function handleSubscriptions(socket: LiveSocket): void {
  const { tenantId } = socket.data.principal;

  function answer(ack: unknown, result: SubscribeAck): void {
    if (typeof ack === 'function') (ack as Ack)(result);
  }

  function change(action: 'join' | 'leave') {
    return async (request: unknown, ack: unknown): Promise<void> => {
      const parsed = SubscribeSchema.safeParse(request);
      if (!parsed.success) {
        const detail = parsed.error.issues.map((issue) => `${issue.path.join('.') || 'request'}: ${issue.message}`).join('; ');
        answer(ack, { ok: false, error: { code: 'INVALID_INPUT', message: `Invalid ${action === 'join' ? 'subscribe' : 'unsubscribe'} request: ${detail}` } });
        return;
      }
      const rooms = parsed.data.rooms.map((room) => tenantRoom(tenantId, room));
      if (action === 'join') await socket.join(rooms);
      // leave() returns a promise only with an asynchronous adapter (void with the in-memory one): wait for it either way.
      else await Promise.all(rooms.map(async (room) => socket.leave(room)));
      answer(ack, { ok: true, rooms: clientRoomNames(tenantId, socket.rooms) });
    };
  }

  socket.on('subscribe', change('join'));
  socket.on('unsubscribe', change('leave'));
}
