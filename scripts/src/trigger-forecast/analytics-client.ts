import { ErrorResponseSchema, TrainAcceptedSchema, TrainingJobSchema, type TrainingJob, type TrainRequest } from '@icc/shared';
import type { Connection } from './connection.js';

export type TrainAccepted = ReturnType<typeof TrainAcceptedSchema.parse>;
export type Fetch = typeof globalThis.fetch;

/** How long one request may take before the service counts as unresponsive. */
const REQUEST_TIMEOUT_MS = 30_000;

/** The service answered with an error, answered nonsense, or could not be reached. The CLI exits 1. */
export class ServiceError extends Error {
  override readonly name = 'ServiceError';
  /** One line per failing field, from the error response's `details`. */
  readonly details: string[];

  constructor(message: string, details: string[] = []) {
    super(message);
    this.details = details;
  }
}

/** The person pressed Ctrl-C (the `interrupt` signal fired) while a request or a pause was under way. */
export class Interrupted extends Error {
  override readonly name = 'Interrupted';
}

/** The two training routes of the analytics service, answers parsed with the shared schemas. */
export interface AnalyticsClient {
  startTraining(request: TrainRequest): Promise<TrainAccepted>;
  getJob(jobId: string): Promise<TrainingJob>;
  statusUrl(jobId: string): string;
}

/**
 * A client for `POST /api/models/train` and `GET /api/models/status/{jobId}`.
 * Every failure becomes a {@link ServiceError} with a sentence a person can act on,
 * or {@link Interrupted} once `interrupt` has fired.
 */
export function analyticsClient(connection: Connection, fetch: Fetch, interrupt?: AbortSignal): AnalyticsClient {
  const statusUrl = (jobId: string) => `${connection.url}/api/models/status/${encodeURIComponent(jobId)}`;

  async function call<T>(url: string, init: RequestInit, parse: (body: unknown) => T): Promise<T> {
    const timeout = AbortSignal.timeout(REQUEST_TIMEOUT_MS);
    let response: Response;
    let text: string;
    try {
      response = await fetch(url, {
        ...init,
        headers: { accept: 'application/json', 'x-api-key': connection.apiKey, ...init.headers },
        signal: interrupt ? AbortSignal.any([interrupt, timeout]) : timeout,
      });
      text = await response.text();
    } catch (error) {
      if (interrupt?.aborted) throw new Interrupted('interrupted');
      if (timeout.aborted) throw new ServiceError(`the analytics service at ${connection.url} did not answer within ${REQUEST_TIMEOUT_MS / 1000} s`);
      const from = connection.urlSource === 'default' ? '' : ` (from ${connection.urlSource})`;
      throw new ServiceError(`cannot reach the analytics service at ${connection.url}${from}: is it running? (pnpm start) [${causeOf(error)}]`);
    }
    const body = parseJson(text);
    if (!response.ok) throw errorFromResponse(response.status, body, text, connection);
    try {
      return parse(body);
    } catch (error) {
      throw new ServiceError(`unexpected answer from ${url} (HTTP ${response.status}): ${firstIssue(error)}`);
    }
  }

  return {
    statusUrl,
    startTraining: (request) =>
      call(`${connection.url}/api/models/train`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(request) }, (body) =>
        TrainAcceptedSchema.parse(body),
      ),
    getJob: (jobId) => call(statusUrl(jobId), { method: 'GET' }, (body) => TrainingJobSchema.parse(body)),
  };
}

function errorFromResponse(status: number, body: unknown, text: string, connection: Connection): ServiceError {
  const parsed = ErrorResponseSchema.safeParse(body);
  if (!parsed.success)
    return new ServiceError(`HTTP ${status} from the analytics service at ${connection.url}: ${text.trim().slice(0, 200) || '(empty body)'}`);
  const { message, code, details } = parsed.data;
  const hint = status === 401 || status === 403 ? ` (the API key came from ${connection.apiKeySource})` : '';
  return new ServiceError(`${message} [${code}]${hint}`, detailLines(details));
}

/** `details` of INVALID_INPUT is a list of `{ path, message }`; anything else is shown as JSON. */
function detailLines(details: unknown): string[] {
  if (details === undefined) return [];
  if (Array.isArray(details)) {
    return details.map((d: unknown) => {
      const { path, message } = (typeof d === 'object' && d !== null ? d : {}) as { path?: unknown; message?: unknown };
      if (typeof message !== 'string') return JSON.stringify(d);
      return typeof path === 'string' && path !== '' ? `${path}: ${message}` : message;
    });
  }
  return [JSON.stringify(details)];
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** fetch wraps the socket error (ECONNREFUSED, ENOTFOUND…) in `cause`. */
function causeOf(error: unknown): string {
  const cause = (error as { cause?: { code?: unknown; message?: unknown } }).cause;
  if (typeof cause?.code === 'string') return cause.code;
  if (typeof cause?.message === 'string') return cause.message;
  return (error as Error).message;
}

function firstIssue(error: unknown): string {
  const issues = (error as { issues?: { path: PropertyKey[]; message: string }[] }).issues;
  const issue = issues?.[0];
  return issue ? `${issue.path.map(String).join('.') || '(body)'}: ${issue.message}` : (error as Error).message;
}
