import { Timestamp } from 'bson';
import { describe, expect, it } from 'vitest';
import type { CommandError } from '../errors.js';
import { baseEventKey, decodeKey, eventKey, highWaterMarkKey, invalidateKeyOf, nextTimestamp, parseResumeToken } from './resume-token.js';

const ts = (t: number, i: number): Timestamp => new Timestamp({ t, i });

describe('resume tokens', () => {
  it('sort as strings in history order', () => {
    const keys = [
      highWaterMarkKey(ts(5, 1)),
      eventKey(ts(5, 1), 0),
      eventKey(ts(5, 1), 1),
      invalidateKeyOf(eventKey(ts(5, 1), 1)),
      eventKey(ts(5, 1), 2),
      highWaterMarkKey(ts(5, 2)),
      eventKey(ts(5, 2), 0),
      eventKey(ts(6, 1), 0),
      eventKey(ts(0x7fffffff, 0xfffffffe), 0x10000),
    ];
    expect([...keys].sort()).toEqual(keys);
  });

  it('round-trip through decodeKey', () => {
    const key = invalidateKeyOf(eventKey(ts(1_700_000_000, 42), 3));
    const decoded = decodeKey(key);
    expect(decoded?.clusterTime.t).toBe(1_700_000_000);
    expect(decoded?.clusterTime.i).toBe(42);
    expect(decoded?.txnOpIndex).toBe(3);
    expect(decoded?.fromInvalidate).toBe(true);
    expect(decoded?.highWaterMark).toBe(false);
    expect(decodeKey(highWaterMarkKey(ts(1, 1)))?.highWaterMark).toBe(true);
    expect(baseEventKey(key)).toBe(eventKey(ts(1_700_000_000, 42), 3));
  });

  it('nextTimestamp steps the increment, carrying into seconds', () => {
    expect(nextTimestamp(ts(5, 1)).i).toBe(2);
    const carried = nextTimestamp(ts(5, 0xffffffff));
    expect([carried.t, carried.i]).toEqual([6, 0]);
  });

  it('parseResumeToken accepts our tokens in any hex case and rejects others', () => {
    const key = eventKey(ts(9, 9), 0);
    expect(parseResumeToken({ _data: key.toLowerCase() }, 'resumeAfter')).toBe(key);
    const codeOf = (value: unknown): number => {
      try {
        parseResumeToken(value, 'resumeAfter');
        return 0;
      } catch (error) {
        return (error as CommandError).code;
      }
    };
    expect(codeOf('abc')).toBe(14);
    expect(codeOf({})).toBe(40647);
    expect(codeOf({ _data: 5 })).toBe(40647);
    expect(codeOf({ _data: 'zz' })).toBe(260);
    expect(codeOf({ _data: '8200000001' })).toBe(260);
  });
});
