// Every HTTP call of the dashboard's views goes through `api`: the one place that says how the
// page proves who it is — the session cookie (sent by the browser, same origin only) and, on
// writes, the CSRF header the server requires with it. Analytics paths go through the operational
// service's same-origin proxy: `/analytics/api/...`.

const WRITE_METHODS = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** An answer in the one error shape (or a network failure, status 0). */
export class ApiError extends Error {
  constructor(status, body) {
    super(body?.message ?? `HTTP ${status}`);
    this.status = status;
    this.code = body?.code ?? null;
    this.details = body?.details;
  }
}

/**
 * @param {string} path e.g. `/api/stock/current?limit=100` or `/analytics/api/dashboard/summary`
 * @param {{ method?: string, body?: unknown }} [options]
 * @returns {Promise<any>} the parsed JSON answer
 */
export async function api(path, { method = 'GET', body } = {}) {
  const headers = { accept: 'application/json' };
  if (WRITE_METHODS.has(method)) headers['x-icc-csrf'] = '1';
  if (body !== undefined) headers['content-type'] = 'application/json';
  let response;
  try {
    response = await fetch(path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), credentials: 'same-origin' });
  } catch (error) {
    throw new ApiError(0, { message: `Cannot reach the service (${error.message})` });
  }
  const parsed = await response.json().catch(() => undefined);
  if (!response.ok) throw new ApiError(response.status, parsed);
  return parsed;
}

/** `?a=1&b=2` from the defined, non-empty values of an object. */
export function query(params) {
  const search = new URLSearchParams();
  for (const [name, value] of Object.entries(params)) if (value !== undefined && value !== null && value !== '') search.set(name, String(value));
  const text = search.toString();
  return text ? `?${text}` : '';
}
