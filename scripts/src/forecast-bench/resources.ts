import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { processCpuMillis } from '../bench-kit/machine.js';

/** Resident memory of another process in bytes, from /proc (Linux; undefined elsewhere or once it has exited). */
function residentBytes(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const match = /^VmRSS:\s+(\d+) kB/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return match ? Number(match[1]) * 1024 : undefined;
  } catch {
    return undefined;
  }
}

/** What a run cost the machine: CPU of this process (all its threads) and of the engine, peak memory of both. */
export interface RunResources {
  /** This process: the feature function, the worker threads' forecasting, the driver. */
  benchCpuSeconds: number;
  /** The embedded-mongo child: what persistence (and, on the real path, reading) cost the server. */
  engineCpuSeconds: number | null;
  peakRssMiB: number;
  enginePeakRssMiB: number | null;
  /** One-minute load average when the run ended. */
  loadAverage: number;
}

/**
 * Watch this process and the engine while a run goes on: CPU before and
 * after, resident memory sampled every 250 ms (the peak of a run, not of the
 * process's lifetime, so each size gets its own figure).
 */
export function watchResources(enginePid: number | undefined): { stop(): RunResources } {
  const cpuBefore = process.cpuUsage();
  const engineBefore = processCpuMillis(enginePid);
  let peak = process.memoryUsage.rss();
  let enginePeak = residentBytes(enginePid) ?? 0;
  const sample = (): void => {
    peak = Math.max(peak, process.memoryUsage.rss());
    enginePeak = Math.max(enginePeak, residentBytes(enginePid) ?? 0);
  };
  const timer = setInterval(sample, 250);
  return {
    stop() {
      clearInterval(timer);
      sample();
      const cpu = process.cpuUsage(cpuBefore);
      const engineAfter = processCpuMillis(enginePid);
      return {
        benchCpuSeconds: (cpu.user + cpu.system) / 1e6,
        engineCpuSeconds: engineBefore !== undefined && engineAfter !== undefined ? (engineAfter - engineBefore) / 1000 : null,
        peakRssMiB: peak / 2 ** 20,
        enginePeakRssMiB: enginePeak > 0 ? enginePeak / 2 ** 20 : null,
        loadAverage: loadavg()[0]!,
      };
    },
  };
}
