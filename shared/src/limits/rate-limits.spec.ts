import { describe, expect, it } from 'vitest';
import { AppError } from '../errors/app-error.js';
import { heavyReadLimiter } from './rate-limits.js';

const acme = { tenantId: 'acme' };
const globex = { tenantId: 'globex' };

async function refusal(promise: Promise<unknown>): Promise<AppError> {
  const error = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(AppError);
  return error as AppError;
}

describe('heavyReadLimiter', () => {
  it('lets a tenant run at most `tenantHeavyInFlight` heavy reads at once, and frees the slot on release (once)', async () => {
    const heavy = heavyReadLimiter({ tenantHeavyPerSecond: 100, tenantHeavyInFlight: 2 });
    const first = await heavy.admit(acme);
    const second = await heavy.admit(acme);
    const refused = await refusal(heavy.admit(acme));
    expect(refused).toMatchObject({ code: 'RATE_LIMITED', details: { retryAfterSeconds: 1 } });
    expect(refused.message).toMatch(/already has 2 heavy read\(s\) running \(limit 2 at once\)/);
    // Another tenant has its own slots.
    const other = await heavy.admit(globex);
    first();
    first(); // a second release of the same slot frees nothing more
    const third = await heavy.admit(acme);
    await refusal(heavy.admit(acme));
    for (const release of [second, third, other]) release();
    const again = await heavy.admit(acme);
    again();
  });

  it('limits how many heavy reads a tenant starts per second', async () => {
    const heavy = heavyReadLimiter({ tenantHeavyPerSecond: 3, tenantHeavyInFlight: 100 });
    for (let i = 0; i < 3; i++) (await heavy.admit(acme))();
    const refused = await refusal(heavy.admit(acme));
    expect(refused.message).toMatch(/limit 3\/s/);
    (await heavy.admit(globex))();
  });

  it('turns a rate under one per second into one start per window of 1/rate seconds', async () => {
    const heavy = heavyReadLimiter({ tenantHeavyPerSecond: 0.5, tenantHeavyInFlight: 100 });
    (await heavy.admit(acme))();
    const refused = await refusal(heavy.admit(acme));
    expect((refused.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeGreaterThanOrEqual(1);
    expect((refused.details as { retryAfterSeconds: number }).retryAfterSeconds).toBeLessThanOrEqual(2);
  });
});
