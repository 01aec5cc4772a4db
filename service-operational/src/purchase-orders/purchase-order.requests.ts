import {
  AppError,
  PURCHASE_ORDER_REQUESTS_COLLECTION,
  StoredPurchaseOrderRequestSchema,
  fieldIssues,
  isDuplicateKeyError,
  pollLoop,
  sleep,
  type BackgroundLogger,
  type Principal,
} from '@icc/shared';
import type { ChangeStream, Db, Document } from 'mongodb';
import { Counter, Gauge, type Registry } from 'prom-client';
import type { Models } from '../db/models.js';
import type { LivePublisher } from '../live/live.types.js';
import { runAsPrincipal } from '../tenancy/tenant-context.js';
import { RECOMMENDATION_SOURCE, type PurchaseOrderRecord } from './purchase-order.model.js';
import { toCreatePurchaseOrder } from './purchase-order.request-input.js';
import { createPurchaseOrderService } from './purchase-order.service.js';

/** Requests handled per round trip (one read of existing orders per tenant in it). */
const BATCH = 100;
const DEFAULT_POLL_MS = 1_000;
/** A request that cannot become an order is tried again this long after (its supplier or SKU may still be on its way). */
const DEFAULT_RETRY_UNFULFILLABLE_MS = 30_000;
/** Unexpected failures (not a refusal of the request) after which a pass gives up and backs off. */
const MAX_FAILURES_PER_PASS = 3;
/** Least time between the starts of two passes, however many inserts wake the follower. */
const MIN_PASS_GAP_MS = 50;
/** Wait before re-opening a failed change stream. */
const REOPEN_MS = 1_000;

export interface PurchaseOrderRequestFollowerOptions {
  /** The analytics database, read only. */
  analytics: Db;
  models: Models;
  live: LivePublisher;
  /** A pino logger passes as is. */
  log: BackgroundLogger;
  /** How often recorded requests are looked for (PO_REQUEST_POLL_MS); default 1 s. */
  pollMs?: number;
  /** How long a request that cannot become an order waits before its next try; default 30 s. */
  retryUnfulfillableMs?: number;
  /** The registry its metrics join (the app's, served at /metrics); none: not counted. */
  metrics?: Registry;
  /** Watch inserts too, so a new request is acted on at once rather than at the next poll; default true. */
  watchInserts?: boolean;
}

/** What one pass over the recorded requests did. */
export interface RequestPassSummary {
  /** Requests still `recorded` in the analytics database. */
  recorded: number;
  /** Orders this pass created. */
  created: number;
  /** Requests whose order already existed (made earlier, or by another follower). */
  existing: number;
  /** Requests that cannot become an order (now or still waiting for their next try). */
  unfulfillable: number;
}

export interface PurchaseOrderRequestFollower {
  /** Follow in the background: a pass every `pollMs`, and at once on a new request. */
  start(): void;
  /** Resolves once started and the insert stream is open on the server (at once without one): a request inserted from then on wakes the poll. */
  readonly ready: Promise<void>;
  /** Resolves once the running pass has returned and the stream is closed. */
  stop(): Promise<void>;
  /** One pass now. Safe alongside other passes and other followers: the unique index decides. */
  pass(signal?: AbortSignal): Promise<RequestPassSummary>;
}

type Outcome = { kind: 'created' } | { kind: 'existing' } | { kind: 'unfulfillable'; reason: string };

/**
 * Turn each purchase-order request the analytics service records when a person
 * accepts recommendations into exactly one purchase order, through the
 * purchase-order service like any other order (stock `onOrder` and the ledger
 * move in the order's transaction), placed at once (`ordered`: the acceptance
 * is the decision to order) and keyed by `source: { type: 'recommendation',
 * id: request._id }`.
 *
 * Exactly once without writing the analytics database: the unique partial
 * index on `{ tenantId, 'source.id' }` lets only one insert per request commit,
 * however many passes, followers or restarts read it; the loser's duplicate is
 * counted as `existing`. A request stays `recorded` until the analytics
 * service sees the order through CDC and completes it, so a pass re-reads it
 * and finds its order (remembered in memory to skip the lookup next time).
 *
 * The request's `tenantId` decides the tenant: everything runs as that tenant,
 * so its supplier, SKUs and location are looked up in that tenant only. A
 * request that cannot become an order (unknown or inactive supplier, unknown
 * SKU or location, lines the create route would refuse) creates nothing, is
 * logged once, counted in `purchase_order_requests_unfulfillable`, and tried
 * again every `retryUnfulfillableMs`: the analytics side may have seen a
 * supplier or product this tenant has since changed, or the reverse.
 *
 * A request that fails for another reason (the database, not the request)
 * does not hold up the others: the pass goes on, then fails, and the loop
 * backs off. Polling alone is correct; the insert stream only wakes the poll early.
 *
 * @example
 *   const follower = followPurchaseOrderRequests({ analytics: client.db('icc_analytics'), models, live, log });
 *   follower.start();
 *   await follower.stop();
 */
export function followPurchaseOrderRequests(options: PurchaseOrderRequestFollowerOptions): PurchaseOrderRequestFollower {
  const { analytics, models, log } = options;
  const retryUnfulfillableMs = options.retryUnfulfillableMs ?? DEFAULT_RETRY_UNFULFILLABLE_MS;
  const purchaseOrders = createPurchaseOrderService(models, options.live);
  const requests = analytics.collection(PURCHASE_ORDER_REQUESTS_COLLECTION);
  const metrics = requestMetrics(options.metrics);
  /** Requests known to have their order: skipped until the analytics side completes them. */
  const ordered = new Set<string>();
  /** Requests that could not become an order, and when to try each again. */
  const waiting = new Map<string, { retryAt: number; reason: string }>();

  async function pass(signal?: AbortSignal): Promise<RequestPassSummary> {
    const summary: RequestPassSummary = { recorded: 0, created: 0, existing: 0, unfulfillable: 0 };
    const recorded = new Set<string>();
    const failures: unknown[] = [];
    let batch: Document[] = [];
    const cursor = requests.find({ status: 'recorded' }, { sort: { createdAt: 1 }, batchSize: BATCH });
    try {
      for await (const doc of cursor) {
        if (signal?.aborted) return summary;
        const id = String(doc._id);
        recorded.add(id);
        summary.recorded += 1;
        if (ordered.has(id)) continue;
        if ((waiting.get(id)?.retryAt ?? 0) > Date.now()) {
          summary.unfulfillable += 1;
          continue;
        }
        batch.push(doc);
        if (batch.length === BATCH) {
          await handleBatch(batch, summary, failures);
          batch = [];
        }
        if (failures.length >= MAX_FAILURES_PER_PASS) break;
      }
      if (batch.length > 0 && failures.length < MAX_FAILURES_PER_PASS) await handleBatch(batch, summary, failures);
    } finally {
      await cursor.close();
    }
    if (failures.length > 0) throw failures[0];
    // Forget what the analytics side has completed (or removed): the memory holds recorded requests only.
    for (const id of ordered) if (!recorded.has(id)) ordered.delete(id);
    for (const id of waiting.keys()) if (!recorded.has(id)) waiting.delete(id);
    metrics?.unfulfillable.set(waiting.size);
    return summary;
  }

  async function handleBatch(batch: readonly Document[], summary: RequestPassSummary, failures: unknown[]): Promise<void> {
    for (const [tenantId, docs] of groupByTenant(batch)) {
      const existing = await inTenant(tenantId, FOLLOWER, async () => {
        const orders = await models.PurchaseOrder.find(
          { 'source.type': RECOMMENDATION_SOURCE, 'source.id': { $in: docs.map((doc) => String(doc._id)) } },
          { 'source.id': 1 },
        ).lean<Array<Pick<PurchaseOrderRecord, 'source'>>>();
        return new Set(orders.map((order) => order.source.id));
      });
      for (const doc of docs) {
        const id = String(doc._id);
        try {
          record(id, existing.has(id) ? { kind: 'existing' } : await fulfil(doc), summary);
        } catch (error) {
          // Not the request's fault (the database, a race lost too often): the others still get their turn,
          // and the pass fails at its end so the loop logs it and backs off. Several in one pass: stop now.
          failures.push(error);
          if (failures.length >= MAX_FAILURES_PER_PASS) return;
        }
      }
    }
  }

  async function fulfil(doc: Document): Promise<Outcome> {
    const parsed = StoredPurchaseOrderRequestSchema.safeParse(doc);
    if (!parsed.success) return { kind: 'unfulfillable', reason: `malformed request: ${describeIssues(parsed.error)}` };
    const request = parsed.data;
    // The ledger names who accepted (their key) as the actor of the order's movements.
    return inTenant(request.tenantId, request.requestedBy, async (principal) => {
      const supplier = await models.Supplier.findOne({ code: request.supplierCode }, { status: 1 }).lean();
      if (!supplier) return { kind: 'unfulfillable', reason: `supplier ${request.supplierCode} does not exist` };
      if (supplier.status !== 'active') return { kind: 'unfulfillable', reason: `supplier ${request.supplierCode} is ${supplier.status}` };
      const input = toCreatePurchaseOrder(request, String(supplier._id));
      if (!input.success) return { kind: 'unfulfillable', reason: `not a valid order: ${describeIssues(input.error)}` };
      try {
        await purchaseOrders.create(principal, input.data);
        return { kind: 'created' };
      } catch (error) {
        // Another pass or follower created it first: the service's check or the unique index said so (and the order is there).
        if ((isDuplicateKeyError(error) || (error instanceof AppError && error.code === 'CONFLICT')) && (await hasOrder(request._id))) {
          return { kind: 'existing' };
        }
        // The service refused the order itself (a SKU or location missing in this tenant, …): the request's fault, not ours.
        if (error instanceof AppError && error.code !== 'CONFLICT') return { kind: 'unfulfillable', reason: error.message };
        // Anything else (the database, a lost race) fails the pass, which is retried with back-off.
        throw error;
      }
    });
  }

  function hasOrder(requestId: string): Promise<boolean> {
    return models.PurchaseOrder.exists({ 'source.type': RECOMMENDATION_SOURCE, 'source.id': requestId }).then(Boolean);
  }

  function record(id: string, outcome: Outcome, summary: RequestPassSummary): void {
    if (outcome.kind === 'unfulfillable') {
      summary.unfulfillable += 1;
      metrics?.failedAttempts.inc();
      if (!waiting.has(id)) log.warn({ requestId: id, reason: outcome.reason }, 'purchase-order request cannot become an order yet; retrying slowly');
      waiting.set(id, { retryAt: Date.now() + retryUnfulfillableMs, reason: outcome.reason });
      return;
    }
    if (waiting.delete(id)) log.info({ requestId: id }, 'purchase-order request became an order after all');
    ordered.add(id);
    summary[outcome.kind] += 1;
    metrics?.orders.inc({ outcome: outcome.kind });
  }

  const loop = pollLoop({
    log,
    // The poll interval is the idle wait, which an insert cuts short; the interval only spaces out passes a burst of inserts asks for.
    intervalMs: MIN_PASS_GAP_MS,
    idleMs: options.pollMs ?? DEFAULT_POLL_MS,
    step: async (signal) => {
      await pass(signal);
      return 'idle';
    },
    onFailure: (error) => ({ level: 'error', msg: 'purchase-order requests: pass failed', fields: { err: error } }),
  });
  const inserts = options.watchInserts === false ? null : watchInserts(requests.watch.bind(requests), () => loop.notify(), log);

  return {
    start() {
      loop.start();
      inserts?.start();
    },
    async stop() {
      await inserts?.stop();
      await loop.stop();
    },
    get ready() {
      return inserts?.ready ?? Promise.resolve();
    },
    pass,
  };
}

/** The follower itself, as the actor of its reads. */
const FOLLOWER = { apiKeyId: 'purchase-order-requests', name: 'purchase-order request follower' };

/** Run `work` in the tenant's scope, as the tenancy plugin scopes a request: every read and write is of that tenant only. */
function inTenant<T>(tenantId: string, actor: { apiKeyId: string; name: string }, work: (principal: Principal) => Promise<T>): Promise<T> {
  const principal: Principal = { tenantId, apiKeyId: actor.apiKeyId, keyName: actor.name, roles: ['service'] };
  return runAsPrincipal(principal, () => work(principal));
}

function groupByTenant(docs: readonly Document[]): Map<string, Document[]> {
  const groups = new Map<string, Document[]>();
  for (const doc of docs) {
    // A request without a tenant cannot be placed anywhere: parsing it reports that (as malformed).
    const tenantId = typeof doc.tenantId === 'string' ? doc.tenantId : '';
    groups.set(tenantId, [...(groups.get(tenantId) ?? []), doc]);
  }
  return groups;
}

function describeIssues(error: Parameters<typeof fieldIssues>[0]): string {
  return fieldIssues(error)
    .map((issue) => `${issue.path || '(request)'}: ${issue.message}`)
    .join('; ');
}

function requestMetrics(registry: Registry | undefined) {
  if (!registry) return null;
  return {
    orders: new Counter({
      name: 'purchase_order_requests_handled_total',
      help: 'Accepted-recommendation requests handled: an order created, or found already existing',
      labelNames: ['outcome'] as const,
      registers: [registry],
    }),
    unfulfillable: new Gauge({
      name: 'purchase_order_requests_unfulfillable',
      help: 'Recorded requests that cannot become an order (unknown or inactive supplier, unknown SKU or location), retried slowly',
      registers: [registry],
    }),
    failedAttempts: new Counter({
      name: 'purchase_order_request_attempts_failed_total',
      help: 'Attempts to turn a request into an order that found it cannot become one',
      registers: [registry],
    }),
  };
}

/**
 * Wake the poll when a request is inserted. Only a hint: a missed event costs
 * at most one poll interval, so a failed stream is re-opened from now.
 */
function watchInserts(watch: (pipeline: Document[]) => ChangeStream, notify: () => void, log: BackgroundLogger) {
  let stream: ChangeStream | null = null;
  let stopped = true;
  let stopping = new AbortController();
  let running: Promise<void> = Promise.resolve();
  let opened: () => void = () => {};
  const ready = new Promise<void>((resolve) => (opened = resolve));

  async function follow(): Promise<void> {
    while (!stopped) {
      stream = watch([{ $match: { operationType: 'insert' } }]);
      try {
        // tryNext opens the cursor on the server: from here on, no insert goes unnoticed.
        if (await stream.tryNext()) notify();
        opened();
        while (!stopped) {
          await stream.next();
          notify();
        }
      } catch (error) {
        if (stopped) break;
        log.warn({ err: error }, 'purchase-order request stream failed; re-opening (polling continues)');
        await sleep(REOPEN_MS, stopping.signal);
      } finally {
        await stream.close().catch(() => undefined);
      }
    }
  }

  return {
    ready,
    start() {
      if (!stopped) return;
      stopped = false;
      stopping = new AbortController();
      running = follow();
    },
    async stop() {
      stopped = true;
      stopping.abort();
      await stream?.close().catch(() => undefined);
      await running;
    },
  };
}
