import { AsyncLocalStorage } from 'node:async_hooks';
import { AppError, type Principal } from '@icc/shared';

/**
 * The authenticated caller of the current request. Set once by the auth step
 * of every route; the tenant-scope plugin reads it for every query, so no
 * handler or service has to remember to filter by tenant.
 */
const context = new AsyncLocalStorage<Principal>();

export function runAsPrincipal<T>(principal: Principal, fn: () => T): T {
  return context.run(principal, fn);
}

/** The current caller, or undefined outside a request (start-up, admin CLI). */
export function currentPrincipal(): Principal | undefined {
  return context.getStore();
}

/** The current caller; a programming error (500) if code runs outside a request scope. */
export function requirePrincipal(): Principal {
  const principal = context.getStore();
  if (!principal) throw new AppError('INTERNAL', 'No tenant in scope for a tenant-owned query');
  return principal;
}
