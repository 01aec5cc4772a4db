import { factId, seriesId } from './fact-collections.js';
import type { SeriesDays } from './fact-inputs.js';
import type { FactKey } from './facts.types.js';

/**
 * Existing fact rows after `stockDays` (days that have stock events, just
 * recomputed) whose day-start stock or end-of-day on hand come from those
 * days: walking the series' later rows in day order, a row is reached while
 * the latest stock day before it is one of `stockDays`. Any row with
 * movements of its own is a new stock day and ends the reach (after itself:
 * its day-start still comes from before). Pure.
 *
 * @example laterRowsReached(['2026-03-01'], [{ day: '2026-03-03', stockEvents: 0 }, { day: '2026-03-05', stockEvents: 2 }, { day: '2026-03-07', stockEvents: 0 }])
 *   // ['2026-03-03', '2026-03-05']
 */
export function laterRowsReached(stockDays: readonly string[], laterRows: readonly { day: string; stockEvents: number }[]): string[] {
  const touched = new Set(stockDays);
  const timeline = [...new Set([...stockDays, ...laterRows.map((r) => r.day)])].sort();
  const rows = new Map(laterRows.map((r) => [r.day, r]));
  const reached: string[] = [];
  let lastStockDayTouched = false;
  for (const day of timeline) {
    const row = rows.get(day);
    if (touched.has(day)) {
      lastStockDayTouched = true;
      continue;
    }
    if (!row) continue;
    if (lastStockDayTouched) reached.push(day);
    if (row.stockEvents > 0) lastStockDayTouched = false;
  }
  return reached;
}

/**
 * The existing rows the carry-forward of freshly recomputed facts (or of the
 * keys that just got stock events: only `stockEvents > 0` is read) reaches (see
 * laterRowsReached), excluding the rows just recomputed. Works from the
 * series' recorded days (read with the inputs), so it costs no read. Pure.
 *
 * @example carryForwardKeys(keys, facts, inputs.series) // [{ tenantId: 't1', sku: 'A', locationCode: 'WH1', day: '2026-03-09' }]
 */
export function carryForwardKeys(
  keys: readonly FactKey[],
  facts: readonly (FactKey & { stockEvents: number })[],
  series: ReadonlyMap<string, SeriesDays>,
): FactKey[] {
  const stockDays = new Map<string, { key: FactKey; days: string[] }>();
  for (const f of facts) {
    if (f.stockEvents === 0) continue;
    const id = seriesId(f);
    const entry = stockDays.get(id) ?? { key: f, days: [] };
    entry.days.push(f.day);
    stockDays.set(id, entry);
  }
  const recomputed = new Set(keys.map(factId));
  const carried: FactKey[] = [];
  for (const [id, { key, days }] of stockDays) {
    const recorded = series.get(id);
    if (!recorded) continue;
    const first = days.reduce((a, b) => (a < b ? a : b));
    const withMovements = new Set(recorded.stockDays);
    const later = recorded.days.filter((day) => day > first).map((day) => ({ day, stockEvents: withMovements.has(day) ? 1 : 0 }));
    for (const day of laterRowsReached(days, later)) {
      const reached = { tenantId: key.tenantId, sku: key.sku, locationCode: key.locationCode, day };
      if (!recomputed.has(factId(reached))) carried.push(reached);
    }
  }
  return carried;
}
