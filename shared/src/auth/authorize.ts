import { AppError } from '../errors/app-error.js';
import type { Principal, Role } from '../schemas/auth.schemas.js';

/** Every authenticated key may call it, whatever its roles (the reads). */
export const ANY_ROLE = 'any';

/**
 * Who may do something: `ANY_ROLE`, or the roles admitted, at least one.
 * `admin` is admitted everywhere, so `['admin']` means "admin only" and
 * `['purchasing']` means admin or purchasing. There is no empty list: it
 * would read as "nobody" but has always meant "admin only", so it is refused.
 */
export type RoleRequirement = typeof ANY_ROLE | readonly [Role, ...Role[]];

/**
 * The roles a requirement admits, admin first; null for `ANY_ROLE`. Throws on
 * an empty list, so a declaration that names nobody fails where it is made.
 *
 * @example admittedRoles(['purchasing', 'service']) // ['admin', 'purchasing', 'service']
 * @example admittedRoles(['admin']) // ['admin']
 */
export function admittedRoles(required: RoleRequirement): readonly Role[] | null {
  if (required === ANY_ROLE) return null;
  if (required.length === 0) {
    throw new Error(`An empty role list admits nobody but admin by accident: write ['admin'] for admin only, or '${ANY_ROLE}' for every key`);
  }
  return ['admin', ...required.filter((role) => role !== 'admin')];
}

/**
 * The one role check of both services: passes when `principal` holds a role
 * the requirement admits, else throws 403 FORBIDDEN naming `action`, the
 * roles that would pass and the roles the key has.
 *
 * @example authorize(principal, ['planner', 'service'], 'Training forecasts')
 *   // a warehouse key: AppError FORBIDDEN 'Training forecasts needs one of the roles: admin, planner, service; this key has warehouse'
 */
export function authorize(principal: Principal, required: RoleRequirement, action: string): void {
  const admitted = admittedRoles(required);
  if (admitted === null || admitted.some((role) => principal.roles.includes(role))) return;
  throw new AppError('FORBIDDEN', `${action} needs one of the roles: ${admitted.join(', ')}; this key has ${principal.roles.join(', ')}`);
}

/** The sentence the API description gives for a requirement. @example describeRoles(['admin']) // 'Needs one of the roles: admin' */
export function describeRoles(required: RoleRequirement): string {
  const admitted = admittedRoles(required);
  return admitted === null ? 'Any valid API key, whatever its roles' : `Needs one of the roles: ${admitted.join(', ')}`;
}
