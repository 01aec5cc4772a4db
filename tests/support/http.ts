/** What the journeys share to talk to the services: one JSON call with an API key, and a bounded wait. */

/** `method path` on `base` with `x-api-key: key` and an optional JSON body; the status and the parsed JSON answer. */
export async function call<T = Record<string, unknown>>(
  base: string,
  method: string,
  path: string,
  key: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${base}${path}`, {
    method,
    headers: { 'x-api-key': key, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  return { status: res.status, body: (await res.json()) as T };
}

/**
 * Probe every 100 ms until it answers something other than `undefined`, and return that; after
 * `timeoutMs` fail naming `what`. The wait only bounds a failure: a passing journey never waits it out.
 */
export async function eventually<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 120_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}
