/**
 * Busy time of one pipeline stage: the wall-clock time during which it had at
 * least one piece of work in flight. Stages overlap (features of the next
 * chunk are built while the pool forecasts this one and the previous one is
 * stored), so their busy times add up to more than the run's total.
 *
 * @example const clock = new StageClock(); const done = clock.begin(); await work(); done(); clock.seconds
 */
export class StageClock {
  private inFlight = 0;
  private busySince = 0;
  private busyMs = 0;

  /** Marks one piece of work started; call the returned function when it ends. */
  begin(): () => void {
    if (this.inFlight === 0) this.busySince = performance.now();
    this.inFlight += 1;
    let ended = false;
    return () => {
      if (ended) return;
      ended = true;
      this.inFlight -= 1;
      if (this.inFlight === 0) this.busyMs += performance.now() - this.busySince;
    };
  }

  /** Times synchronous work (the feature function runs on this thread). */
  time<T>(work: () => T): T {
    const end = this.begin();
    try {
      return work();
    } finally {
      end();
    }
  }

  /** Times asynchronous work. */
  async timeAsync<T>(work: () => Promise<T>): Promise<T> {
    const end = this.begin();
    try {
      return await work();
    } finally {
      end();
    }
  }

  get seconds(): number {
    const open = this.inFlight > 0 ? performance.now() - this.busySince : 0;
    return (this.busyMs + open) / 1000;
  }
}
