import { Timestamp } from 'bson';
import { describe, expect, it, vi } from 'vitest';
import { ChangeHistory, type StoredEvent } from './change-history.js';
import { eventKey, highWaterMarkKey } from './resume-token.js';

const event = (n: number): StoredEvent => {
  const clusterTime = new Timestamp({ t: 100, i: n + 1 });
  return { key: eventKey(clusterTime, 0), clusterTime, wallTime: new Date(0), entry: { db: 'd', coll: 'c', op: 'insert', documentKey: { _id: n } } };
};
const ids = (history: ChangeHistory): unknown[] => {
  const out: unknown[] = [];
  for (let seq = history.firstSeq; seq < history.nextSeq; seq += 1) out.push(history.at(seq).entry.documentKey?._id);
  return out;
};

describe('ChangeHistory', () => {
  it('keeps the last `limit` events in order across many wrap-arounds', () => {
    const history = new ChangeHistory(4);
    for (let n = 0; n < 23; n += 1) history.append([event(n)]);
    expect([history.firstSeq, history.nextSeq]).toEqual([19, 23]);
    expect(ids(history)).toEqual([19, 20, 21, 22]);
    expect(history.oldest()?.entry.documentKey?._id).toBe(19);
    expect(history.newest()?.entry.documentKey?._id).toBe(22);
    expect(history.lastDropped()?.entry.documentKey?._id).toBe(18);
    expect(() => history.at(18)).toThrow(RangeError);
  });

  it('locates keys by binary search and knows what was forgotten', () => {
    const history = new ChangeHistory(4);
    for (let n = 0; n < 10; n += 1) history.append([event(n)]);
    expect(history.seqAfter(event(7).key)).toBe(8);
    expect(history.seqAfter(highWaterMarkKey(event(7).clusterTime))).toBe(7);
    expect(history.seqAfter(event(9).key)).toBe(10);
    expect(history.find(event(8).key)?.entry.documentKey?._id).toBe(8);
    expect(history.find(event(5).key)?.entry.documentKey?._id).toBe(5);
    expect(history.find(event(4).key)).toBeNull();
    expect(history.lostAfter(event(4).key)).toBe(true);
    expect(history.lostAfter(event(5).key)).toBe(false);
    expect(history.lostBefore(5)).toBe(true);
    expect(history.lostBefore(6)).toBe(false);
  });

  it('wakes each waiter once per registration, and not after cancelling', () => {
    const history = new ChangeHistory(10);
    const woken = vi.fn();
    const cancelled = vi.fn();
    history.onAppend(woken);
    history.onAppend(cancelled)();
    history.append([event(0)]);
    history.append([event(1)]);
    history.append([]);
    expect(woken).toHaveBeenCalledTimes(1);
    expect(cancelled).not.toHaveBeenCalled();
  });

  it('rejects a limit that is not a positive integer', () => {
    expect(() => new ChangeHistory(0)).toThrow(RangeError);
    expect(() => new ChangeHistory(1.5)).toThrow(RangeError);
  });
});
