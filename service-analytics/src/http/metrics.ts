import type { CdcStatus } from '@icc/shared';
import { Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics of one analytics instance: request durations, and the
 * CDC pipeline's health — events processed and their rate, lag behind the
 * source, the age of the last checkpoint (how much would be re-read after
 * a crash), and the facts batches whose feature work is still queued.
 */
export function createAnalyticsMetrics(cdcStatus: () => CdcStatus | null, featureQueueDepth: () => Promise<number>) {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const requestDuration = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'HTTP request duration by method, route template and status code',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });

  // Rate over the interval between scrapes, from the consumer's running count.
  let last: { at: number; events: number } | null = null;
  new Gauge({
    name: 'cdc_events_processed',
    help: 'Source changes processed by the CDC consumer since start',
    registers: [registry],
    collect() {
      this.set(cdcStatus()?.eventsProcessed ?? 0);
    },
  });
  new Gauge({
    name: 'cdc_events_per_second',
    help: 'Source changes processed per second since the previous scrape',
    registers: [registry],
    collect() {
      const status = cdcStatus();
      const now = Date.now();
      const events = status?.eventsProcessed ?? 0;
      this.set(last && now > last.at ? ((events - last.events) * 1000) / (now - last.at) : 0);
      last = { at: now, events };
    },
  });
  new Gauge({
    name: 'cdc_lag_seconds',
    help: 'Seconds between the newest source change processed and now',
    registers: [registry],
    collect() {
      this.set(cdcStatus()?.lagSeconds ?? -1);
    },
  });
  new Gauge({
    name: 'cdc_checkpoint_age_seconds',
    help: 'Seconds since the CDC consumer last saved its resume point',
    registers: [registry],
    collect() {
      const at = cdcStatus()?.lastCheckpointAt;
      this.set(at ? (Date.now() - Date.parse(at)) / 1000 : -1);
    },
  });
  new Gauge({
    name: 'features_queued_batches',
    help: 'Facts batches whose feature recomputation is queued and not yet done (each queued in its facts transaction)',
    registers: [registry],
    async collect() {
      this.set(await featureQueueDepth());
    },
  });
  return { registry, requestDuration };
}
