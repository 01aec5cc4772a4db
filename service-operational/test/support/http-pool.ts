import http from 'node:http';
import type { LooseJson } from './loose-json.js';

/** A response as the tests read it: status, parsed JSON (or text) and headers. */
export interface PooledResponse {
  status: number;
  body: LooseJson;
  headers: http.IncomingHttpHeaders;
}

export interface PooledRequest {
  key?: string | undefined;
  /** Serialised as JSON with Content-Type: application/json. */
  body?: unknown;
  /** Sent as is (with `headers` deciding the Content-Type). */
  rawBody?: string | Buffer;
  headers?: Record<string, string>;
}

export interface HttpPool {
  request(method: string, path: string, options?: PooledRequest): Promise<PooledResponse>;
  close(): void;
}

/**
 * Requests over a keep-alive agent with up to `connections` sockets, so hundreds
 * of parallel requests really arrive in parallel (global fetch would funnel
 * them through its own pool). Also sends what fetch refuses to: raw bytes,
 * any method with a body, unusual headers.
 */
export function createHttpPool(baseUrl: string, connections = 50): HttpPool {
  const agent = new http.Agent({ keepAlive: true, maxSockets: connections });
  const base = new URL(baseUrl);
  return {
    request(method, path, options = {}) {
      const headers: Record<string, string> = { ...options.headers };
      if (options.key) headers['x-api-key'] = options.key;
      let payload: string | Buffer | undefined = options.rawBody;
      if (options.body !== undefined) {
        payload = JSON.stringify(options.body);
        headers['content-type'] ??= 'application/json';
      }
      if (payload !== undefined) headers['content-length'] = String(Buffer.byteLength(payload));
      return new Promise<PooledResponse>((resolve, reject) => {
        const req = http.request({ agent, host: base.hostname, port: base.port, method, path, headers }, (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (chunk: Buffer) => chunks.push(chunk));
          res.on('error', reject);
          res.on('end', () => {
            const text = Buffer.concat(chunks).toString('utf8');
            let body: unknown = text;
            try {
              body = text ? JSON.parse(text) : undefined;
            } catch {
              // Non-JSON responses stay text; the tests assert on them.
            }
            resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
          });
        });
        req.on('error', reject);
        if (payload !== undefined) req.write(payload);
        req.end();
      });
    },
    close() {
      agent.destroy();
    },
  };
}
