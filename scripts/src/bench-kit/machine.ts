import { readFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';

/** One line naming the machine, for the BENCHMARKS.md row. */
export function describeMachine(): string {
  const cpu = cpus()[0]?.model.trim() ?? 'unknown CPU';
  return `${cpus().length} × ${cpu}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`;
}

/**
 * CPU time (user + system, all threads) a process has used so far, in
 * milliseconds, from /proc (Linux; undefined elsewhere or once it has exited).
 * Compare two readings to see what a phase of a benchmark cost each process:
 * on a shared 2-core machine, CPU per operation is steadier than throughput.
 */
export function processCpuMillis(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    // Fields after the command name, which is in parentheses and may contain spaces.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    // utime and stime are fields 14 and 15 of the file (11 and 12 after the name), in clock ticks.
    return ((Number(fields[11]) + Number(fields[12])) * 1000) / CLOCK_TICKS_PER_SECOND;
  } catch {
    return undefined;
  }
}

/** USER_HZ: 100 on every Linux that Node supports. */
const CLOCK_TICKS_PER_SECOND = 100;

/**
 * write/writev/send calls a process has made so far, from /proc (Linux;
 * undefined elsewhere). A server makes one per database command it sends or
 * answers and one per HTTP response: per operation, that is its round trips.
 */
export function processWriteCalls(pid: number | undefined): number | undefined {
  if (pid === undefined) return undefined;
  try {
    const calls = /^syscw:\s*(\d+)$/m.exec(readFileSync(`/proc/${pid}/io`, 'utf8'));
    return calls ? Number(calls[1]) : undefined;
  } catch {
    return undefined;
  }
}

/** What a process used during a phase. */
export interface ProcessUsage {
  cpuMillis: number;
  writeCalls: number;
}

/**
 * Run `phase` and return, with its result, the CPU milliseconds and write calls
 * each named process used meanwhile (processes that cannot be read are left out).
 *
 * @example const { result, usage } = await usageDuring({ engine: engine.child.pid }, () => load());
 */
export async function usageDuring<T>(
  pids: Record<string, number | undefined>,
  phase: () => Promise<T>,
): Promise<{ result: T; usage: Record<string, ProcessUsage> }> {
  const read = (pid: number | undefined) => ({ cpuMillis: processCpuMillis(pid), writeCalls: processWriteCalls(pid) });
  const before = Object.entries(pids).map(([name, pid]) => [name, pid, read(pid)] as const);
  const result = await phase();
  const usage: Record<string, ProcessUsage> = {};
  for (const [name, pid, start] of before) {
    const end = read(pid);
    if (start.cpuMillis === undefined || end.cpuMillis === undefined) continue;
    usage[name] = {
      cpuMillis: end.cpuMillis - start.cpuMillis,
      writeCalls: start.writeCalls === undefined || end.writeCalls === undefined ? Number.NaN : end.writeCalls - start.writeCalls,
    };
  }
  return { result, usage };
}

/**
 * Run `phase` and return, with its result, the CPU milliseconds each named
 * process used meanwhile (processes whose CPU cannot be read are left out).
 *
 * @example const { result, cpuMillis } = await cpuDuring({ engine: engine.child.pid }, () => load());
 */
export async function cpuDuring<T>(
  pids: Record<string, number | undefined>,
  phase: () => Promise<T>,
): Promise<{ result: T; cpuMillis: Record<string, number> }> {
  const { result, usage } = await usageDuring(pids, phase);
  return { result, cpuMillis: Object.fromEntries(Object.entries(usage).map(([name, used]) => [name, used.cpuMillis])) };
}
