import { generateApiKey, hashApiKey, type RateLimitSettings, type Role } from '@icc/shared';
import { MongoClient, type Db } from 'mongodb';
import { inject } from 'vitest';
import { createAnalyticsApp } from '../../src/app.js';
import type { AnalyticsFastify } from '../../src/http/fastify-types.js';
import { ensureAnalyticsIndexes } from '../../src/pipeline.js';

export interface AnalyticsTestApp {
  app: AnalyticsFastify;
  client: MongoClient;
  analytics: Db;
  operational: Db;
  /** Write an API key into the operational key store, as the operational admin CLI would. */
  issueKey(tenantId: string, roles: Role[], options?: { revoked?: boolean }): Promise<string>;
  close(): Promise<void>;
}

/** The analytics app on fresh analytics + operational databases of the run's shared server. */
/** Limits far above what any test sends, so the access matrix and friends never meet a 429 (rate-limit tests set their own). */
export const GENEROUS_LIMITS: RateLimitSettings = {
  keyPerSecond: 100_000,
  keyBurst: 100_000,
  tenantPerSecond: 100_000,
  tenantBurst: 100_000,
  authFailuresPerMinute: 100_000,
  tenantHeavyPerSecond: 100_000,
  tenantHeavyInFlight: 100_000,
};

export async function startAnalyticsTestApp(
  options: { cdcStatus?: Parameters<typeof createAnalyticsApp>[0]['cdcStatus']; limits?: RateLimitSettings } = {},
): Promise<AnalyticsTestApp> {
  const suffix = `${process.pid}_${Math.random().toString(36).slice(2, 8)}`;
  const client = await MongoClient.connect(inject('mongoUri'));
  const analytics = client.db(`an_test_${suffix}`);
  const operational = client.db(`op_test_${suffix}`);
  await ensureAnalyticsIndexes(analytics);
  const app = await createAnalyticsApp({
    analytics,
    operational,
    limits: options.limits ?? GENEROUS_LIMITS,
    ...(options.cdcStatus ? { cdcStatus: options.cdcStatus } : {}),
  });
  return {
    app,
    client,
    analytics,
    operational,
    async issueKey(tenantId, roles, { revoked = false } = {}) {
      const key = generateApiKey();
      await operational.collection('apiKeys').insertOne({
        tenantId,
        name: `${roles.join('+')} key`,
        roles,
        keyHash: hashApiKey(key),
        prefix: key.slice(0, 10),
        ...(revoked ? { revokedAt: new Date() } : {}),
        createdAt: new Date(),
        updatedAt: new Date(),
      });
      return key;
    },
    async close() {
      await app.close();
      await analytics.dropDatabase();
      await operational.dropDatabase();
      await client.close();
    },
  };
}
