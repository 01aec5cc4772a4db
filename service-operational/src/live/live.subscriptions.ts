import { AppError, invalidInput, SubscribeSchema, toErrorResponse, type SubscribeAck } from '@icc/shared';
import type { Models } from '../db/models.js';
import { keyStillAccepted } from './live.auth.js';
import { clientRoomNames, tenantRoom } from './live.rooms.js';
import type { LiveSocket } from './live.socket.js';

type Ack = (result: SubscribeAck) => void;

/**
 * Rooms one socket may be in (its own id room aside): a dashboard needs a
 * handful; without a cap one socket could make the server hold (and each ack
 * list) thousands. It also bounds the room list every ack carries.
 */
export const MAX_ROOMS_PER_SOCKET = 500;

/**
 * `subscribe` / `unsubscribe`: validate, re-check the socket's key (as an HTTP
 * request would be), map to the socket's own tenant rooms, answer through the
 * ack. Refusals get `{ ok: false, error }` with the one error shape
 * (`{ statusCode, code, error, message, details? }`), never an exception: a
 * throwing listener would take nothing down but would leave the client
 * waiting for an ack that never comes. A refused key also ends the socket.
 */
export function handleSubscriptions(socket: LiveSocket, models: Models, onError: (error: unknown) => void): void {
  const { tenantId } = socket.data.principal;

  function answer(ack: unknown, result: SubscribeAck): void {
    if (typeof ack === 'function') (ack as Ack)(result);
  }

  function refuse(ack: unknown, error: unknown): void {
    answer(ack, { ok: false, error: toErrorResponse(error) });
  }

  async function apply(action: 'join' | 'leave', request: unknown, ack: unknown): Promise<void> {
    const parsed = SubscribeSchema.safeParse(request);
    if (!parsed.success) return refuse(ack, invalidInput(parsed.error, `${action === 'join' ? 'subscribe' : 'unsubscribe'} request`));
    if (!(await keyStillAccepted(models, socket))) {
      refuse(ack, new AppError('UNAUTHORIZED', 'That API key is not valid or has been revoked; this connection is closed'));
      socket.disconnect(true);
      return;
    }
    const rooms = parsed.data.rooms.map((room) => tenantRoom(tenantId, room));
    if (action === 'join') {
      const after = new Set([...socket.rooms, ...rooms]);
      after.delete(socket.id);
      if (after.size > MAX_ROOMS_PER_SOCKET) {
        return refuse(ack, new AppError('INVALID_INPUT', `A connection can be in at most ${MAX_ROOMS_PER_SOCKET} rooms; unsubscribe from some first`));
      }
      await socket.join(rooms);
    }
    // leave() returns a promise only with an asynchronous adapter (void with the in-memory one): wait for it either way.
    else await Promise.all(rooms.map(async (room) => socket.leave(room)));
    answer(ack, { ok: true, rooms: clientRoomNames(tenantId, socket.rooms) });
  }

  function change(action: 'join' | 'leave') {
    return (request: unknown, ack: unknown): Promise<void> =>
      apply(action, request, ack).catch((error: unknown) => {
        onError(error);
        refuse(ack, error);
      });
  }

  socket.on('subscribe', change('join'));
  socket.on('unsubscribe', change('leave'));
}
