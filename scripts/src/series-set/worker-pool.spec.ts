import { describe, expect, it } from 'vitest';
import { inOrderedChunks, threadsFor } from './worker-pool.js';

describe('inOrderedChunks', () => {
  it('emits chunks in input order even when later chunks finish first, and counts progress', async () => {
    const emitted: number[][] = [];
    const progress: number[] = [];
    // Chunk i finishes after (3 − i) × 5 ms: the last one first.
    const run = async (chunk: number[]) => {
      await new Promise((resolve) => setTimeout(resolve, (3 - chunk[0]! / 2) * 5));
      return chunk.map((n) => n * 10);
    };
    await inOrderedChunks(
      [0, 1, 2, 3, 4, 5, 6],
      2,
      run,
      (results) => emitted.push(results),
      (done) => progress.push(done),
    );
    expect(emitted).toEqual([[0, 10], [20, 30], [40, 50], [60]]);
    expect(progress).toEqual([1, 3, 5, 7]);
  });

  it('starts no worker for a single chunk', () => {
    expect(threadsFor(1, 4)).toBe(0);
    expect(threadsFor(3, 2)).toBe(2);
    expect(threadsFor(3, 8)).toBe(3);
  });
});
