/**
 * Crash safety of accept → stock transfer: the operational service runs as
 * its own process (src/main.ts, its transfer follower started as in
 * production) against an embedded-mongo process, while this process records
 * a few hundred transfer requests in the analytics database the way the
 * analytics service does, and SIGKILLs the service at seeded-random moments,
 * restarting it each time. At the end every request has exactly one outcome,
 * the stock moved exactly once for each one done and not at all for each one
 * failed, and every position's on hand is what its ledger sums to.
 */
import {
  CreateLocationSchema,
  CreateProductSchema,
  TRANSFER_EXECUTIONS_COLLECTION,
  TRANSFER_REQUESTS_COLLECTION,
  type Principal,
  type StoredTransferExecution,
  type StoredTransferRequest,
} from '@icc/shared';
import { MongoClient } from 'mongodb';
import mongoose from 'mongoose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { registerModels, syncModels } from '../src/db/models.js';
import { createLocationService } from '../src/locations/location.service.js';
import { createProductService } from '../src/products/product.service.js';
import { createStockService } from '../src/stock/stock.service.js';
import { TRANSFER_REQUEST_REFERENCE } from '../src/stock/stock-transfer.requests.js';
import { ensureTenant } from '../src/tenancy/api-key.service.js';
import { runAsPrincipal } from '../src/tenancy/tenant-context.js';
import { aLocation, aProduct, seededRandom } from './support/builders.js';
import { childProcesses, uriOf, type Child } from './support/child-processes.js';

const children = childProcesses();
const OPERATIONAL_DB = 'xfer_crash_operational';
const ANALYTICS_DB = 'xfer_crash_analytics';
const REQUESTS = 400;
const MIN_KILLS = 8;
/** Kills that must land while requests were still waiting for their outcome (else the kills tested nothing). */
const MIN_KILLS_MID_WORK = 4;
const SEED = 20_261_205;
const SKUS = ['XC-A', 'XC-B', 'XC-C'];
/** Stocked locations give and take; EMPTY has nothing, so a request from it must fail, every time, without moving anything. */
const STOCKED = ['XC-WH1', 'XC-WH2', 'XC-WH3'];
const EMPTY = 'XC-EMPTY';
const INITIAL_ON_HAND = 10_000;
const TENANT = 'acme';
const noLive = { publish: () => undefined };

function aRequest(n: number, random: () => number): StoredTransferRequest {
  const fails = n % 8 === 7;
  const from = fails ? EMPTY : STOCKED[Math.floor(random() * STOCKED.length)]!;
  const to = STOCKED.filter((code) => code !== from)[Math.floor(random() * (STOCKED.length - 1))]!;
  return {
    _id: `xfer-crash-${String(n).padStart(4, '0')}`,
    tenantId: TENANT,
    status: 'recorded',
    sku: SKUS[Math.floor(random() * SKUS.length)]!,
    fromLocationCode: from,
    toLocationCode: to,
    quantity: 1 + Math.floor(random() * 20),
    recommendationId: `rec-xfer-crash-${n}`,
    requestedBy: { apiKeyId: 'key-of-dana', name: 'Dana' },
    createdAt: new Date(Date.UTC(2026, 10, 20) + n),
    completedAt: null,
    failureReason: null,
  };
}

describe('transfer requests: crash safety (service as a child process, SIGKILL)', () => {
  let engine: Child;
  let client: MongoClient;

  beforeAll(async () => {
    engine = await children.startEngine();
    client = await new MongoClient(uriOf(engine)).connect();
  });
  afterAll(async () => {
    await client?.close();
    await children.tearDown(engine);
  });

  it(`ends with exactly one outcome per request and stock moved once per transfer done, after ≥ ${MIN_KILLS} SIGKILLs`, async () => {
    const uri = uriOf(engine);
    const random = seededRandom(SEED);

    // The catalogue and the starting stock, through the service's own code, in the tenant's scope.
    const connection = await mongoose.createConnection(uri, { dbName: OPERATIONAL_DB }).asPromise();
    const models = registerModels(connection);
    await syncModels(models);
    await ensureTenant(models, TENANT, 'Acme Trading');
    const principal: Principal = { tenantId: TENANT, apiKeyId: 'seed', keyName: 'seed', roles: ['admin'] };
    await runAsPrincipal(principal, async () => {
      for (const code of [...STOCKED, EMPTY]) await createLocationService(models).create(CreateLocationSchema.parse(aLocation({ code })));
      for (const sku of SKUS) await createProductService(models).create(CreateProductSchema.parse(aProduct({ sku })));
      for (const sku of SKUS)
        for (const locationCode of STOCKED)
          await createStockService(models, noLive).adjust(principal, { sku, locationCode, quantity: INITIAL_ON_HAND, reason: 'count' });
    });
    await connection.close();

    const operational = client.db(OPERATIONAL_DB);
    const requests = client.db(ANALYTICS_DB).collection<StoredTransferRequest>(TRANSFER_REQUESTS_COLLECTION);
    const executions = operational.collection<StoredTransferExecution>(TRANSFER_EXECUTIONS_COLLECTION);
    const all = Array.from({ length: REQUESTS }, (_, n) => aRequest(n, random));
    await requests.insertMany(all.slice(0, REQUESTS / 4));
    const outcomeCount = () => executions.countDocuments({ tenantId: TENANT });

    let recorded = REQUESTS / 4;
    let kills = 0;
    let killsMidWork = 0;
    const startService = () => children.startOperational(uri, { operational: OPERATIONAL_DB, analytics: ANALYTICS_DB });
    let service = await startService();
    while (kills < MIN_KILLS || recorded < REQUESTS) {
      if (recorded < REQUESTS) {
        const more = all.slice(recorded, recorded + REQUESTS / 8);
        await requests.insertMany(more);
        recorded += more.length;
      }
      // Kill as soon as the service is part-way through what waits (a transfer takes milliseconds, so a
      // fixed pause would mostly land after it finished), else after a seeded-random pause.
      const started = await outcomeCount();
      const until = Date.now() + 200 + random() * 1_300;
      while (Date.now() < until) {
        const done = await outcomeCount();
        if (done > started && done < recorded) break;
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      const before = await outcomeCount();
      service.process.kill('SIGKILL');
      await service.exited;
      kills += 1;
      if (before < recorded) killsMidWork += 1;
      // As in the purchase-order crash test: end the killed client's open transaction as an operator would.
      await client.db('admin').command({ killAllSessions: [] });
      service = await startService();
    }
    const deadline = Date.now() + 60_000;
    while ((await outcomeCount()) < REQUESTS) {
      if (Date.now() > deadline) throw new Error(`only ${await outcomeCount()} of ${REQUESTS} outcomes after the last restart`);
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
    service.process.kill('SIGTERM');
    await service.exited;
    expect(kills).toBeGreaterThanOrEqual(MIN_KILLS);
    expect(killsMidWork).toBeGreaterThanOrEqual(MIN_KILLS_MID_WORK);

    // 1. One outcome per request: done for every stocked source (each has far more than is ever asked), failed for EMPTY.
    const outcomes = await executions.find({ tenantId: TENANT }).toArray();
    expect(outcomes).toHaveLength(REQUESTS);
    const byRequest = new Map(outcomes.map((o) => [o.requestId, o]));
    expect(byRequest.size).toBe(REQUESTS);
    for (const request of all) {
      const outcome = byRequest.get(request._id)!;
      expect({ id: request._id, outcome: outcome.outcome, quantity: outcome.quantity }).toEqual({
        id: request._id,
        outcome: request.fromLocationCode === EMPTY ? 'failed' : 'done',
        quantity: request.quantity,
      });
    }

    // 2. On hand per position = the start + what the done transfers brought − what they took = the sum of its ledger.
    const expected = new Map<string, number>();
    for (const sku of SKUS) for (const code of STOCKED) expected.set(`${sku}@${code}`, INITIAL_ON_HAND);
    for (const request of all) {
      if (request.fromLocationCode === EMPTY) continue;
      const from = `${request.sku}@${request.fromLocationCode}`;
      const to = `${request.sku}@${request.toLocationCode}`;
      expected.set(from, expected.get(from)! - request.quantity);
      expected.set(to, expected.get(to)! + request.quantity);
    }
    const positions = await operational
      .collection<{ sku: string; locationCode: string; onHand: number }>('stockPositions')
      .find({ tenantId: TENANT, onHand: { $ne: 0 } })
      .toArray();
    expect(new Map(positions.map((p) => [`${p.sku}@${p.locationCode}`, p.onHand]))).toEqual(expected);
    const ledger = await operational
      .collection('stockMovements')
      .aggregate<{ _id: string; onHand: number }>([
        { $match: { tenantId: TENANT } },
        { $group: { _id: { $concat: ['$sku', '@', '$locationCode'] }, onHand: { $sum: '$deltas.onHand' } } },
        { $match: { onHand: { $ne: 0 } } },
      ])
      .toArray();
    expect(new Map(ledger.map((row) => [row._id, row.onHand]))).toEqual(expected);
    // Two ledger rows (out and in) per transfer done, none for one failed: none lost, none doubled.
    const transferRows = await operational.collection('stockMovements').countDocuments({ tenantId: TENANT, 'reference.type': TRANSFER_REQUEST_REFERENCE });
    expect(transferRows).toBe(2 * all.filter((r) => r.fromLocationCode !== EMPTY).length);

    process.stderr.write(`xfer-crash: ${REQUESTS} requests, ${kills} SIGKILLs (${killsMidWork} mid-work), ${outcomes.length} outcomes\n`);
  }, 180_000);
});
