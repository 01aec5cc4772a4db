import { AppError, type Principal } from '@icc/shared';
import type { ExtendedError } from 'socket.io';
import type { Models } from '../db/models.js';
import { authenticate } from '../tenancy/api-key.service.js';
import type { LiveSocket } from './live.socket.js';

/** The key a client presents: `auth: { apiKey }` (browsers cannot set headers on a WebSocket), else the `x-api-key` header. */
function presentedKey(socket: LiveSocket): string | undefined {
  const fromAuth: unknown = socket.handshake.auth?.apiKey;
  if (typeof fromAuth === 'string' && fromAuth.trim()) return fromAuth.trim();
  const header = socket.handshake.headers['x-api-key'];
  const value = Array.isArray(header) ? header[0] : header;
  return value?.trim() || undefined;
}

/** A handshake refusal the client sees as `connect_error` with `err.message` and `err.data.code`. */
function refusal(message: string, code: string): ExtendedError {
  const error: ExtendedError = new Error(message);
  error.data = { code };
  return error;
}

/**
 * Socket.IO middleware: authenticate the key exactly as HTTP routes do and
 * keep the principal on `socket.data`; refuse the connection otherwise.
 */
export function handshakeAuth(models: Models, onError: (error: unknown) => void) {
  return async (socket: LiveSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const key = presentedKey(socket);
    if (!key) {
      next(refusal('Send an API key: io(url, { auth: { apiKey } }), or the X-API-Key header', 'UNAUTHORIZED'));
      return;
    }
    let principal: Principal;
    try {
      principal = await authenticate(models, key, socket.handshake.address);
    } catch (error) {
      if (error instanceof AppError && error.code === 'UNAUTHORIZED') {
        next(refusal(error.message, 'UNAUTHORIZED'));
        return;
      }
      onError(error);
      next(refusal('Could not check the API key; try again shortly', 'INTERNAL'));
      return;
    }
    socket.data.principal = principal;
    next();
  };
}
