import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import type { Collection, Filter, UpdateFilter, WithId } from 'mongodb';
import type { BackgroundLogger } from './background-logger.js';

/**
 * The fields a leased job document carries (its own fields sit beside them).
 * A `running` job is held by `runner` while its `heartbeatAt` is younger than
 * the lease; an older one is free to take over (its runner died).
 */
export interface LeasedJobDocument {
  status: 'pending' | 'running' | 'completed' | 'failed';
  /** The runner holding (or that last held) the job. */
  runner: string | null;
  heartbeatAt: Date | null;
  /** Queue order: the oldest claimable job is claimed first. */
  createdAt: Date;
  /** Set by the first claim, kept by a takeover. */
  startedAt: Date | null;
  completedAt: Date | null;
  error: string | null;
}

export interface LeasedJobsOptions {
  /** A running job whose heartbeat is older than this is taken over. */
  leaseMs: number;
  log: BackgroundLogger;
  /** Names the job in log lines: `${jobName} taken over by another runner`. */
  jobName: string;
  /** Default: host, pid and a random tail, unique per instance. */
  runnerId?: string;
  now?: () => Date;
}

/** A job this runner holds. Every write is guarded by the runner id: once taken over, nothing is written. */
export interface Lease<T extends LeasedJobDocument> {
  readonly job: WithId<T>;
  /** Renew the lease (`heartbeatAt` = now) with `update` in the same write; false (and logged) when another runner took the job over. */
  heartbeat(update?: UpdateFilter<T>): Promise<boolean>;
  /** `completed`, with `fields` (e.g. a summary); false when the lease was lost. */
  complete(fields?: Partial<T>): Promise<boolean>;
  /** `failed`, with the error's message (and `fields`); false when the lease was lost. */
  fail(error: unknown, fields?: Partial<T>): Promise<boolean>;
  /** Back to `pending` for any runner to claim now (it keeps its progress fields to resume from). */
  release(): Promise<boolean>;
}

export interface LeasedJobs<T extends LeasedJobDocument> {
  readonly runnerId: string;
  /** The oldest pending job, or a running one whose lease expired; null when none is free. */
  claim(): Promise<Lease<T> | null>;
  /**
   * Claim and run jobs one at a time until none is free or `signal` aborts;
   * a job whose `work` throws is failed (and logged). Resolves with how many ran.
   * A job claimed as `signal` aborts is left held: it is taken over once its lease lapses.
   */
  drain(work: (lease: Lease<T>) => Promise<void>, signal: AbortSignal): Promise<number>;
}

/**
 * Jobs in a MongoDB collection run by whichever runner holds their lease:
 * claimed atomically (`findOneAndUpdate`), renewed by heartbeats while the
 * work runs, taken over by another runner once a heartbeat is older than
 * `leaseMs`, and completed, failed or released by their holder only.
 *
 * @example
 *   const jobs = leasedJobs(db.collection<ExportJob>('exportJobs'), { leaseMs: 60_000, log, jobName: 'export job' });
 *   await jobs.drain(async (lease) => {
 *     for (const part of parts(lease.job)) {
 *       await exportPart(part);
 *       if (!(await lease.heartbeat({ $set: { lastPart: part.id } }))) return; // taken over
 *     }
 *     await lease.complete();
 *   }, stopSignal);
 */
export function leasedJobs<T extends LeasedJobDocument>(collection: Collection<T>, options: LeasedJobsOptions): LeasedJobs<T> {
  const { leaseMs, log, jobName } = options;
  const now = options.now ?? (() => new Date());
  const runnerId = options.runnerId ?? `${hostname()}:${process.pid}:${randomBytes(3).toString('hex')}`;
  // The driver cannot check `$set` of the lease fields against an open T: written through the base shape.
  const jobs = collection as unknown as Collection<LeasedJobDocument>;

  function lease(job: WithId<T>): Lease<T> {
    const held = { _id: job._id, runner: runnerId } as Filter<LeasedJobDocument>;
    async function write(update: UpdateFilter<LeasedJobDocument>): Promise<boolean> {
      const result = await jobs.updateOne(held, update);
      if (result.matchedCount === 1) return true;
      log.warn({ jobId: job._id }, `${jobName} taken over by another runner`);
      return false;
    }
    const finish = (status: 'completed' | 'failed', fields: object) => write({ $set: { status, ...fields, completedAt: now(), heartbeatAt: now() } });
    return {
      job,
      heartbeat: (update = {}) => {
        const { $set, ...rest } = update as UpdateFilter<LeasedJobDocument>;
        return write({ ...rest, $set: { ...$set, heartbeatAt: now() } });
      },
      complete: (fields = {}) => finish('completed', { error: null, ...fields }),
      fail: (error, fields = {}) => finish('failed', { error: error instanceof Error ? error.message : String(error), ...fields }),
      release: () => write({ $set: { status: 'pending', runner: null, heartbeatAt: null } }),
    };
  }

  async function claim(): Promise<Lease<T> | null> {
    const at = now();
    const job = await jobs.findOneAndUpdate(
      { $or: [{ status: 'pending' }, { status: 'running', heartbeatAt: { $lt: new Date(at.getTime() - leaseMs) } }] },
      { $set: { status: 'running', runner: runnerId, heartbeatAt: at } },
      { sort: { createdAt: 1 }, returnDocument: 'after' },
    );
    if (!job) return null;
    if (job.startedAt === null) {
      await jobs.updateOne({ _id: job._id }, { $set: { startedAt: at } });
      job.startedAt = at;
    }
    return lease(job as WithId<T>);
  }

  return {
    runnerId,
    claim,
    async drain(work, signal) {
      let ran = 0;
      for (let claimed = await claim(); claimed && !signal.aborted; claimed = await claim()) {
        try {
          await work(claimed);
        } catch (error) {
          log.error({ jobId: claimed.job._id, err: error }, `${jobName} failed`);
          await claimed.fail(error);
        }
        ran += 1;
      }
      return ran;
    },
  };
}
