import type { ClientToServerEvents, Principal, ServerToClientEvents } from '@icc/shared';
import type { Server, Socket } from 'socket.io';

/** Set by the handshake middleware before `connection` fires. */
export interface LiveSocketData {
  principal: Principal;
  /** Set when the socket signed in by the session cookie rather than a key. */
  sessionId?: string;
}

/** No server-to-server events: one process, the in-memory adapter. */
type InterServerEvents = Record<string, never>;

export type LiveServer = Server<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;
export type LiveSocket = Socket<ClientToServerEvents, ServerToClientEvents, InterServerEvents, LiveSocketData>;
