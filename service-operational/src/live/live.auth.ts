import { AppError, type Principal } from '@icc/shared';
import type { ExtendedError } from 'socket.io';
import type { Models } from '../db/models.js';
import { fromOtherOrigin, sessionToken } from '../sessions/session.http.js';
import { sessionsFor } from '../sessions/session.service.js';
import { authenticate } from '../tenancy/api-key.service.js';
import type { RecoveryGate } from './live.recovery.js';
import { tenantRoom } from './live.rooms.js';
import type { LiveSocket } from './live.socket.js';

/**
 * The key a client presents: `auth: { apiKey }` (browsers cannot set headers on a WebSocket), else the `x-api-key` header.
 * Read again from the handshake whenever the key is re-checked, so the key itself is stored nowhere else.
 */
export function presentedKey(socket: LiveSocket): string | undefined {
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
 * Socket.IO middleware, for new and recovered sockets alike: authenticate the
 * key (else the session cookie, from this service's pages only) exactly as HTTP routes do and keep the principal on `socket.data`;
 * refuse the connection otherwise. A recovered session resumes only for the
 * key that opened it (same key id): any other key, even of the same tenant,
 * is refused rather than given a fresh session under the old one's id, and the
 * session is forgotten, so the client's next attempt starts a fresh session.
 */
export function handshakeAuth(models: Models, recovery: RecoveryGate, onError: (error: unknown) => void) {
  return async (socket: LiveSocket, next: (error?: ExtendedError) => void): Promise<void> => {
    const resuming = recovery.take(socket);
    const refuse = (message: string, code: string) => {
      if (resuming) recovery.forget(resuming);
      next(refusal(message, code));
    };
    const key = presentedKey(socket);
    const token = key ? undefined : sessionToken(socket.handshake.headers);
    if (!key && token === undefined) {
      refuse('Send an API key: io(url, { auth: { apiKey } }), or the X-API-Key header; or sign in at /signin', 'UNAUTHORIZED');
      return;
    }
    // A cookie rides along with any page's WebSocket to this host: only this service's pages may use it.
    if (token !== undefined && fromOtherOrigin(socket.handshake.headers, socket.handshake.secure ? 'https' : 'http')) {
      refuse('Connections signed in by cookie are only accepted from pages of this service', 'FORBIDDEN');
      return;
    }
    let principal: Principal;
    let sessionId: string | undefined;
    try {
      if (token === undefined) principal = await authenticate(models, key, socket.handshake.address);
      else ({ sessionId, ...principal } = await sessionsFor(models).authenticate(token));
    } catch (error) {
      // A wrong key, or too many wrong keys from this address (checked before any lookup): the client's mistake, not ours.
      if (error instanceof AppError && (error.code === 'UNAUTHORIZED' || error.code === 'RATE_LIMITED')) {
        refuse(error.message, error.code);
        return;
      }
      onError(error);
      refuse('Could not check the API key; try again shortly', 'INTERNAL');
      return;
    }
    if (resuming && resuming.openedBy?.apiKeyId !== principal.apiKeyId) {
      refuse('This session was opened with another API key; connect again without resuming it', 'UNAUTHORIZED');
      return;
    }
    socket.data.principal = principal;
    if (sessionId !== undefined) socket.data.sessionId = sessionId;
    // A session that expired while the key was checked carries on as a fresh one, on the dashboard like any new socket.
    if (resuming && !(await recovery.resume(socket, resuming))) void socket.join(tenantRoom(principal.tenantId, { type: 'dashboard' }));
    next();
  };
}

/**
 * Whether the socket's key (or session) is still accepted, by the same verifier (and cache) as HTTP requests.
 * False for a revoked, expired or unknown key; errors other than a refusal propagate.
 */
export async function keyStillAccepted(models: Models, socket: LiveSocket): Promise<boolean> {
  const { sessionId } = socket.data;
  if (sessionId !== undefined) return (await sessionsFor(models).stillActive([sessionId])).has(sessionId);
  try {
    const principal = await authenticate(models, presentedKey(socket));
    return principal.apiKeyId === socket.data.principal.apiKeyId;
  } catch (error) {
    if (error instanceof AppError && error.code === 'UNAUTHORIZED') return false;
    throw error;
  }
}
