import type {} from 'fastify';
import type { Principal } from '@icc/shared';

// Every authenticated request carries its caller; the auth hook (http/auth.ts) sets it.
declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
  interface FastifyContextConfig {
    /**
     * A read whose work grows with its page (many SKUs' histories, long date
     * ranges): besides the request limits it takes one of the tenant's
     * heavy-read slots (http/rate-limit.ts).
     */
    heavy?: boolean;
  }
}

export type { Principal };
