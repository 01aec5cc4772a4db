import { Rng } from '../demo/rng.js';
import type { Frequency } from '../forecast-eval/frequency.js';
import type { NamedSeries } from './long-format.js';

/** Generated lengths per frequency (M4's medians are longer for weekly and daily; these keep a 1,000-series run short). */
export const GENERATED_LENGTH: Record<Frequency, number> = { yearly: 30, quarterly: 60, monthly: 150, weekly: 260, daily: 730 };
const SEASON: Record<Frequency, number> = { yearly: 1, quarterly: 4, monthly: 12, weekly: 1, daily: 7 };
const FIRST_DAY = Date.UTC(2020, 0, 1);

export type Shape = 'flat' | 'trend' | 'damped' | 'random-walk';

/**
 * `count` reproducible series of one frequency, dated from 2020-01-01, for
 * benchmarks and evaluations where no held-back public data is at hand: a
 * level, one of four shapes (flat 40%, linear trend 30%, damped trend 15%,
 * random walk with drift 15%), an additive season of 0–30% of the level when
 * the frequency has one, and Gaussian noise of 3–15% of the level; never below
 * zero. Generated, so they say how the engine does on these shapes, not on
 * real data.
 *
 * @example generateSeries('monthly', 2, 7)[0]!.values.length // 150
 */
export function generateSeries(frequency: Frequency, count: number, seed: number, length = GENERATED_LENGTH[frequency]): (NamedSeries & { shape: Shape })[] {
  const season = SEASON[frequency];
  const dates = Array.from({ length }, (_, t) => dateAt(frequency, t));
  return Array.from({ length: count }, (_, i) => {
    const rng = new Rng(seed).fork(`${frequency}:${i}`);
    const level = rng.between(50, 1000);
    const roll = rng.float();
    const shape: Shape = roll < 0.4 ? 'flat' : roll < 0.7 ? 'trend' : roll < 0.85 ? 'damped' : 'random-walk';
    const slope = rng.between(-0.5, 1.5) * (level / length);
    const phi = rng.between(0.85, 0.98);
    const amplitude = season > 1 ? rng.between(0, 0.3) * level : 0;
    const pattern = Array.from({ length: season }, () => rng.normal());
    const noise = rng.between(0.03, 0.15) * level;
    let walk = 0;
    const values = Array.from({ length }, (_, t) => {
      walk += slope + 0.5 * noise * rng.normal();
      // A damped trend adds slope·φ^k at step k: it levels off at slope·φ/(1 − φ).
      const damped = (slope * phi * (1 - phi ** t)) / (1 - phi);
      const base = { flat: 0, trend: slope * t, damped, 'random-walk': walk }[shape];
      const value = level + base + amplitude * pattern[t % season]! + noise * rng.normal();
      return Math.max(0, Math.round(value * 100) / 100);
    });
    return { name: `${frequency}-${String(i + 1).padStart(4, '0')}`, values, dates, shape };
  });
}

function dateAt(frequency: Frequency, t: number): string {
  const start = new Date(FIRST_DAY);
  if (frequency === 'daily') start.setUTCDate(1 + t);
  else if (frequency === 'weekly') start.setUTCDate(1 + 7 * t);
  else start.setUTCMonth({ monthly: 1, quarterly: 3, yearly: 12 }[frequency] * t);
  return start.toISOString().slice(0, 10);
}
