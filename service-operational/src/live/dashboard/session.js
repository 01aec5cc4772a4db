// Who the page is signed in as (`GET /api/session`): the key's roles, so views hide the actions
// the key cannot do (the API refuses them anyway), and the tenant's currency for money.
import { api } from './api.js';
import { setCurrency } from './dom.js';

let roles = [];

/** Reads the session once at start; throws the ApiError (401 when not signed in). */
export async function loadSession() {
  const session = await api('/api/session');
  roles = session.roles ?? [];
  setCurrency(session.currency ?? 'USD');
  document.body.dataset.roles = roles.join(' ');
  return session;
}

/** True when the key holds one of `allowed` (admin may do everything), as the API decides. */
export function can(...allowed) {
  return roles.includes('admin') || allowed.some((role) => roles.includes(role));
}
