import type { Principal } from '@icc/shared';
import type { Namespace } from 'socket.io';
import type { LiveSocket } from './live.socket.js';

/** How long a dropped client can come back and have its missed events replayed. */
export const RECOVERY_WINDOW_MS = 2 * 60_000;

type Adapter = Namespace['adapter'];
/** socket.io-parser's PacketType.EVENT. */
const EVENT_PACKET = 2;
type Session = Awaited<ReturnType<Adapter['restoreSession']>>;

interface HeldSession {
  pid: string;
  offset: string;
  /** The principal of the key that opened the session (undefined if the session somehow carries none). */
  openedBy: Principal | undefined;
}

export interface RecoveryGate {
  /** The held session of a socket Socket.IO marked `recovered`; taken once, by the handshake check. */
  take(socket: LiveSocket): HeldSession | undefined;
  /** After the key was checked: rejoin the session's rooms and replay what it missed; false if the session expired meanwhile. */
  resume(socket: LiveSocket, held: HeldSession): Promise<boolean>;
  /** A refused resume: the session can never be resumed again, so the client's next try starts a fresh one. */
  forget(held: HeldSession): void;
}

/**
 * Socket.IO's connection-state recovery restores a session from its private id
 * alone: in the socket's constructor, before any middleware runs, it rejoins the
 * session's rooms and writes the missed events to the wire. A raw
 * `40{"pid","offset"}` without a key would get the tenant's events. The gate
 * wraps the adapter's `restoreSession` so that Socket.IO gets an empty shell of
 * the session (the socket keeps its id and `recovered` flag, but is in no room
 * and is sent nothing); the handshake check then resumes the real session only
 * for the key that opened it (`resume`), or refuses the socket (`forget`).
 * Events published while the key is being checked are not lost: `resume` reads
 * the missed events again from the same offset.
 */
export function recoveryGate(adapter: Adapter): RecoveryGate {
  const restore = adapter.restoreSession.bind(adapter);
  const held = new Map<string, HeldSession>();
  /** pid → until when it stays refused (the recovery window, after which Socket.IO drops it anyway). */
  const forgotten = new Map<string, number>();

  adapter.restoreSession = async (pid, offset): Promise<Session> => {
    const refusedUntil = forgotten.get(pid);
    if (refusedUntil !== undefined) {
      if (refusedUntil > Date.now()) return null as unknown as Session; // Socket.IO's own "no session" value.
      forgotten.delete(pid);
    }
    const session = await restore(pid, offset);
    // Typed as always present, but null when the session or the offset is unknown or expired.
    if (!session) return session;
    const data = session.data as { principal?: Principal } | undefined;
    held.set(session.sid, { pid, offset, openedBy: data?.principal });
    return { ...session, rooms: [], data: {}, missedPackets: [] };
  };

  return {
    take(socket) {
      if (!socket.recovered) return undefined;
      const session = held.get(socket.id);
      held.delete(socket.id);
      return session;
    },

    async resume(socket, session) {
      const restored = await restore(session.pid, session.offset);
      if (!restored) return false;
      // Synchronous from here: nothing can be published between reading the missed events and joining the rooms.
      void socket.join(restored.rooms);
      // Each missed packet is `[event, ...args, offset]`, written exactly as Socket.IO's own replay writes it, through
      // the socket's (untyped, internal) `packet`: `emit` would store it again as a new event and send it to the
      // socket's id room, which it joins only once connected. The client buffers events that precede its CONNECT.
      const raw = socket as unknown as { packet(packet: { type: typeof EVENT_PACKET; data: unknown[] }): void };
      for (const data of restored.missedPackets) raw.packet({ type: EVENT_PACKET, data });
      return true;
    },

    forget(session) {
      const now = Date.now();
      for (const [pid, until] of forgotten) if (until <= now) forgotten.delete(pid);
      forgotten.set(session.pid, now + RECOVERY_WINDOW_MS);
    },
  };
}
