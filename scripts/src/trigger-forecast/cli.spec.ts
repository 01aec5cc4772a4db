import { spawn } from 'node:child_process';
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { TrainingJobSchema, type TrainingJob } from '@icc/shared';
import { afterEach, describe, expect, it } from 'vitest';
import { EXIT_INTERRUPTED, runTriggerForecast, type TriggerForecastIo } from './cli.js';
import { aJobSummary, aPendingJob, aRunningJob, aTrainingJob } from './training-job.builders.js';

interface Reply {
  status: number;
  body: unknown;
}

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: unknown;
}

/**
 * A stand-in for the analytics service's two training routes over real HTTP: the train
 * route answers `train`, the status route answers `statuses` in turn (the last one repeats).
 */
async function scriptedAnalytics(script: { train?: Reply; statuses?: (TrainingJob | Reply)[] }) {
  const received: Received[] = [];
  let next = 0;
  const server = createServer((request, response) => {
    let text = '';
    request.on('data', (chunk: Buffer) => (text += chunk.toString()));
    request.on('end', () => {
      received.push({ method: request.method!, url: request.url!, headers: request.headers, body: text === '' ? undefined : JSON.parse(text) });
      let reply: Reply = { status: 404, body: { statusCode: 404, code: 'NOT_FOUND', error: 'Not Found', message: `no route ${request.url}` } };
      if (request.method === 'POST' && request.url === '/api/models/train') {
        reply = script.train ?? { status: 202, body: { jobId: 'job-1', status: 'pending', statusUrl: '/api/models/status/job-1' } };
      } else if (request.method === 'GET' && request.url?.startsWith('/api/models/status/') && script.statuses) {
        const scripted = script.statuses[Math.min(next, script.statuses.length - 1)]!;
        next += 1;
        reply = 'jobId' in scripted ? { status: 200, body: scripted } : scripted;
      }
      response.writeHead(reply.status, { 'content-type': 'application/json' }).end(JSON.stringify(reply.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  servers.push(server);
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    statusRequests: () => received.filter((r) => r.method === 'GET').length,
  };
}

const servers: Server[] = [];
afterEach(async () => {
  for (const server of servers.splice(0)) {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
  }
});

async function run(argv: string[], io: Partial<TriggerForecastIo> = {}) {
  let stdout = '';
  let stderr = '';
  const code = await runTriggerForecast(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: {},
    isTTY: false,
    sleep: async () => {},
    readLocalConfig: async () => undefined,
    ...io,
  });
  return { code, stdout, stderr };
}

describe('trigger-forecast against a service over HTTP', () => {
  it('posts the train request with the API key, follows the job to completion, prints the summary and exits 0', async () => {
    const finished = aTrainingJob({
      request: { skus: ['A-1', 'B-2'], horizon: 14, confidence: 0.8, season: 7, asOf: '2026-03-31' },
      progress: { total: 2, done: 2, forecast: 2 },
      summary: aJobSummary({ models: { 'croston-sba': 2 }, medianMase: 0.612, medianSeasonalNaiveMase: 0.9, improvementOverSeasonalNaive: 0.32 }),
    });
    const service = await scriptedAnalytics({ statuses: [aPendingJob(), aRunningJob(0, 2), aRunningJob(1, 2), finished] });
    const { code, stdout, stderr } = await run(
      ['A-1', '--skus', 'B-2', '--horizon', '14', '--confidence', '0.8', '--as-of', '2026-03-31', '--url', service.url],
      {
        env: { ICC_API_KEY: 'icc_secret' },
      },
    );

    expect(code).toBe(0);
    const [train, ...polls] = service.received;
    expect(train).toMatchObject({
      method: 'POST',
      url: '/api/models/train',
      body: { skus: ['A-1', 'B-2'], horizon: 14, confidence: 0.8, season: 7, asOf: '2026-03-31' },
    });
    expect(train!.headers['x-api-key']).toBe('icc_secret');
    expect(polls.map((p) => [p.method, p.url, p.headers['x-api-key']])).toEqual(Array(4).fill(['GET', '/api/models/status/job-1', 'icc_secret']));
    expect(stderr).toContain('training job job-1 accepted by');
    expect(stderr).toContain('waiting for the job to start…');
    expect(stdout).toMatch(/^status {6}completed$/m);
    expect(stdout).toMatch(/^SKUs {8}2 total: 2 forecast, 0 skipped, 0 failed$/m);
    expect(stdout).toMatch(/^ {2}croston-sba +2 +100\.0%$/m);
    expect(stdout).toMatch(/chosen models: +0\.612$/m);
    expect(stdout).toMatch(/improvement over seasonal naive: +32\.0% lower error$/m);
  });

  it('exits 1 when the job completes with failed SKUs, and lists them', async () => {
    const service = await scriptedAnalytics({
      statuses: [
        aTrainingJob({
          progress: { total: 3, done: 3, forecast: 2, failed: 1 },
          summary: aJobSummary({ models: { tsb: 2 }, failures: [{ sku: 'C-3', message: 'history is all zeros' }] }),
        }),
      ],
    });
    const { code, stdout } = await run(['--url', service.url, '--api-key', 'k']);
    expect(code).toBe(1);
    expect(stdout).toContain('failed SKUs (first 1 of 1):\n  C-3: history is all zeros\n');
  });

  it('exits 1 when the job fails, printing its error', async () => {
    const service = await scriptedAnalytics({
      statuses: [aRunningJob(0), aTrainingJob({ status: 'failed', error: 'features are being rebuilt', summary: null, progress: { done: 0, forecast: 0 } })],
    });
    const { code, stdout } = await run(['--url', service.url, '--api-key', 'k']);
    expect(code).toBe(1);
    expect(stdout).toMatch(/^status {6}failed$/m);
    expect(stdout).toMatch(/^error {7}features are being rebuilt$/m);
  });

  it('--json prints the finished job as the service sent it, with no progress on stderr', async () => {
    const finished = aTrainingJob({ progress: { total: 10, done: 10, forecast: 9, skipped: 1 } });
    const service = await scriptedAnalytics({ statuses: [aPendingJob(), aRunningJob(5), finished] });
    const { code, stdout, stderr } = await run(['--url', service.url, '--api-key', 'k', '--json']);
    expect(code).toBe(0);
    expect(TrainingJobSchema.parse(JSON.parse(stdout))).toEqual(finished);
    expect(stderr).toBe('');
  });

  it('prints the message and the failing fields of an error response and exits 1', async () => {
    const service = await scriptedAnalytics({
      train: {
        status: 400,
        body: {
          statusCode: 400,
          code: 'INVALID_INPUT',
          error: 'Bad Request',
          message: 'Invalid body: asOf: no sales history after 2026-01-01',
          details: [{ path: 'asOf', message: 'no sales history after 2026-01-01' }],
        },
      },
    });
    const { code, stdout, stderr } = await run(['--url', service.url, '--api-key', 'k', '--as-of', '2026-03-31']);
    expect({ code, stdout }).toEqual({ code: 1, stdout: '' });
    expect(stderr).toBe('trigger-forecast: Invalid body: asOf: no sales history after 2026-01-01 [INVALID_INPUT]\n  asOf: no sales history after 2026-01-01\n');
    expect(service.statusRequests()).toBe(0);
  });

  it('says where a refused API key came from', async () => {
    const service = await scriptedAnalytics({
      train: { status: 401, body: { statusCode: 401, code: 'UNAUTHORIZED', error: 'Unauthorized', message: 'unknown or revoked API key' } },
    });
    const { code, stderr } = await run(['--url', service.url], { env: { ICC_API_KEY: 'icc_old' } });
    expect(code).toBe(1);
    expect(stderr).toBe('trigger-forecast: unknown or revoked API key [UNAUTHORIZED] (the API key came from ICC_API_KEY)\n');
  });

  it('exits 1 with the job id when a status answer is not a training job', async () => {
    const service = await scriptedAnalytics({ statuses: [{ status: 200, body: { jobId: 'job-1', status: 'exploded' } }] });
    const { code, stderr } = await run(['--url', service.url, '--api-key', 'k']);
    expect(code).toBe(1);
    expect(stderr).toMatch(
      /^trigger-forecast: unexpected answer from http:\/\/127\.0\.0\.1:\d+\/api\/models\/status\/job-1 \(HTTP 200\): status: .*\(while following job job-1;/m,
    );
  });

  it('exits 1 with a clear message when nothing listens at the URL', async () => {
    const closed = await scriptedAnalytics({});
    const server = servers.pop()!;
    await new Promise((resolve) => server.close(resolve));
    const { code, stderr } = await run([], { env: { ANALYTICS_URL: closed.url, ICC_API_KEY: 'k' } });
    expect(code).toBe(1);
    expect(stderr).toBe(
      `trigger-forecast: cannot reach the analytics service at ${closed.url} (from ANALYTICS_URL): is it running? (pnpm start) [ECONNREFUSED]\n`,
    );
  });

  it('on Ctrl-C stops following, prints the job id and how to check it, and exits 130', async () => {
    const service = await scriptedAnalytics({ statuses: [aRunningJob(1)] });
    const interrupt = new AbortController();
    let pauses = 0;
    const { code, stdout, stderr } = await run(['--url', service.url, '--api-key', 'k'], {
      interrupt: interrupt.signal,
      sleep: async (_ms, signal) => {
        pauses += 1;
        if (pauses === 3) interrupt.abort();
        signal?.throwIfAborted();
      },
    });
    expect(code).toBe(EXIT_INTERRUPTED);
    expect(stdout).toBe('');
    expect(service.statusRequests()).toBe(3);
    expect(stderr).toContain(`stopped following job job-1; it keeps running on the server.\ncheck it with: GET ${service.url}/api/models/status/job-1\n`);
  });

  it('uses the URL and key from .icc/local.json when neither flag nor variable gives them', async () => {
    const service = await scriptedAnalytics({ statuses: [aTrainingJob()] });
    const { code } = await run([], { readLocalConfig: async () => ({ analytics: service.url, apiKey: 'icc_local' }) });
    expect(code).toBe(0);
    expect(service.received[0]!.headers['x-api-key']).toBe('icc_local');
  });
});

describe('pnpm trigger-forecast as a process', () => {
  const root = fileURLToPath(new URL('../../../', import.meta.url));
  const tsx = join(root, 'node_modules', '.bin', 'tsx');
  const start = (argv: string[], env: Record<string, string> = {}) =>
    spawn(tsx, ['--conditions=source', 'scripts/trigger-forecast.ts', ...argv], {
      cwd: root,
      env: { ...process.env, ANALYTICS_URL: '', ICC_API_KEY: '', ...env },
    });

  it('prints usage for --help and exits 0', async () => {
    const child = start(['--help']);
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => (stdout += chunk.toString()));
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(0);
    expect(stdout).toMatch(/^Usage: trigger-forecast/);
  });

  it('exits 130 on SIGINT while following, naming the job', async () => {
    const service = await scriptedAnalytics({ statuses: [aRunningJob(1)] });
    const child = start(['--url', service.url, '--poll', '50'], { ICC_API_KEY: 'k' });
    let stderr = '';
    let interrupted = false;
    child.stderr.on('data', (chunk: Buffer) => {
      stderr += chunk.toString();
      // Interrupt once the job is being followed (the first progress line is out); only once,
      // since a second Ctrl-C ends the process at once.
      if (!interrupted && stderr.includes('1/10 SKUs')) {
        interrupted = true;
        child.kill('SIGINT');
      }
    });
    const code = await new Promise((resolve) => child.on('close', resolve));
    expect(code).toBe(130);
    expect(stderr).toContain('stopped following job job-1; it keeps running on the server.');
  });
});
