/**
 * Where a planning run's time goes, by phase (the bench prints it; the
 * service passes none). A phase's time is the wall time spent awaiting it or
 * computing it on the run's own path: a read overlapped with the previous
 * chunk's work counts only for the time the run still waited on it.
 */
export type PhaseTimes = Map<string, number>;

/** Add the milliseconds `work` took to `phase` (no-op without `times`). */
export async function timed<T>(times: PhaseTimes | undefined, phase: string, work: () => Promise<T> | T): Promise<T> {
  if (!times) return work();
  const started = performance.now();
  try {
    return await work();
  } finally {
    times.set(phase, (times.get(phase) ?? 0) + performance.now() - started);
  }
}

/** Add the milliseconds of synchronous `work` to `phase`. */
export function timedSync<T>(times: PhaseTimes | undefined, phase: string, work: () => T): T {
  if (!times) return work();
  const started = performance.now();
  try {
    return work();
  } finally {
    times.set(phase, (times.get(phase) ?? 0) + performance.now() - started);
  }
}
