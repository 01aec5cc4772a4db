import { describe, expect, it } from 'vitest';
import { asyncCodeOf, codeOf, drain, FakeStorage, pbrt } from './fake-storage.spec-helper.js';

const activeTimers = (): number => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;

describe('waiting getMore', () => {
  it('resolves as soon as a matching event is appended', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const started = performance.now();
    const pending = cursor.nextBatch(undefined, 5_000);
    setTimeout(() => s.insert('app', 'c', { _id: 1 }), 20);
    const batch = await pending;
    expect(batch.map((e) => e.documentKey._id)).toEqual([1]);
    expect(performance.now() - started).toBeLessThan(1_000);
  });

  it('resolves within a millisecond of a synchronous append', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const pending = cursor.nextBatch(undefined, 5_000);
    await new Promise((resolve) => setImmediate(resolve));
    const appended = performance.now();
    s.insert('app', 'c', { _id: 1 });
    await pending;
    expect(performance.now() - appended).toBeLessThan(5);
  });

  it('keeps waiting through non-matching appends, then times out with an advanced token', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const before = pbrt(cursor)._data;
    const started = performance.now();
    const pending = cursor.nextBatch(undefined, 80);
    setTimeout(() => s.insert('app', 'other', { _id: 1 }), 10);
    expect(await pending).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(75);
    expect(pbrt(cursor)._data > before).toBe(true);
  });

  it('maxTimeMS 0 answers at once; undefined waits the mongod default', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    let started = performance.now();
    expect(await cursor.nextBatch(undefined, 0)).toEqual([]);
    expect(performance.now() - started).toBeLessThan(20);
    started = performance.now();
    expect(await cursor.nextBatch(undefined, undefined)).toEqual([]);
    expect(performance.now() - started).toBeGreaterThanOrEqual(990);
  });

  it('close() ends a pending wait and leaves no timer behind', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const baseline = activeTimers();
    const pending = cursor.nextBatch(undefined, 60_000);
    expect(activeTimers()).toBe(baseline + 1);
    cursor.close();
    expect(await pending).toEqual([]);
    expect(activeTimers()).toBe(baseline);
    s.insert('app', 'c', { _id: 1 });
    expect(await cursor.nextBatch(10, 0)).toEqual([]);
  });

  it('a woken cursor clears its timer', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const baseline = activeTimers();
    const pending = cursor.nextBatch(undefined, 60_000);
    s.insert('app', 'c', { _id: 1 });
    await pending;
    expect(activeTimers()).toBe(baseline);
  });
});

describe('batches', () => {
  it('respects batchSize and reports the last returned event as the resume token', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    for (let i = 0; i < 25; i += 1) s.insert('app', 'c', { _id: i });
    const first = await cursor.nextBatch(10, 0);
    expect(first).toHaveLength(10);
    expect(pbrt(cursor)).toEqual(first[9]?._id);
    expect(await cursor.nextBatch(10, 0)).toHaveLength(10);
    expect(await cursor.nextBatch(10, 0)).toHaveLength(5);
    expect(await cursor.nextBatch(0, 0)).toEqual([]);
  });

  it('caps a batch at 1000 events when no batchSize is given', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    for (let i = 0; i < 1_500; i += 1) s.insert('app', 'c', { _id: i });
    expect(await cursor.nextBatch(undefined, 0)).toHaveLength(1_000);
    expect(await cursor.nextBatch(undefined, 0)).toHaveLength(500);
  });

  it('delivers the invalidate in the next batch when the drop filled the batch', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    s.drop('app', 'c');
    expect((await cursor.nextBatch(1, 0)).map((e) => e.operationType)).toEqual(['drop']);
    expect(cursor.exhausted).toBe(false);
    expect((await cursor.nextBatch(1, 0)).map((e) => e.operationType)).toEqual(['invalidate']);
    expect(cursor.exhausted).toBe(true);
  });
});

describe('pipeline after $changeStream', () => {
  it('applies $match and reshaping stages per event', async () => {
    const s = new FakeStorage();
    const cursor = s.open({
      db: 'app',
      coll: 'c',
      pipeline: [
        { $match: { operationType: 'insert', 'fullDocument.n': { $gte: 2 } } },
        { $addFields: { doubled: { $multiply: ['$fullDocument.n', 2] } } },
        { $project: { operationType: 1, doubled: 1 } },
      ],
    });
    for (let n = 0; n < 4; n += 1) s.insert('app', 'c', { _id: n, n });
    s.delete('app', 'c', 3);
    const events = await drain(cursor);
    expect(events.map((e) => [e.operationType, e.doubled])).toEqual([
      ['insert', 4],
      ['insert', 6],
    ]);
    expect(Object.keys(events[0] ?? {}).sort()).toEqual(['_id', 'doubled', 'operationType']);
  });

  it('never lets one cursor’s stages change what another cursor sees', async () => {
    const s = new FakeStorage();
    const writer = s.open({ db: 'app', coll: 'c', pipeline: [{ $set: { 'fullDocument.n': 99 } }, { $unset: 'fullDocument.x' }] });
    const reader = s.open({ db: 'app', coll: 'c' });
    s.insert('app', 'c', { _id: 1, n: 1, x: 1 });
    expect((await drain(writer))[0]?.fullDocument).toEqual({ _id: 1, n: 99 });
    expect((await drain(reader))[0]?.fullDocument).toEqual({ _id: 1, n: 1, x: 1 });
  });

  it('fails with 280 when a stage removes or changes the resume token', async () => {
    const s = new FakeStorage();
    const removed = s.open({ db: 'app', coll: 'c', pipeline: [{ $project: { _id: 0 } }] });
    const changed = s.open({ db: 'app', coll: 'c', pipeline: [{ $set: { _id: 'mine' } }] });
    s.insert('app', 'c', { _id: 1 });
    expect(await asyncCodeOf(drain(removed))).toBe(280);
    expect(await asyncCodeOf(drain(changed))).toBe(280);
  });

  it('rejects stages mongod does not allow in a change stream', () => {
    const s = new FakeStorage();
    const open = (pipeline: object[]): number => codeOf(() => s.open({ db: 'app', coll: 'c', pipeline }));
    expect(open([{ $group: { _id: null } }])).toBe(20);
    expect(open([{ $lookup: {} }])).toBe(20);
    expect(open([{ $match: {}, $project: {} }])).toBe(2);
    expect(open([{ $match: { x: { $bogus: 1 } } }])).toBe(2);
    expect(open([{ $replaceWith: '$fullDocument' }, { $redact: '$$KEEP' }, { $unset: 'a' }])).toBe(0);
  });
});
