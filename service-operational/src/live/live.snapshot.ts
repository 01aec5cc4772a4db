import type { LiveSnapshot, Principal } from '@icc/shared';
import type { Models } from '../db/models.js';
import { toStockPosition, type StockPositionRecord } from '../stock/stock-position.model.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { recentOrders, recentReceipts } from './live.feeds.js';

const MAX_POSITIONS = 1_000;
const RECENT = 20;

/**
 * The state a client (re)starts from. `seq` is read BEFORE the data: every
 * event published after that point has a higher seq, so a client that applies
 * only events with seq > snapshot.seq misses nothing. An event between the two
 * reads is both in the data and replayed; applying it again is harmless
 * (stock events carry absolute balances, orders are keyed by id).
 */
export async function readSnapshot(models: Models, principal: Principal, position: { epoch: string; seq: number }): Promise<LiveSnapshot> {
  const { epoch, seq } = position;
  const at = new Date().toISOString();
  return runAsPrincipal(principal, async () => {
    const [positions, orders, receipts] = await Promise.all([
      models.StockPosition.find({})
        // Low stock first: what a purchasing manager acts on.
        .sort({ lowStock: -1, sku: 1, locationCode: 1 })
        .limit(MAX_POSITIONS)
        .lean<StockPositionRecord[]>(),
      recentOrders(models, RECENT),
      recentReceipts(models, RECENT),
    ]);
    return { epoch, seq, at, positions: positions.map(toStockPosition), recentOrders: orders, recentReceipts: receipts };
  });
}
