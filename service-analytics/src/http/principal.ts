import type {} from 'fastify';
import type { Principal } from '@icc/shared';

// Every authenticated request carries its caller; the auth hook (http/auth.ts) sets it.
declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal;
  }
}

export type { Principal };
