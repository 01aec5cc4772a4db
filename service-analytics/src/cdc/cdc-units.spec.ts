import { MongoServerError, Timestamp, type ChangeStreamDocument } from 'mongodb';
import { describe, expect, it } from 'vitest';
import { backoffDelay } from '@icc/shared';
import { isResumePointLost } from './cdc-errors.js';
import { statusTracker } from './cdc-status.js';
import { backfillChange, sourcePipeline, toSourceChange } from './source-change.js';

const event = (fields: Record<string, unknown>) => fields as unknown as ChangeStreamDocument;

describe('toSourceChange', () => {
  const base = { _id: { _data: '82' }, clusterTime: new Timestamp({ t: 1_750_000_000, i: 3 }), documentKey: { _id: 'x' } };

  it('keeps data changes of source collections, with the wall time as event time', () => {
    const wallTime = new Date('2025-06-15T10:00:00Z');
    const converted = toSourceChange(
      event({ ...base, operationType: 'update', ns: { db: 'op', coll: 'salesOrders' }, fullDocument: { _id: 'x', status: 'shipped' }, wallTime }),
    );
    expect(converted).toEqual({
      change: {
        collection: 'salesOrders',
        operationType: 'update',
        documentKey: { _id: 'x' },
        fullDocument: { _id: 'x', status: 'shipped' },
        clusterTime: base.clusterTime,
      },
      eventTime: wallTime,
    });
  });

  it('falls back to the cluster time, gives deletes a null document, and drops everything else', () => {
    const deleted = toSourceChange(event({ ...base, operationType: 'delete', ns: { db: 'op', coll: 'products' } }));
    expect(deleted?.change.fullDocument).toBeNull();
    expect(deleted?.eventTime).toEqual(new Date(1_750_000_000 * 1000));
    // An update whose document is gone by lookup time: null, never undefined.
    expect(
      toSourceChange(event({ ...base, operationType: 'update', ns: { db: 'op', coll: 'campaigns' }, fullDocument: null }))?.change.fullDocument,
    ).toBeNull();
    expect(toSourceChange(event({ ...base, operationType: 'insert', ns: { db: 'op', coll: 'apiKeys' }, fullDocument: {} }))).toBeNull();
    expect(
      toSourceChange(event({ ...base, operationType: 'insert', ns: { db: 'op', coll: 'purchaseOrders' }, fullDocument: { _id: 'x' } }))?.change.collection,
    ).toBe('purchaseOrders');
    expect(toSourceChange(event({ ...base, operationType: 'drop', ns: { db: 'op', coll: 'salesOrders' } }))).toBeNull();
  });

  it('filters on the server by collection and operation; backfill changes are replaces without a time', () => {
    expect(sourcePipeline()).toEqual([
      {
        $match: {
          'ns.coll': {
            $in: [
              'salesOrders',
              'stockMovements',
              'stockPositions',
              'products',
              'campaigns',
              'suppliers',
              'productSuppliers',
              'locations',
              'purchaseOrders',
              'transferExecutions',
            ],
          },
          operationType: { $in: ['insert', 'update', 'replace', 'delete'] },
        },
      },
    ]);
    expect(backfillChange('products', { _id: 7, sku: 'A' })).toEqual({
      collection: 'products',
      operationType: 'replace',
      documentKey: { _id: 7 },
      fullDocument: { _id: 7, sku: 'A' },
      clusterTime: null,
    });
  });
});

describe('statusTracker', () => {
  it('reports lag behind the newest change while behind, 0 once the stream ran dry, null before any', () => {
    let now = Date.parse('2025-06-15T10:00:10Z');
    const tracker = statusTracker(() => now);
    expect(tracker.snapshot()).toEqual({ state: 'stopped', lastEventAt: null, lastCheckpointAt: null, lagSeconds: null, eventsProcessed: 0 });
    tracker.setState('streaming');
    tracker.applied(5, new Date('2025-06-15T10:00:00Z'), new Date('2025-06-15T10:00:10Z'));
    expect(tracker.snapshot()).toMatchObject({
      eventsProcessed: 5,
      lagSeconds: 10,
      lastEventAt: '2025-06-15T10:00:00.000Z',
      lastCheckpointAt: '2025-06-15T10:00:10.000Z',
    });
    tracker.setCaughtUp(true);
    now += 60_000;
    expect(tracker.snapshot().lagSeconds).toBe(0);
    tracker.setState('failed');
    expect(tracker.snapshot().lagSeconds).toBe(70);
  });
});

describe('errors', () => {
  it('treats 286, 260 and 280 as a lost resume point and nothing else', () => {
    for (const code of [286, 260, 280]) expect(isResumePointLost(new MongoServerError({ code, errmsg: 'x' }))).toBe(true);
    expect(isResumePointLost(new MongoServerError({ code: 112, errmsg: 'WriteConflict' }))).toBe(false);
    expect(isResumePointLost(new Error('286'))).toBe(false);
  });

  it('backs off exponentially with jitter, capped', () => {
    for (let attempt = 0; attempt < 20; attempt++) {
      const delay = backoffDelay(attempt);
      expect(delay).toBeGreaterThanOrEqual(0);
      expect(delay).toBeLessThan(Math.min(30_000, 250 * 2 ** attempt) + 1e-9);
    }
  });
});
