import type { CdcStatus } from '@icc/shared';

/**
 * What `status()` reports, kept as the consumer runs. Lag is "now − wall time
 * of the newest change applied" while behind, and 0 once the stream has said
 * there is nothing more (an empty batch): a quiet system is not a lagging one.
 *
 * @example
 *   const tracker = statusTracker();
 *   tracker.applied(120, new Date('2025-01-01T10:00:00Z'), new Date());
 *   tracker.snapshot(); // { state: 'stopped', eventsProcessed: 120, ... }
 */
export function statusTracker(now: () => number = Date.now) {
  let state: CdcStatus['state'] = 'stopped';
  let eventsProcessed = 0;
  let lastEventAt: Date | null = null;
  let lastCheckpointAt: Date | null = null;
  let caughtUp = false;
  return {
    setState(next: CdcStatus['state']): void {
      state = next;
      if (next !== 'streaming') caughtUp = false;
    },
    get state(): CdcStatus['state'] {
      return state;
    },
    get eventsProcessed(): number {
      return eventsProcessed;
    },
    get lastEventAt(): Date | null {
      return lastEventAt;
    },
    /** Counters carried over from the checkpoint, so totals survive restarts. */
    restore(events: number, eventAt: Date | null): void {
      eventsProcessed = events;
      lastEventAt = eventAt;
    },
    applied(count: number, newestEventAt: Date | null, checkpointAt: Date): void {
      eventsProcessed += count;
      if (newestEventAt && (!lastEventAt || newestEventAt > lastEventAt)) lastEventAt = newestEventAt;
      lastCheckpointAt = checkpointAt;
    },
    checkpointed(at: Date): void {
      lastCheckpointAt = at;
    },
    /** The stream answered an empty batch (true) or delivered changes (false). */
    setCaughtUp(value: boolean): void {
      caughtUp = value;
    },
    snapshot(): CdcStatus {
      const lagSeconds = caughtUp ? 0 : lastEventAt ? Math.max(0, (now() - lastEventAt.getTime()) / 1000) : null;
      return {
        state,
        lastEventAt: lastEventAt?.toISOString() ?? null,
        lastCheckpointAt: lastCheckpointAt?.toISOString() ?? null,
        lagSeconds,
        eventsProcessed,
      };
    },
  };
}

export type StatusTracker = ReturnType<typeof statusTracker>;
