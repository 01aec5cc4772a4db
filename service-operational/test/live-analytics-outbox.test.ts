import { createLogger } from '@icc/shared';
import type { Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { followAnalyticsOutbox, type AnalyticsOutboxFollower } from '../src/live/live.analytics-outbox.js';
import { liveClient, type LiveClient } from './support/live-client.js';
import { startTestApp, type TestApp } from './support/test-app.js';

/**
 * The analytics service announces forecasts by appending to its `liveOutbox`;
 * the operational hub follows it with a change stream and publishes each
 * event to the tenant's dashboard room, numbered in the tenant's sequence.
 */
let t: TestApp;
let analytics: Db;
let follower: AnalyticsOutboxFollower;
const clients: LiveClient[] = [];

beforeAll(async () => {
  t = await startTestApp();
  analytics = t.models.Product.db.getClient().db(`an_outbox_${process.pid}_${Math.random().toString(36).slice(2, 8)}`);
  await analytics.createCollection('liveOutbox');
  follower = followAnalyticsOutbox({ analytics, live: t.live, log: createLogger({ name: 'outbox-test', level: 'silent' }) });
});
afterAll(async () => {
  for (const c of clients) c.close();
  await follower.stop();
  await analytics.dropDatabase();
  await t.close();
});

async function connect(key: string): Promise<LiveClient> {
  const client = liveClient(t.baseUrl, key);
  clients.push(client);
  await client.connected();
  return client;
}

const forecastUpdated = (jobId: string) => ({ jobId, forecastDate: '2026-08-31', skus: 2, sample: ['SLOW', 'WEEKLY'], medianMase: 0.71 });

describe('analytics outbox → live hub', () => {
  it("publishes forecast:updated to the tenant's dashboard only, in the tenant's sequence; a malformed event is skipped", async () => {
    const acme = await connect(t.keys.admin);
    const globex = await connect(t.keys.otherTenant);
    await follower.ready;
    const before = (await t.as(t.keys.admin).get('/api/live/snapshot')).body.seq as number;

    await analytics.collection('liveOutbox').insertMany([
      { tenantId: 'acme', event: 'forecast:updated', room: 'dashboard', data: { jobId: 'broken' }, createdAt: new Date() },
      { tenantId: 'acme', event: 'forecast:updated', room: 'dashboard', data: forecastUpdated('train-1'), createdAt: new Date() },
    ]);
    const { envelope } = await acme.waitFor((r) => r.event === 'forecast:updated', 'forecast:updated');
    expect(envelope.data).toEqual(forecastUpdated('train-1'));
    // the malformed one took no sequence number: the valid one is the next after the snapshot
    expect(envelope.seq).toBe(before + 1);
    expect(acme.received.filter((r) => r.event === 'forecast:updated')).toHaveLength(1);

    // globex saw nothing of acme's; its own event reaches it
    await analytics
      .collection('liveOutbox')
      .insertOne({ tenantId: 'globex', event: 'forecast:updated', room: 'dashboard', data: forecastUpdated('train-g'), createdAt: new Date() });
    const own = await globex.waitFor((r) => r.event === 'forecast:updated', 'globex forecast:updated');
    expect(own.envelope.data.jobId).toBe('train-g');
    expect(globex.received.filter((r) => r.event === 'forecast:updated').map((r) => r.envelope.data.jobId)).toEqual(['train-g']);
  });

  it('publishes alert:raised / alert:updated / alert:resolved with their typed payloads, in order; a payload outside the contract is skipped', async () => {
    const acme = await connect(t.keys.admin);
    await follower.ready;
    const alert = (status: string, severity: string) => ({
      id: '0123456789abcdef01234567',
      type: 'STOCKOUT_PREDICTED',
      severity,
      status,
      sku: 'SKU-1',
      locationCode: 'WH-1',
      title: 'SKU-1 runs out at WH-1 on 2026-03-13',
      predictedDate: '2026-03-13',
      impact: { units: 180, value: 1800 },
    });
    const row = (event: string, data: unknown) => ({ tenantId: 'acme', event, room: 'dashboard', data, createdAt: new Date() });
    await analytics
      .collection('liveOutbox')
      .insertMany([
        row('alert:raised', { id: 'x', severity: 'SEVERE' }),
        row('alert:raised', alert('ACTIVE', 'CRITICAL')),
        row('alert:updated', alert('ACKNOWLEDGED', 'CRITICAL')),
        row('alert:resolved', alert('RESOLVED', 'CRITICAL')),
      ]);
    await acme.waitFor((r) => r.event === 'alert:resolved', 'alert:resolved');
    const alerts = acme.received.filter((r) => r.event.startsWith('alert:'));
    expect(alerts.map((r) => [r.event, (r.envelope.data as { status: string }).status])).toEqual([
      ['alert:raised', 'ACTIVE'],
      ['alert:updated', 'ACKNOWLEDGED'],
      ['alert:resolved', 'RESOLVED'],
    ]);
    expect(alerts[0]!.envelope.data).toEqual(alert('ACTIVE', 'CRITICAL'));
    expect(alerts[2]!.envelope.seq - alerts[0]!.envelope.seq).toBe(2);
  });
});
