import { describe, expect, it } from 'vitest';
import { imputeCensored, imputeCensoredCausally } from './censoring.js';

describe('imputeCensored', () => {
  it('replaces a stock-out by the mean of the same seasonal position in earlier seasons', () => {
    const values = [10, 20, 30, 12, 22, 32, 0, 24, 34];
    const censored = values.map((_, i) => i === 6);
    expect(imputeCensored(values, censored, 3)).toEqual([10, 20, 30, 12, 22, 32, 11, 24, 34]);
  });

  it('never lowers what was observed: demand was at least what sold', () => {
    expect(imputeCensored([5, 5, 5, 9], [false, false, false, true], 1)).toEqual([5, 5, 5, 9]);
  });

  it('does not feed a long stock-out on its own guesses', () => {
    // season 1: the last usable values are 8, 10, 12 → 10 for every censored day
    const values = [8, 10, 12, 0, 0, 0];
    const censored = [false, false, false, true, true, true];
    expect(imputeCensored(values, censored, 1)).toEqual([8, 10, 12, 10, 10, 10]);
  });

  it('uses the first usable value after a stock-out at the very start', () => {
    expect(imputeCensored([0, 0, 7, 8], [true, true, false, false], 1)).toEqual([7, 7, 7, 8]);
  });
});

describe('imputeCensoredCausally', () => {
  it('imputes from earlier seasons like imputeCensored, but never borrows a later value', () => {
    const values = [0, 0, 7, 8, 0];
    const censored = [true, true, false, false, true];
    // the stock-outs at the start have nothing before them: they keep what was observed
    expect(imputeCensoredCausally(values, censored, 1)).toEqual([0, 0, 7, 8, 7.5]);
    expect(imputeCensored(values, censored, 1)).toEqual([7, 7, 7, 8, 7.5]);
  });

  it('imputes each period from the periods up to it only', () => {
    const values = [10, 20, 30, 12, 22, 0, 24, 0, 34, 0];
    const censored = values.map((v) => v === 0);
    const changedLater = [...values.slice(0, 6), 99, 99, 99, 99];
    expect(imputeCensoredCausally(changedLater, censored, 3).slice(0, 6)).toEqual(imputeCensoredCausally(values, censored, 3).slice(0, 6));
  });
});
