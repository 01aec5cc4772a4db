import type { ClientToServerEvents, LiveEnvelope, LiveEventName, LiveSnapshot, ServerToClientEvents, StockPosition, SubscribeAck } from '@icc/shared';
import { io, type Socket } from 'socket.io-client';
import type { LooseJson } from './loose-json.js';

export type LiveSocket = Socket<ServerToClientEvents, ClientToServerEvents>;

export interface Received {
  event: LiveEventName;
  envelope: LiveEnvelope<LooseJson>;
}

export interface LiveClient {
  socket: LiveSocket;
  /** Every live event this client got, in arrival order. */
  received: Received[];
  /** Resolves once connected; rejects with the connect_error. */
  connected(): Promise<void>;
  /** The first event (already received or to come) matching `predicate`. */
  waitFor(predicate: (r: Received) => boolean, what?: string, timeoutMs?: number): Promise<Received>;
  subscribe(request: unknown): Promise<SubscribeAck>;
  unsubscribe(request: unknown): Promise<SubscribeAck>;
  close(): void;
}

/** A Socket.IO client of the test server, recording every event. */
export function liveClient(
  baseUrl: string,
  apiKey: string | undefined,
  options: { headers?: Record<string, string>; reconnection?: boolean } = {},
): LiveClient {
  const socket: LiveSocket = io(baseUrl, {
    path: '/socket.io',
    transports: ['websocket'],
    forceNew: true,
    ...(apiKey === undefined ? {} : { auth: { apiKey } }),
    ...(options.headers ? { extraHeaders: options.headers } : {}),
    reconnection: options.reconnection ?? true,
    reconnectionDelay: 50,
    reconnectionDelayMax: 200,
  });
  const received: Received[] = [];
  const waiters = new Set<() => void>();
  socket.onAny((event: LiveEventName, envelope: LiveEnvelope<unknown>) => {
    received.push({ event, envelope });
    for (const wake of waiters) wake();
  });

  function ack(event: 'subscribe' | 'unsubscribe', request: unknown): Promise<SubscribeAck> {
    // The cast: tests also send malformed requests, which the typed emit would not allow.
    const untyped = socket as unknown as { timeout(ms: number): { emitWithAck(event: string, request: unknown): Promise<SubscribeAck> } };
    return untyped.timeout(5_000).emitWithAck(event, request);
  }

  return {
    socket,
    received,
    connected: () =>
      new Promise((resolve, reject) => {
        if (socket.connected) return resolve();
        socket.once('connect', () => resolve());
        socket.once('connect_error', reject);
      }),
    waitFor(predicate, what = 'a matching live event', timeoutMs = 5_000) {
      return new Promise((resolve, reject) => {
        const check = () => {
          const found = received.find(predicate);
          if (!found) return;
          cleanup();
          resolve(found);
        };
        const timer = setTimeout(() => {
          cleanup();
          reject(
            new Error(
              `Timed out after ${timeoutMs} ms waiting for ${what}; got ${received.map((r) => `${r.event}#${r.envelope.seq}`).join(', ') || 'nothing'}`,
            ),
          );
        }, timeoutMs);
        const cleanup = () => {
          clearTimeout(timer);
          waiters.delete(check);
        };
        waiters.add(check);
        check();
      });
    },
    subscribe: (request) => ack('subscribe', request),
    unsubscribe: (request) => ack('unsubscribe', request),
    close: () => {
      socket.close();
    },
  };
}

/**
 * A client that keeps a copy of the tenant's stock the way the dashboard
 * does: snapshot, then events in seq order; on a gap or a new epoch it
 * reloads the snapshot. `drop` makes it lose chosen seqs, as a flaky network would.
 */
export class StockMirror {
  readonly positions = new Map<string, StockPosition>();
  epoch = '';
  seq = 0;
  resyncs = 0;
  private loading: Promise<void> | undefined;
  private held: Received[] = [];

  constructor(
    private readonly loadSnapshot: () => Promise<LiveSnapshot>,
    private readonly drop: (seq: number) => boolean = () => false,
  ) {}

  static key(p: { sku: string; locationCode: string }): string {
    return `${p.sku}@${p.locationCode}`;
  }

  resync(): Promise<void> {
    this.loading ??= (async () => {
      this.held = [];
      const snapshot = await this.loadSnapshot();
      this.resyncs += 1;
      this.epoch = snapshot.epoch;
      this.seq = snapshot.seq;
      this.positions.clear();
      for (const p of snapshot.positions) this.positions.set(StockMirror.key(p), p);
      this.loading = undefined;
      const held = this.held;
      this.held = [];
      for (const r of held) this.receive(r);
    })();
    return this.loading;
  }

  receive(r: Received): void {
    if (this.drop(r.envelope.seq)) return;
    if (this.loading) {
      this.held.push(r);
      return;
    }
    const { epoch, seq } = r.envelope;
    if (seq <= this.seq && epoch === this.epoch) return;
    if (epoch !== this.epoch || seq !== this.seq + 1) {
      void this.resync();
      this.held.push(r);
      return;
    }
    this.seq = seq;
    if (r.event === 'stock:updated') for (const p of r.envelope.data.positions as StockPosition[]) this.positions.set(StockMirror.key(p), p);
  }

  /** Resolves when no snapshot is loading. */
  async settled(): Promise<void> {
    while (this.loading) await this.loading;
  }
}
