import type { CdcConsumer } from '../../service-analytics/src/cdc/cdc-consumer.js';
import type { MongoClient } from 'mongodb';

/**
 * Wait until the consumer has applied everything written so far: touch a
 * product of the tenant (a marker change) and wait for the consumer to be
 * streaming with more events processed than before it.
 */
export async function cdcCaughtUp(consumer: CdcConsumer, client: MongoClient, operationalDb: string, tenantId: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  const before = consumer.status().eventsProcessed;
  await client.db(operationalDb).collection('products').updateOne({ tenantId }, { $set: { cdcMarker: Date.now() } });
  while (Date.now() < deadline) {
    const status = consumer.status();
    if (status.state === 'streaming' && status.eventsProcessed > before) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`CDC did not catch up: ${JSON.stringify(consumer.status())}`);
}
