import type { ChangeSink, SourceChange, Pipeline } from '@icc/service-analytics/testing';
import type { MongoClient } from 'mongodb';

/**
 * A CDC sink wrapper that lets a journey wait until everything written to the
 * source so far has been applied: `caughtUp` writes a marker into one of the
 * tenant's products and resolves once the batch holding that change has been
 * applied by the wrapped sink — changes arrive in source order, so every
 * earlier write has been applied by then too. (Waiting on the consumer's event
 * count instead can return while the batch with the last writes is still
 * being applied.) It then waits for the feature worker to empty its queue,
 * so the features follow those facts too.
 */
export function withCdcMarker(inner: Pipeline) {
  const waiting = new Map<number, () => void>();
  let counter = 0;
  const sink: Required<ChangeSink> = {
    async apply(changes: readonly SourceChange[], context) {
      await inner.apply(changes, context);
      // A backfill re-reads products first, marker included, before the rest: only the stream's own change counts.
      if (context?.phase === 'backfill') return;
      for (const change of changes) {
        const marker = change.collection === 'products' ? change.fullDocument?.['cdcMarker'] : undefined;
        if (typeof marker === 'number') waiting.get(marker)?.();
      }
    },
    caughtUp: (signal) => inner.caughtUp(signal),
  };

  async function caughtUp(client: MongoClient, operationalDb: string, tenantId: string, timeoutMs = 60_000): Promise<void> {
    const marker = Date.now() * 1_000 + (counter++ % 1_000);
    const applied = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => {
        waiting.delete(marker);
        reject(new Error(`CDC did not apply marker ${marker} within ${timeoutMs} ms`));
      }, timeoutMs);
      waiting.set(marker, () => {
        clearTimeout(timer);
        waiting.delete(marker);
        resolve();
      });
    });
    await client
      .db(operationalDb)
      .collection('products')
      .updateOne({ tenantId }, { $set: { cdcMarker: marker } });
    await applied;
    await inner.features.settle();
  }

  return { sink, caughtUp, close: () => inner.close() };
}
