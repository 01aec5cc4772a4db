import { randomBytes } from 'node:crypto';
import type { Server as HttpServer } from 'node:http';
import { createLogger, SECURITY_HEADER_OPTIONS, type LiveEnvelope, type LiveEventName, type LivePayload, type Logger } from '@icc/shared';
import helmet from 'helmet';
import { Server } from 'socket.io';
import type { Models } from '../db/models.js';
import { noStore } from '../http/security-headers.js';
import { handshakeAuth } from './live.auth.js';
import { KEY_SWEEP_INTERVAL_MS, sweepRevokedKeys } from './live.key-sweep.js';
import { RECOVERY_WINDOW_MS, recoveryGate } from './live.recovery.js';
import { tenantRoom, targetRooms } from './live.rooms.js';
import { readSnapshot } from './live.snapshot.js';
import type { LiveServer } from './live.socket.js';
import { handleSubscriptions } from './live.subscriptions.js';
import type { LiveHub, LiveScope } from './live.types.js';

/**
 * The live-updates hub: Socket.IO on the service's HTTP server. Events are
 * numbered per tenant (`seq`, from 1, +1 per event) within this process's
 * `epoch`, so a client can tell it missed something and resync from the
 * snapshot. Publishing before `attach` still advances `seq` (nobody can be
 * listening yet, and the snapshot stays consistent with the count).
 */
export function createLiveHub(models: Models, options: { log?: Logger; keySweepIntervalMs?: number } = {}): LiveHub {
  const log = options.log ?? createLogger({ name: 'live', level: 'silent' });
  const keySweepIntervalMs = options.keySweepIntervalMs ?? KEY_SWEEP_INTERVAL_MS;
  let sweepTimer: NodeJS.Timeout | undefined;
  const epoch = randomBytes(9).toString('base64url');
  const seqs = new Map<string, number>();
  let io: LiveServer | undefined;
  let lastDisconnectAt = Number.NEGATIVE_INFINITY;

  /**
   * Whether anyone can receive an event now or recover it later: a connected
   * socket, or one that dropped within the recovery window. With connection-state
   * recovery on, Socket.IO encodes every event and keeps it for that window even
   * when nobody listens; while no dashboard is open, that is pure cost on every
   * stock change (and memory for the collector to walk).
   */
  const audienceMayExist = (server: LiveServer) => server.of('/').sockets.size > 0 || Date.now() - lastDisconnectAt < RECOVERY_WINDOW_MS;

  return {
    publish<E extends LiveEventName>(tenantId: string, event: E, data: LivePayload<E>, scope?: LiveScope): void {
      const seq = (seqs.get(tenantId) ?? 0) + 1;
      seqs.set(tenantId, seq);
      if (!io || !audienceMayExist(io)) return;
      const envelope: LiveEnvelope<LivePayload<E>> = { epoch, seq, at: new Date().toISOString(), data };
      // One `to([...])` call: Socket.IO sends once per socket even when it is in several of the rooms.
      const target: EmitAny = io.to(targetRooms(tenantId, scope));
      target.emit(event, envelope);
    },

    attach(server: HttpServer): void {
      if (io) throw new Error('The live hub is already attached to a server');
      io = new Server(server, {
        path: '/socket.io',
        // The browser client is served by the dashboard router, with the app's headers (live.dashboard.ts).
        serveClient: false,
        // Recovered sockets go through the handshake check like new ones (see recoveryGate).
        connectionStateRecovery: { maxDisconnectionDuration: RECOVERY_WINDOW_MS, skipMiddlewares: false },
      });
      // Engine.IO answers /socket.io/* itself, before Express: give those answers the same headers.
      // Polling answers carry the tenant's events: never cached, like the API.
      io.engine.use(helmet(SECURITY_HEADER_OPTIONS));
      io.engine.use(noStore);
      const live = io;
      const recovery = recoveryGate(live.of('/').adapter);
      const handshake = handshakeAuth(models, recovery, (error) => log.error({ err: error }, 'live handshake failed'));
      // Socket.IO ignores what a middleware returns: the check answers through `next` and handles its own
      // errors, so the promise is only caught here in case something unexpected escapes it.
      io.use((socket, next) => {
        void handshake(socket, next).catch((error: unknown) => log.error({ err: error }, 'live handshake failed'));
      });
      io.on('connection', (socket) => {
        // A recovered socket is back in the rooms it had; joining the dashboard again would undo an unsubscribe.
        if (!socket.recovered) void socket.join(tenantRoom(socket.data.principal.tenantId, { type: 'dashboard' }));
        handleSubscriptions(socket, models, (error) => log.error({ err: error }, 'live subscription failed'));
        socket.on('disconnect', () => {
          lastDisconnectAt = Date.now();
        });
      });
      let sweeping = false;
      sweepTimer = setInterval(() => {
        if (sweeping) return;
        sweeping = true;
        sweepRevokedKeys(models, live)
          .then((disconnected) => {
            if (disconnected) log.info({ disconnected }, 'live sockets of revoked keys disconnected');
          })
          .catch((error: unknown) => log.error({ err: error }, 'live key sweep failed'))
          .finally(() => {
            sweeping = false;
          });
      }, keySweepIntervalMs);
      sweepTimer.unref();
    },

    snapshot: (principal) => readSnapshot(models, principal, { epoch, seq: seqs.get(principal.tenantId) ?? 0 }),

    async close(): Promise<void> {
      clearInterval(sweepTimer);
      if (!io) return;
      const server = io;
      io = undefined;
      // Not io.close(): that also closes the HTTP server, which belongs to whoever listens on it.
      server.disconnectSockets(true);
      server.engine.close();
      await server.of('/').adapter.close();
    },
  };
}

/**
 * emit's parameter types are computed from the event name, which TypeScript
 * cannot resolve for a generic E; `publish` builds the envelope with exactly
 * that event's payload type, so widening the emitter here loses nothing.
 */
interface EmitAny {
  emit(event: LiveEventName, envelope: LiveEnvelope<unknown>): boolean;
}
