import { describe, expect, it } from 'vitest';
import { batcher } from './batcher.js';

/** A batcher that doubles numbers and records each run's inputs; `hold` keeps a run open until released. */
function doubling(groupOf?: (n: number) => string) {
  const runs: number[][] = [];
  let hold: Promise<void> | undefined;
  const double = batcher(async (inputs: number[]) => {
    runs.push(inputs);
    await hold;
    return inputs.map((n) => n * 2);
  }, groupOf);
  return {
    double,
    runs,
    holdRuns() {
      let release!: () => void;
      hold = new Promise((resolve) => (release = resolve));
      return () => {
        hold = undefined;
        release();
      };
    },
  };
}

describe('batcher', () => {
  it('answers the calls of one turn with one run, each call its own output', async () => {
    const { double, runs } = doubling();
    await expect(Promise.all([double(1), double(2), double(3)])).resolves.toEqual([2, 4, 6]);
    expect(runs).toEqual([[1, 2, 3]]);
  });

  it('runs a lone call by itself at the end of its turn', async () => {
    const { double, runs } = doubling();
    await expect(double(5)).resolves.toBe(10);
    await expect(double(6)).resolves.toBe(12);
    expect(runs).toEqual([[5], [6]]);
  });

  it('queues calls made while a run is under way and answers them together in the next run', async () => {
    const { double, runs, holdRuns } = doubling();
    const release = holdRuns();
    const first = double(1);
    await new Promise((resolve) => setImmediate(resolve)); // the first run has started and is held
    const later = [double(2), double(3)];
    await new Promise((resolve) => setTimeout(resolve, 5));
    expect(runs).toEqual([[1]]);
    release();
    await expect(Promise.all([first, ...later])).resolves.toEqual([2, 4, 6]);
    expect(runs).toEqual([[1], [2, 3]]);
  });

  it('never puts calls of different groups in one run', async () => {
    const { double, runs } = doubling((n) => (n % 2 === 0 ? 'even' : 'odd'));
    await expect(Promise.all([double(1), double(2), double(3), double(4)])).resolves.toEqual([2, 4, 6, 8]);
    expect(runs.sort((a, b) => a[0]! - b[0]!)).toEqual([
      [1, 3],
      [2, 4],
    ]);
  });

  it('fails only the calls of a failed run', async () => {
    let fail = true;
    const check = batcher(async (inputs: string[]) => {
      if (fail) throw new Error('database down');
      return inputs.map((s) => s.toUpperCase());
    });
    const failed = [check('a'), check('b')];
    await expect(Promise.allSettled(failed)).resolves.toEqual([
      { status: 'rejected', reason: new Error('database down') },
      { status: 'rejected', reason: new Error('database down') },
    ]);
    fail = false;
    await expect(check('c')).resolves.toBe('C');
  });
});
