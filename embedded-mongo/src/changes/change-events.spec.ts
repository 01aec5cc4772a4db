import { Timestamp, type Document } from 'bson';
import { describe, expect, it } from 'vitest';
import { codeOf, drain, FakeStorage } from './fake-storage.spec-helper.js';

describe('change events', () => {
  it('reports insert, update, replace, delete, drop then invalidate for a collection stream', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'users' });
    s.insert('app', 'users', { _id: 1, name: 'ann', tags: ['a'] });
    s.update('app', 'users', 1, { name: 'bob', tags: ['a', 'b'] });
    s.replace('app', 'users', { _id: 1, other: true });
    s.delete('app', 'users', 1);
    s.drop('app', 'users');
    s.insert('app', 'users', { _id: 2 });
    const events = await drain(cursor);
    expect(events.map((e) => e.operationType)).toEqual(['insert', 'update', 'replace', 'delete', 'drop', 'invalidate']);
    const [insert, update, replace, del, drop, invalidate] = events as [Document, Document, Document, Document, Document, Document];
    expect(insert).toMatchObject({ ns: { db: 'app', coll: 'users' }, documentKey: { _id: 1 }, fullDocument: { _id: 1, name: 'ann' } });
    expect(insert.clusterTime).toBeInstanceOf(Timestamp);
    expect(insert.wallTime).toBeInstanceOf(Date);
    expect(update.updateDescription).toEqual({ updatedFields: { name: 'bob', 'tags.1': 'b' }, removedFields: [], truncatedArrays: [] });
    expect(update).not.toHaveProperty('fullDocument');
    expect(replace.fullDocument).toEqual({ _id: 1, other: true });
    expect(del).not.toHaveProperty('fullDocument');
    expect(del.documentKey).toEqual({ _id: 1 });
    expect(drop.ns).toEqual({ db: 'app', coll: 'users' });
    expect(Object.keys(invalidate).sort()).toEqual(['_id', 'clusterTime', 'operationType', 'wallTime']);
    expect(invalidate.clusterTime).toEqual(drop.clusterTime);
    const ids = events.map((e) => (e._id as { _data: string })._data);
    expect([...ids].sort()).toEqual(ids);
    expect(new Set(ids).size).toBe(6);
    expect(cursor.exhausted).toBe(true);
    expect(await cursor.nextBatch(10, 0)).toEqual([]);
  });

  it('orders event fields as mongod does', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    s.insert('app', 'c', { _id: 1 });
    const [event] = await drain(cursor);
    expect(Object.keys(event ?? {})).toEqual(['_id', 'operationType', 'clusterTime', 'wallTime', 'fullDocument', 'ns', 'documentKey']);
  });

  it('gives all events of one commit the same clusterTime and increasing tokens, with txn fields', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c' });
    const lsid = { id: 'session' };
    const time = s.changes.append([
      { db: 'app', coll: 'c', op: 'insert', documentKey: { _id: 1 }, fullDocument: { _id: 1 }, lsid, txnNumber: 7n },
      { db: 'app', coll: 'c', op: 'insert', documentKey: { _id: 2 }, fullDocument: { _id: 2 }, lsid, txnNumber: 7n },
    ]);
    const events = await drain(cursor);
    expect(events).toHaveLength(2);
    expect(events.every((e) => (e.clusterTime as Timestamp).equals(time))).toBe(true);
    expect(events[0]?._id._data < events[1]?._id._data).toBe(true);
    expect(events[1]).toMatchObject({ lsid, txnNumber: 7n });
  });
});

describe('stream scope', () => {
  function writeEverywhere(s: FakeStorage): void {
    s.insert('app', 'a', { _id: 'app.a' });
    s.insert('app', 'b', { _id: 'app.b' });
    s.insert('app', 'system.views', { _id: 'app.system.views' });
    s.insert('other', 'a', { _id: 'other.a' });
    s.insert('admin', 'x', { _id: 'admin.x' });
    s.insert('config', 'x', { _id: 'config.x' });
    s.insert('local', 'x', { _id: 'local.x' });
  }
  const ids = (events: Document[]): unknown[] => events.map((e) => e.documentKey?._id);

  it('collection, database and cluster streams see their namespaces only', async () => {
    const s = new FakeStorage();
    const coll = s.open({ db: 'app', coll: 'a' });
    const db = s.open({ db: 'app' });
    const cluster = s.open({ db: 'admin', spec: { allChangesForCluster: true } });
    writeEverywhere(s);
    expect(ids(await drain(coll))).toEqual(['app.a']);
    expect(ids(await drain(db))).toEqual(['app.a', 'app.b']);
    expect(ids(await drain(cluster))).toEqual(['app.a', 'app.b', 'other.a']);
    expect([coll.ns, db.ns, cluster.ns]).toEqual(['app.a', 'app.$cmd.aggregate', 'admin.$cmd.aggregate']);
  });

  it('dropDatabase invalidates database streams but never cluster streams', async () => {
    const s = new FakeStorage();
    const coll = s.open({ db: 'app', coll: 'a' });
    const db = s.open({ db: 'app' });
    const cluster = s.open({ db: 'admin', spec: { allChangesForCluster: true } });
    s.changes.append([{ db: 'app', coll: 'a', op: 'drop' }]);
    s.changes.append([{ db: 'app', op: 'dropDatabase' }]);
    s.insert('app', 'a', { _id: 1 });
    expect((await drain(coll)).map((e) => e.operationType)).toEqual(['drop', 'invalidate']);
    const dbEvents = await drain(db);
    expect(dbEvents.map((e) => e.operationType)).toEqual(['drop', 'dropDatabase', 'invalidate']);
    expect(dbEvents[1]?.ns).toEqual({ db: 'app' });
    expect((await drain(cluster)).map((e) => e.operationType)).toEqual(['drop', 'dropDatabase', 'insert']);
    expect(cluster.exhausted).toBe(false);
  });

  it('dropDatabase alone still invalidates a collection stream in that database', async () => {
    const s = new FakeStorage();
    const coll = s.open({ db: 'app', coll: 'a' });
    s.changes.append([{ db: 'app', op: 'dropDatabase' }]);
    expect((await drain(coll)).map((e) => e.operationType)).toEqual(['invalidate']);
  });

  it('rename invalidates streams on either side but not the database stream', async () => {
    const s = new FakeStorage();
    const source = s.open({ db: 'app', coll: 'a' });
    const target = s.open({ db: 'app', coll: 'b' });
    const db = s.open({ db: 'app' });
    s.changes.append([{ db: 'app', coll: 'a', op: 'rename', to: { db: 'app', coll: 'b' } }]);
    const renamed = await drain(source);
    expect(renamed.map((e) => e.operationType)).toEqual(['rename', 'invalidate']);
    expect(renamed[0]).toMatchObject({ ns: { db: 'app', coll: 'a' }, to: { db: 'app', coll: 'b' } });
    expect((await drain(target)).map((e) => e.operationType)).toEqual(['rename', 'invalidate']);
    expect((await drain(db)).map((e) => e.operationType)).toEqual(['rename']);
  });

  it('rejects the namespaces mongod rejects', () => {
    const s = new FakeStorage();
    expect(codeOf(() => s.open({ db: 'app', spec: { allChangesForCluster: true } }))).toBe(72);
    expect(codeOf(() => s.open({ db: 'admin', coll: 'x', spec: { allChangesForCluster: true } }))).toBe(72);
    expect(codeOf(() => s.open({ db: 'admin' }))).toBe(73);
    expect(codeOf(() => s.open({ db: 'local', coll: 'oplog.rs' }))).toBe(73);
    expect(codeOf(() => s.open({ db: 'app', coll: 'system.views' }))).toBe(73);
  });
});

describe('fullDocument modes', () => {
  it('updateLookup returns the current document, or null once deleted', async () => {
    const s = new FakeStorage();
    const cursor = s.open({ db: 'app', coll: 'c', spec: { fullDocument: 'updateLookup' } });
    s.insert('app', 'c', { _id: 1, n: 0 });
    s.update('app', 'c', 1, { n: 1 });
    s.update('app', 'c', 1, { n: 2 });
    s.insert('app', 'c', { _id: 2, n: 0 });
    s.update('app', 'c', 2, { n: 1 });
    s.delete('app', 'c', 2);
    const updates = (await drain(cursor)).filter((e) => e.operationType === 'update');
    expect(updates.map((e) => e.fullDocument)).toEqual([{ _id: 1, n: 2 }, { _id: 1, n: 2 }, null]);
  });

  it('whenAvailable and required find no post-image for updates (none are kept, as mongod without changeStreamPreAndPostImages)', async () => {
    const s = new FakeStorage();
    const when = s.open({ db: 'app', coll: 'c', spec: { fullDocument: 'whenAvailable' } });
    const required = s.open({ db: 'app', coll: 'c', spec: { fullDocument: 'required' } });
    s.insert('app', 'c', { _id: 1, n: 0 });
    s.update('app', 'c', 1, { n: 1 });
    s.update('app', 'c', 1, { n: 2 });
    expect((await drain(when)).map((e) => e.fullDocument)).toEqual([{ _id: 1, n: 0 }, null, null]);
    await expect(drain(required)).rejects.toMatchObject({ code: 47 });
    s.commit({ db: 'app', coll: 'c', op: 'update', documentKey: { _id: 1 }, updateDescription: { updatedFields: {}, removedFields: [], truncatedArrays: [] } });
    expect(await drain(when).then((e) => e[0]?.fullDocument)).toBeNull();
  });

  it('fullDocumentBeforeChange: null when available is asked, an error when required', async () => {
    const s = new FakeStorage();
    const when = s.open({ db: 'app', coll: 'c', spec: { fullDocumentBeforeChange: 'whenAvailable' } });
    const required = s.open({ db: 'app', coll: 'c', spec: { fullDocumentBeforeChange: 'required' } });
    s.insert('app', 'c', { _id: 1 });
    s.delete('app', 'c', 1);
    const events = await drain(when);
    expect(events[0]).not.toHaveProperty('fullDocumentBeforeChange');
    expect(events[1]?.fullDocumentBeforeChange).toBeNull();
    await expect(drain(required)).rejects.toMatchObject({ code: 47 });
  });
});

describe('stage options', () => {
  it('rejects conflicting or unknown options with mongod codes', () => {
    const s = new FakeStorage();
    const open = (spec: Document): number => codeOf(() => s.open({ db: 'app', coll: 'c', spec }));
    const token = { _data: '826553F10000000001800000000000' };
    expect(open({ resumeAfter: token, startAfter: token })).toBe(50865);
    expect(open({ resumeAfter: token, startAtOperationTime: new Timestamp({ t: 1, i: 1 }) })).toBe(40674);
    expect(open({ startAtOperationTime: 5 })).toBe(14);
    expect(open({ bogus: 1 })).toBe(40415);
    expect(open({ showExpandedEvents: 'yes' })).toBe(14);
    expect(open({ fullDocument: 'sometimes' })).toBe(2);
    expect(open({ fullDocument: 'updateLookup', showExpandedEvents: true, $_internal: 1 })).toBe(0);
  });
});
