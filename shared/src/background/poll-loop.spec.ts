import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { callbackLogger } from './background-logger.js';
import { pollLoop, type PollLoopOptions, type StepResult } from './poll-loop.js';

beforeEach(() => {
  vi.useFakeTimers();
  // A jitter draw of 1/2: each back-off is half its bound.
  vi.spyOn(Math, 'random').mockReturnValue(0.5);
});
afterEach(() => {
  vi.useRealTimers();
  vi.restoreAllMocks();
});

/** A loop whose steps follow `script` (a result, or an Error to throw), recording when each started. */
function scripted(script: (StepResult | Error)[], options: Partial<PollLoopOptions> = {}) {
  const t0 = Date.now();
  const starts: number[] = [];
  const lines: { level: string; msg: string; fields: Record<string, unknown> }[] = [];
  const loop = pollLoop({
    log: callbackLogger((level, msg, fields) => lines.push({ level, msg, fields })),
    step: async () => {
      starts.push(Date.now() - t0);
      const next = script.shift() ?? 'idle';
      if (next instanceof Error) throw next;
      return next;
    },
    onFailure: (error) => ({ level: 'error', msg: 'test: step failed', fields: { error: String(error) } }),
    ...options,
  });
  return { loop, starts, lines };
}

describe('pollLoop', () => {
  it('runs a step, then again after the interval while there is more, then after the idle wait', async () => {
    const { loop, starts } = scripted(['more', 'more', 'idle', 'idle'], { intervalMs: 100, idleMs: 1_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(2_500);
    await loop.stop();
    // more → 100 ms; idle → 100 ms interval + 1 000 ms idle wait.
    expect(starts).toEqual([0, 100, 200, 1_300, 2_400]);
  });

  it('backs off exponentially with jitter after consecutive failures, at least the interval, and resets on success', async () => {
    const boom = new Error('database went away');
    const { loop, starts, lines } = scripted([boom, boom, boom, boom, 'more', boom], { intervalMs: 300, idleMs: 60_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(5_000);
    await loop.stop();
    // Delays: max(300, 125) = 300, max(300, 250) = 300, 500, 1 000; success; then 300 again (counting restarted).
    expect(starts).toEqual([0, 300, 600, 1_100, 2_100, 2_400, 2_700]);
    expect(lines.slice(0, 5).map((line) => line.fields.retryInMs)).toEqual([300, 300, 500, 1_000, 300]);
    expect(lines[0]).toEqual({ level: 'error', msg: 'test: step failed', fields: { error: 'Error: database went away', retryInMs: 300 } });
  });

  it("uses the back-off's own base and cap", async () => {
    const boom = new Error('x');
    const { loop, starts } = scripted([boom, boom, boom, boom], { backoff: { baseMs: 1_000, maxMs: 3_000 }, idleMs: 60_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(6_000);
    await loop.stop();
    // Bounds 1 000, 2 000, 3 000 (capped), 3 000: half of each.
    expect(starts).toEqual([0, 500, 1_500, 3_000, 4_500]);
  });

  it('retries at once without counting when the failure says `now`, and as after an idle step when it says `idle`', async () => {
    const lost = new Error('resume point lost');
    const down = new Error('down');
    const { loop, starts, lines } = scripted([lost, down, 'more'], {
      idleMs: 700,
      onFailure: (error) => (error === lost ? { level: 'warn', msg: 'lost', retry: 'now' } : { level: 'error', msg: 'down', retry: 'idle' }),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(750);
    await loop.stop();
    expect(starts).toEqual([0, 0, 700, 700]);
    expect(lines.map((line) => [line.level, line.msg, line.fields.retryInMs])).toEqual([
      ['warn', 'lost', 0],
      ['error', 'down', 700],
    ]);
  });

  it('resetBackoff during a long step makes its failure back off from the first delay', async () => {
    const boom = new Error('x');
    let steps = 0;
    const starts: number[] = [];
    const loop = pollLoop({
      log: callbackLogger(() => {}),
      idleMs: 60_000,
      step: async () => {
        starts.push(Date.now());
        steps += 1;
        if (steps === 3) loop.resetBackoff(); // progress made before failing again
        throw boom;
      },
      onFailure: () => ({ level: 'error', msg: 'failed' }),
    });
    const t0 = Date.now();
    loop.start();
    await vi.advanceTimersByTimeAsync(1_000);
    await loop.stop();
    // 125, 250, then 125 again (reset), 250, 500.
    expect(starts.map((at) => at - t0)).toEqual([0, 125, 375, 500, 750]);
  });

  it('notify ends an idle wait but not the interval, and skips the idle wait when it comes during a step', async () => {
    const { loop, starts } = scripted(['idle', 'idle', 'idle'], { intervalMs: 200, idleMs: 10_000 });
    loop.start();
    await vi.advanceTimersByTimeAsync(50);
    loop.notify(); // during the interval after step 1: the interval holds, the idle wait is skipped
    await vi.advanceTimersByTimeAsync(1_000);
    expect(starts).toEqual([0, 200]);
    loop.notify(); // during the idle wait after step 2
    await vi.advanceTimersByTimeAsync(0);
    expect(starts).toEqual([0, 200, 1_050]);
    await loop.stop();
  });

  it('stop ends a wait at once, aborts the signal, and resolves only once the running step has returned', async () => {
    const events: string[] = [];
    let finishStep: () => void = () => {};
    const loop = pollLoop({
      log: callbackLogger(() => {}),
      step: (signal) => {
        events.push('step started');
        signal.addEventListener('abort', () => events.push('signal aborted'));
        return new Promise<StepResult>((resolve) => {
          finishStep = () => {
            events.push('step finished');
            resolve('idle');
          };
        });
      },
      onFailure: () => ({ level: 'error', msg: 'failed' }),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    const stopped = loop.stop().then(() => events.push('stopped'));
    await vi.advanceTimersByTimeAsync(5_000);
    expect(events).toEqual(['step started', 'signal aborted']);
    expect(loop.running).toBe(false);
    finishStep();
    await stopped;
    expect(events).toEqual(['step started', 'signal aborted', 'step finished', 'stopped']);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not log a failure thrown because of the stop', async () => {
    const lines: string[] = [];
    const loop = pollLoop({
      log: callbackLogger((_level, msg) => lines.push(msg)),
      step: (signal) => new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject(new Error('aborted')))),
      onFailure: () => ({ level: 'error', msg: 'failed' }),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    await loop.stop();
    expect(lines).toEqual([]);
  });

  it('a start after a stop waits for the step still running: steps never overlap', async () => {
    const events: string[] = [];
    let finishFirst: () => void = () => {};
    let steps = 0;
    const loop = pollLoop({
      log: callbackLogger(() => {}),
      idleMs: 60_000,
      step: () => {
        steps += 1;
        const n = steps;
        events.push(`start ${n}`);
        if (n > 1) return Promise.resolve<StepResult>('idle');
        return new Promise<StepResult>((resolve) => (finishFirst = () => (events.push('end 1'), resolve('idle'))));
      },
      onFailure: () => ({ level: 'error', msg: 'failed' }),
    });
    loop.start();
    await vi.advanceTimersByTimeAsync(0);
    void loop.stop();
    loop.start();
    await vi.advanceTimersByTimeAsync(100);
    expect(events).toEqual(['start 1']);
    finishFirst();
    await vi.advanceTimersByTimeAsync(0);
    expect(events).toEqual(['start 1', 'end 1', 'start 2']);
    await loop.stop();
  });
});
