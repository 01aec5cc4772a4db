import { describe, expect, it } from 'vitest';
import { requestIdFrom } from './logger.js';

describe('requestIdFrom', () => {
  it("keeps a caller's sane request id", () => {
    expect(requestIdFrom('abc-123')).toBe('abc-123');
    expect(requestIdFrom(['first', 'second'])).toBe('first');
  });

  it('replaces a missing or unsafe id with a new UUID', () => {
    const uuid = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
    expect(requestIdFrom(undefined)).toMatch(uuid);
    expect(requestIdFrom('bad id\nwith newline')).toMatch(uuid);
    expect(requestIdFrom('x'.repeat(200))).toMatch(uuid);
  });
});
