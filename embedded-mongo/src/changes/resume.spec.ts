import { Timestamp, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { asyncCodeOf, codeOf, drain, FakeStorage, pbrt } from './fake-storage.spec-helper.js';

const docIds = (events: Document[]): unknown[] => events.map((e) => e.documentKey?._id);

describe('resuming', () => {
  it('resumeAfter delivers exactly the events after the token', async () => {
    const s = new FakeStorage();
    const first = s.open({ db: 'app', coll: 'c' });
    for (let i = 1; i <= 5; i += 1) s.insert('app', 'c', { _id: i });
    const seen = await drain(first, 2);
    expect(docIds(seen)).toEqual([1, 2]);
    expect(pbrt(first)).toEqual(seen[1]?._id);
    const resumed = s.open({ db: 'app', coll: 'c', spec: { resumeAfter: seen[1]?._id } });
    expect(docIds(await drain(resumed))).toEqual([3, 4, 5]);
  });

  it('resuming from an empty-batch token skips what was already scanned', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c', pipeline: [{ $match: { 'fullDocument.keep': true } }] });
    const initial = pbrt(cursor)._data;
    s.insert('app', 'c', { _id: 1 });
    s.insert('app', 'c', { _id: 2 });
    expect(await drain(cursor)).toEqual([]);
    const mark = pbrt(cursor);
    expect(mark._data > initial).toBe(true);
    s.insert('app', 'c', { _id: 3 });
    const resumed = s.open({ db: 'app', coll: 'c', spec: { resumeAfter: mark } });
    expect(docIds(await drain(resumed))).toEqual([3]);
  });

  it('startAtOperationTime includes events at that cluster time', async () => {
    const s = new FakeStorage();
    s.insert('app', 'c', { _id: 1 });
    s.insert('app', 'c', { _id: 2 });
    const cursor = s.open({ db: 'app', coll: 'c', spec: { startAtOperationTime: s.clock.current() } });
    s.insert('app', 'c', { _id: 3 });
    expect(docIds(await drain(cursor))).toEqual([2, 3]);
    const fromStart = s.open({ db: 'app', coll: 'c', spec: { startAtOperationTime: new Timestamp({ t: 0, i: 0 }) } });
    expect(docIds(await drain(fromStart))).toEqual([1, 2, 3]);
  });

  it('startAfter an invalidate continues after the drop; resumeAfter it is refused', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    s.insert('app', 'c', { _id: 1 });
    s.drop('app', 'c');
    s.insert('app', 'c', { _id: 2 });
    const events = await drain(cursor);
    const invalidate = events.at(-1);
    expect(invalidate?.operationType).toBe('invalidate');
    expect(pbrt(cursor)).toEqual(invalidate?._id);
    expect(codeOf(() => s.open({ db: 'app', coll: 'c', spec: { resumeAfter: invalidate?._id } }))).toBe(260);
    const after = s.open({ db: 'app', coll: 'c', spec: { startAfter: invalidate?._id } });
    expect(docIds(await drain(after))).toEqual([2]);
  });

  it('resumeAfter the drop itself replays the invalidate first', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    s.drop('app', 'c');
    const [drop] = await drain(cursor, 1);
    expect(drop?.operationType).toBe('drop');
    const resumed = s.open({ db: 'app', coll: 'c', spec: { resumeAfter: drop?._id } });
    const events = await drain(resumed);
    expect(events.map((e) => e.operationType)).toEqual(['invalidate']);
    expect(resumed.exhausted).toBe(true);
  });

  it('a token naming an event that never happened here is refused with 280', () => {
    const s = new FakeStorage();
    s.insert('app', 'c', { _id: 1 });
    s.insert('app', 'c', { _id: 2 });
    const stranger = { _data: '8200000001000000018000000000' + '00' };
    expect(codeOf(() => s.open({ db: 'app', coll: 'c', spec: { resumeAfter: stranger } }))).toBe(280);
  });
});

describe('bounded history', () => {
  async function fill(limit: number, count: number): Promise<{ s: FakeStorage; tokens: Document[] }> {
    const s = new FakeStorage(limit);
    const cursor = s.open({ db: 'app', coll: 'c' });
    const tokens: Document[] = [];
    for (let i = 0; i < count; i += 1) {
      s.insert('app', 'c', { _id: i });
      if ((i + 1) % limit === 0) tokens.push(...(await drain(cursor)).map((e) => e._id));
    }
    return { s, tokens };
  }

  it('keeps the last historyLimit events and forgets older ones', async () => {
    const { s, tokens } = await fill(50, 200);
    expect(tokens).toHaveLength(200);
    const oldest = s.changes.oldestTime();
    const resumeFrom = (index: number): number => codeOf(() => s.open({ db: 'app', coll: 'c', spec: { resumeAfter: tokens[index] } }));
    expect(resumeFrom(0)).toBe(286);
    expect(resumeFrom(148)).toBe(286);
    expect(resumeFrom(149)).toBe(0);
    const resumed = s.open({ db: 'app', coll: 'c', spec: { resumeAfter: tokens[150] } });
    expect(docIds(await drain(resumed))).toHaveLength(49);
    expect(oldest).not.toBeNull();
    const at = (time: Timestamp): number => codeOf(() => s.open({ db: 'app', coll: 'c', spec: { startAtOperationTime: time } }));
    expect(at(new Timestamp({ t: 0, i: 1 }))).toBe(286);
    expect(at(oldest as Timestamp)).toBe(0);
  });

  it('before anything is forgotten, any older point works', () => {
    const s = new FakeStorage(50);
    for (let i = 0; i < 50; i += 1) s.insert('app', 'c', { _id: i });
    expect(codeOf(() => s.open({ db: 'app', coll: 'c', spec: { startAtOperationTime: new Timestamp({ t: 0, i: 1 }) } }))).toBe(0);
  });

  it('an open cursor that falls out of the window fails with 286', async () => {
    const s = new FakeStorage(10);
    const cursor = s.open({ db: 'app', coll: 'c' });
    for (let i = 0; i < 11; i += 1) s.insert('app', 'c', { _id: i });
    expect(await asyncCodeOf(drain(cursor))).toBe(286);
  });

  it('a long stream through a small window: every event delivered once and in order (the window bounds are the tests above)', async () => {
    // Speed is measured by `pnpm bench:embedded-mongo`, not asserted here; this checks what a bounded window must keep.
    const s = new FakeStorage(10_000);
    const cursor = s.open({ db: 'app', coll: 'c', pipeline: [{ $match: { 'fullDocument.n': { $gte: 0 } } }] });
    const seen: number[] = [];
    for (let i = 0; i < 200_000; i += 1) {
      s.changes.append([{ db: 'app', coll: 'c', op: 'insert', documentKey: { _id: i }, fullDocument: { _id: i, n: i } }]);
      if (i % 5_000 === 4_999) for (const event of await drain(cursor, 10_000)) seen.push((event as { documentKey: { _id: number } }).documentKey._id);
    }
    expect(seen.length).toBe(200_000);
    expect(seen.every((id, index) => id === index)).toBe(true);
  });
});
