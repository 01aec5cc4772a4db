import type { ClientSession, Db } from 'mongodb';
import type { FeatureTouch } from '../facts/facts.types.js';
import { recomputeFeatures } from './feature-store.js';

/**
 * Deferring feature work while a backlog is caught up. The touches wait in
 * memory (they are many and cheap to merge); what is committed with each
 * deferred batch's facts is only one marker, `featureState._id = 'dirty'`.
 * If the process dies before the deferred work is done, the next one finds
 * the marker and rebuilds the features of every SKU with facts — costly, but
 * only after a crash in the middle of a catch-up, and never wrong.
 */
export const FEATURE_STATE = 'featureState';

interface StateDoc {
  _id: 'dirty';
  since: Date;
}

/** Inside the facts transaction: record that some feature work is deferred. */
export async function markFeaturesDirty(db: Db, session: ClientSession): Promise<void> {
  await db
    .collection<StateDoc>(FEATURE_STATE)
    .updateOne({ _id: 'dirty' }, { $setOnInsert: { since: new Date() } }, { upsert: true, session });
}

/** Feature work of deferred batches, merged per SKU to its earliest day. */
export class FeatureBacklog {
  private readonly pending = new Map<string, FeatureTouch>();
  /** Deferred work exists whose marker must be cleared once it is done. */
  private dirty = false;
  private recovered = false;

  constructor(private readonly db: Db) {}

  get size(): number {
    return this.pending.size;
  }

  /** Whether a flush would do anything: deferred work, or the first flush's check for a crashed process's. */
  get hasWork(): boolean {
    return this.pending.size > 0 || this.dirty || !this.recovered;
  }

  /** Keep a deferred batch's touches (its facts transaction committed the marker). */
  defer(touches: readonly FeatureTouch[]): void {
    this.merge(touches);
    this.dirty = true;
  }

  /**
   * Recompute `now` plus everything deferred, then clear the marker. On the
   * first call of a process, a marker left by a previous one means its
   * deferred work was lost: rebuild every SKU that has facts. `signal` stops
   * the recomputation between SKU chunks (it then throws).
   */
  async flush(now: readonly FeatureTouch[] = [], signal?: AbortSignal): Promise<void> {
    const state = this.db.collection<StateDoc>(FEATURE_STATE);
    if (!this.recovered) {
      if (await state.findOne({ _id: 'dirty' })) {
        this.merge(await everySkuWithFacts(this.db));
        this.dirty = true;
      }
      this.recovered = true;
    }
    this.merge(now);
    // Cleared only once done: a failed or aborted recomputation is redone by the next flush (or, after an exit, by the marker).
    if (this.pending.size > 0) await recomputeFeatures(this.db, [...this.pending.values()], signal);
    this.pending.clear();
    if (this.dirty) {
      await state.deleteOne({ _id: 'dirty' });
      this.dirty = false;
    }
  }

  private merge(touches: readonly FeatureTouch[]): void {
    for (const touch of touches) {
      const key = `${touch.tenantId}\u0000${touch.sku}`;
      const known = this.pending.get(key);
      if (!known || touch.fromDay < known.fromDay) this.pending.set(key, touch);
    }
  }
}

async function everySkuWithFacts(db: Db): Promise<FeatureTouch[]> {
  const rows = await db
    .collection('dailySalesFacts')
    .aggregate<{ _id: { tenantId: string; sku: string }; fromDay: string }>([
      { $group: { _id: { tenantId: '$tenantId', sku: '$sku' }, fromDay: { $min: '$day' } } },
    ])
    .toArray();
  return rows.map((r) => ({ tenantId: r._id.tenantId, sku: r._id.sku, fromDay: r.fromDay }));
}
