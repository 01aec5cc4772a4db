import { createServer, type RequestListener, type Server } from 'node:http';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { HttpServerConfig } from '../config/env-schemas.js';
import { AppError } from '../errors/app-error.js';
import type { ErrorCode } from '../errors/error-catalogue.js';

/**
 * Longest request target answered; longer ones get 414. Node has no limit of its own on the
 * URL alone: it counts toward `HTTP_MAX_HEADER_BYTES`, past which the parser answers 431.
 */
export const MAX_URL_LENGTH = 8_192;

/** What Node's HTTP parser reports before any route runs, as the one error shape. */
const CLIENT_ERRORS: Record<string, { code: ErrorCode; message: string }> = {
  HPE_HEADER_OVERFLOW: { code: 'HEADERS_TOO_LARGE', message: 'Request line and headers are larger than the server accepts' },
  ERR_HTTP_REQUEST_TIMEOUT: { code: 'REQUEST_TIMEOUT', message: 'The request did not arrive completely in time' },
};

/**
 * The server's `clientError` listener: answers in `{ statusCode, code, error, message }`
 * where a response can still be written (nothing sent yet), then closes, as Node's own does.
 */
export function answerClientError(error: Error & { code?: string }, socket: Duplex): void {
  if (error.code !== 'ECONNRESET' && socket.writable && (socket as Partial<Socket>).bytesWritten === 0) {
    const known = (error.code && CLIENT_ERRORS[error.code]) || { code: 'INVALID_INPUT' as const, message: 'Malformed HTTP request' };
    const response = new AppError(known.code, known.message).toResponse();
    const body = JSON.stringify(response);
    socket.write(
      `HTTP/1.1 ${response.statusCode} ${response.error}\r\nContent-Type: application/json; charset=utf-8\r\n` +
        `Content-Length: ${Buffer.byteLength(body)}\r\nCache-Control: no-store\r\nConnection: close\r\n\r\n${body}`,
    );
  }
  socket.destroy();
}

/**
 * Close connections beyond `max` from one peer address on arrival, before they cost a parser.
 * The address is the TCP peer: behind a reverse proxy every client shares the proxy's, so
 * there the proxy should hold this limit (or the cap be raised).
 */
export function capConnectionsPerAddress(server: Server, max: number): void {
  const open = new Map<string, number>();
  server.prependListener('connection', (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const count = (open.get(address) ?? 0) + 1;
    if (count > max) {
      socket.destroy();
      return;
    }
    open.set(address, count);
    socket.once('close', () => {
      const left = (open.get(address) ?? 1) - 1;
      if (left > 0) open.set(address, left);
      else open.delete(address);
    });
  });
}

/**
 * The HTTP server with every limit that keeps idle or half-sent connections from piling up:
 * headers and whole request within their timeouts (else 408), kept-alive connections closed
 * after `HTTP_KEEP_ALIVE_TIMEOUT_MS`, any socket silent for `HTTP_IDLE_TIMEOUT_MS` destroyed,
 * at most `HTTP_MAX_CONNECTIONS_PER_CLIENT` per address, header section within
 * `HTTP_MAX_HEADER_BYTES` (else 431), parser errors answered in the one error shape. Both
 * services build theirs here: Express as its listener, Fastify through `serverFactory` (which
 * attaches `answerClientError` itself, its `clientErrorHandler` option: pass
 * `{ answerClientErrors: false }`).
 *
 * @example
 *   const server = createHttpServer(expressApp, operationalConfig.get());
 *   server.listen(4000);
 */
export function createHttpServer(handler: RequestListener, limits: HttpServerConfig, options: { answerClientErrors?: boolean } = {}): Server {
  const server = createServer(
    {
      maxHeaderSize: limits.HTTP_MAX_HEADER_BYTES,
      headersTimeout: limits.HTTP_HEADERS_TIMEOUT_MS,
      requestTimeout: limits.HTTP_REQUEST_TIMEOUT_MS,
      keepAliveTimeout: limits.HTTP_KEEP_ALIVE_TIMEOUT_MS,
      // Node checks the two timeouts above only this often (30 s by default): a slowloris
      // client would otherwise hold its socket up to 30 s past the header timeout.
      connectionsCheckingInterval: Math.max(10, Math.min(1_000, Math.floor(limits.HTTP_HEADERS_TIMEOUT_MS / 2))),
    },
    handler,
  );
  // No traffic either way for this long: Node destroys the socket (no 'timeout' listener).
  server.setTimeout(limits.HTTP_IDLE_TIMEOUT_MS);
  capConnectionsPerAddress(server, limits.HTTP_MAX_CONNECTIONS_PER_CLIENT);
  if (options.answerClientErrors !== false) server.on('clientError', answerClientError);
  return server;
}
