import {
  AppError,
  StoredTransferRequestSchema,
  TRANSFER_REQUESTS_COLLECTION,
  isDuplicateKeyError,
  pollLoop,
  type BackgroundLogger,
  type Principal,
  type StoredTransferRequest,
} from '@icc/shared';
import { Types } from 'mongoose';
import type { Db } from 'mongodb';
import type { Models } from '../db/models.js';
import type { LivePublisher } from '../live/live.types.js';
import { tenantCollection } from '../tenancy/tenant-collection.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { applyMovements, inStockTransaction, type MovementInput } from './stock-ledger.js';
import { publishStockChange } from './stock.service.js';
import type { TransferExecutionRecord } from './transfer-execution.model.js';

/** `reference.type` of the ledger rows of a transfer made for an accepted TRANSFER recommendation (`reference.id` = the request id). */
export const TRANSFER_REQUEST_REFERENCE = 'transferRequest';

const BATCH = 100;
const DEFAULT_POLL_MS = 1_000;

export interface TransferRequestFollowerOptions {
  /** The analytics database, read only. */
  analytics: Db;
  models: Models;
  live: LivePublisher;
  log: BackgroundLogger;
  /** How often recorded requests are looked for; default 1 s. */
  pollMs?: number;
}

/** What one pass did. */
export interface TransferPassSummary {
  /** Requests still `recorded` in the analytics database. */
  recorded: number;
  /** Moved by this pass. */
  done: number;
  /** Refused by this pass (the source lacked the stock, or the SKU or a location is unknown): nothing moved. */
  failed: number;
  /** Executed before (by an earlier pass, another follower, or before a restart). */
  existing: number;
}

export interface TransferRequestFollower {
  start(): void;
  stop(): Promise<void>;
  /** One pass now; safe alongside other passes and followers (the unique outcome decides). */
  pass(signal?: AbortSignal): Promise<TransferPassSummary>;
}

type Outcome = 'done' | 'failed' | 'existing';

/**
 * Execute each transfer request the analytics service records when a person
 * accepts a TRANSFER recommendation: move the stock through the ledger like
 * `POST /api/stock/transfer` (transferOut at the source, transferIn at the
 * destination, onHand at once), as the tenant and in the name of who accepted.
 *
 * At most once, without writing the analytics database: the outcome document
 * (`transferExecutions`, unique per tenant × request) is inserted in the same
 * transaction as the ledger rows, so a second pass, follower or restart that
 * reads the request collides on it and moves nothing. When the source cannot
 * give the quantity at execution time (the ledger refuses a negative
 * balance), or the SKU or a location does not exist, nothing moves and a
 * `failed` outcome with the reason is recorded instead — once, by the same
 * unique index; the analytics side shows the recommendation FAILED with it.
 * A request stays `recorded` until analytics sees the outcome through CDC.
 *
 * @example
 *   const follower = followTransferRequests({ analytics: client.db('icc_analytics'), models, live, log });
 *   follower.start();
 */
export function followTransferRequests(options: TransferRequestFollowerOptions): TransferRequestFollower {
  const { analytics, models, live, log } = options;
  const requests = analytics.collection(TRANSFER_REQUESTS_COLLECTION);
  const executions = () => tenantCollection<TransferExecutionRecord>(models.TransferExecution);
  /** Malformed requests, logged once each. */
  const malformed = new Set<string>();
  /** Requests known to have their outcome: skipped until analytics completes them. */
  const executedBefore = new Set<string>();

  /**
   * One pass over every recorded request, oldest first, a batch at a time.
   * Requests stay `recorded` until analytics sees their outcome, so a pass
   * must look past those it (or anyone) already executed, however many wait
   * while analytics is behind or down: it walks them all and remembers the
   * executed ones it saw until analytics completes them.
   */
  async function pass(signal?: AbortSignal): Promise<TransferPassSummary> {
    const summary: TransferPassSummary = { recorded: 0, done: 0, failed: 0, existing: 0 };
    const seen = new Set<string>();
    let batch: StoredTransferRequest[] = [];
    const cursor = requests.find({ status: 'recorded' }, { sort: { createdAt: 1 }, batchSize: BATCH });
    try {
      for await (const doc of cursor) {
        if (signal?.aborted) return summary;
        const id = String(doc._id);
        seen.add(id);
        summary.recorded += 1;
        if (executedBefore.has(id)) {
          summary.existing += 1;
          continue;
        }
        const request = StoredTransferRequestSchema.safeParse(doc);
        if (request.success) batch.push(request.data);
        else if (!malformed.has(id)) {
          malformed.add(id);
          log.warn({ requestId: id, issues: request.error.issues.length }, 'transfer request is malformed; skipped');
        }
        if (batch.length === BATCH) {
          await executeBatch(batch, summary, signal);
          batch = [];
        }
      }
      if (batch.length > 0) await executeBatch(batch, summary, signal);
    } finally {
      await cursor.close();
    }
    // Forget what analytics has completed (or removed): the memory holds recorded requests only.
    for (const id of executedBefore) if (!seen.has(id)) executedBefore.delete(id);
    for (const id of malformed) if (!seen.has(id)) malformed.delete(id);
    return summary;
  }

  async function executeBatch(batch: readonly StoredTransferRequest[], summary: TransferPassSummary, signal?: AbortSignal): Promise<void> {
    for (const [tenantId, ofTenant] of byTenant(batch)) {
      if (signal?.aborted) return;
      const executed = await inTenant(tenantId, FOLLOWER, async () => {
        const rows = await executions().find({ requestId: { $in: ofTenant.map((r) => r._id) } }, { projection: { requestId: 1 } });
        return new Set(rows.map((row) => row.requestId));
      });
      for (const request of ofTenant) {
        if (signal?.aborted) return;
        const outcome = executed.has(request._id) ? 'existing' : await execute(request);
        summary[outcome] += 1;
        executedBefore.add(request._id);
      }
    }
  }

  function execute(request: StoredTransferRequest): Promise<Outcome> {
    const reference = { type: TRANSFER_REQUEST_REFERENCE, id: request._id };
    const reason = `Accepted recommendation ${request.recommendationId}`;
    const movements: MovementInput[] = [
      { sku: request.sku, locationCode: request.fromLocationCode, type: 'transferOut', deltas: { onHand: -request.quantity }, reference, reason },
      { sku: request.sku, locationCode: request.toLocationCode, type: 'transferIn', deltas: { onHand: request.quantity }, reference, reason },
    ];
    return inTenant(request.tenantId, request.requestedBy, async (principal) => {
      try {
        const result = await inStockTransaction(
          models,
          async (session) => {
            // The outcome first: a request executed before collides here and the transaction moves nothing.
            await executions().insertOne(outcomeOf(request, 'done', null), { session });
            return applyMovements(models, principal, movements, session);
          },
          movements,
        );
        publishStockChange(live, principal, result);
        return 'done';
      } catch (error) {
        if (isDuplicateKeyError(error)) return 'existing';
        // The request's own fault, now and for good: recorded so the person who accepted it sees why.
        if (error instanceof AppError && (error.code === 'INSUFFICIENT_STOCK' || error.code === 'NOT_FOUND')) {
          try {
            await executions().insertOne(outcomeOf(request, 'failed', `Not moved: ${error.message}`));
            log.warn({ requestId: request._id, reason: error.message }, 'transfer request failed: nothing moved');
            return 'failed';
          } catch (second) {
            if (isDuplicateKeyError(second)) return 'existing';
            throw second;
          }
        }
        throw error;
      }
    });
  }

  const loop = pollLoop({
    log,
    idleMs: options.pollMs ?? DEFAULT_POLL_MS,
    step: async (signal) => {
      const summary = await pass(signal);
      // Work done: look again at once (a burst of accepts); else wait for the next poll.
      return summary.done + summary.failed > 0 ? 'more' : 'idle';
    },
    onFailure: (error) => ({ level: 'error', msg: 'transfer requests: pass failed', fields: { err: error } }),
  });
  return { start: () => loop.start(), stop: () => loop.stop(), pass };
}

/** The follower itself, as the actor of its reads. */
const FOLLOWER = { apiKeyId: 'transfer-requests', name: 'transfer request follower' };

function outcomeOf(request: StoredTransferRequest, outcome: 'done' | 'failed', reason: string | null): Omit<TransferExecutionRecord, 'tenantId'> {
  const now = new Date();
  return {
    _id: new Types.ObjectId(),
    requestId: request._id,
    outcome,
    sku: request.sku,
    fromLocationCode: request.fromLocationCode,
    toLocationCode: request.toLocationCode,
    quantity: request.quantity,
    reason,
    createdAt: now,
    updatedAt: now,
  };
}

function inTenant<T>(tenantId: string, actor: { apiKeyId: string; name: string }, work: (principal: Principal) => Promise<T>): Promise<T> {
  const principal: Principal = { tenantId, apiKeyId: actor.apiKeyId, keyName: actor.name, roles: ['service'] };
  return runAsPrincipal(principal, () => work(principal));
}

function byTenant(requests: readonly StoredTransferRequest[]): Map<string, StoredTransferRequest[]> {
  const groups = new Map<string, StoredTransferRequest[]>();
  for (const request of requests) groups.set(request.tenantId, [...(groups.get(request.tenantId) ?? []), request]);
  return groups;
}
