import type { LiveEventName, LivePayload, LiveSnapshot, Principal } from '@icc/shared';
import type { Server as HttpServer } from 'node:http';

/** Which rooms of the tenant an event goes to, besides its dashboard room. */
export interface LiveScope {
  skus?: readonly string[];
  locationCodes?: readonly string[];
}

/**
 * How domain services announce committed changes. Call `publish` only after
 * the transaction has committed: live events describe data that exists.
 */
export interface LivePublisher {
  publish<E extends LiveEventName>(tenantId: string, event: E, data: LivePayload<E>, scope?: LiveScope): void;
}

/** The Socket.IO side of the operational service. */
export interface LiveHub extends LivePublisher {
  /** Start accepting Socket.IO connections on the service's HTTP server. */
  attach(server: HttpServer): void;
  /** State to (re)start from, consistent with the returned `seq`. */
  snapshot(principal: Principal): Promise<LiveSnapshot>;
  close(): Promise<void>;
}
