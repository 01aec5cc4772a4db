import { describe, expect, it } from 'vitest';
import { PositionLocks } from './position-locks.js';

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe('PositionLocks', () => {
  it('runs work on the same key one at a time, in arrival order', async () => {
    const locks = new PositionLocks();
    const log: string[] = [];
    const job = (name: string) =>
      locks.withLocks(['a'], async () => {
        log.push(`${name} start`);
        await tick();
        log.push(`${name} end`);
      });
    await Promise.all([job('1'), job('2'), job('3')]);
    expect(log).toEqual(['1 start', '1 end', '2 start', '2 end', '3 start', '3 end']);
    expect(locks.busy).toBe(0);
  });

  it('lets work on different keys overlap', async () => {
    const locks = new PositionLocks();
    let concurrent = 0;
    let peak = 0;
    const job = (key: string) =>
      locks.withLocks([key], async () => {
        peak = Math.max(peak, ++concurrent);
        await tick();
        concurrent--;
      });
    await Promise.all([job('a'), job('b'), job('c')]);
    expect(peak).toBe(3);
  });

  it('never deadlocks when two jobs want the same keys in opposite order', async () => {
    const locks = new PositionLocks();
    const done: string[] = [];
    await Promise.all([
      locks.withLocks(['a', 'b'], async () => {
        await tick();
        done.push('ab');
      }),
      locks.withLocks(['b', 'a'], async () => {
        await tick();
        done.push('ba');
      }),
    ]);
    expect(done.sort()).toEqual(['ab', 'ba']);
  });

  it('releases the keys when the work fails', async () => {
    const locks = new PositionLocks();
    await expect(
      locks.withLocks(['a'], async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    await expect(locks.withLocks(['a'], async () => 'next')).resolves.toBe('next');
    expect(locks.busy).toBe(0);
  });
});
