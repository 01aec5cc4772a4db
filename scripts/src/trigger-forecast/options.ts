import { MAX_FORECAST_HORIZON, TrainRequestSchema, type TrainRequest } from '@icc/shared';
import { Command, InvalidArgumentError, Option } from 'commander';

/** What the command line asks for, validated; connection settings are resolved later (connection.ts). */
export interface TriggerOptions {
  request: TrainRequest;
  url?: string;
  apiKey?: string;
  pollMs: number;
  json: boolean;
  progress: boolean;
}

/** A bad command line, worded for the person who typed it; the CLI exits 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

interface RawOptions {
  skus?: string[];
  horizon: number;
  confidence: number;
  season: number;
  asOf?: string;
  url?: string;
  apiKey?: string;
  poll: number;
  json?: boolean;
  progress: boolean;
}

const EXAMPLES = `
Examples:
  pnpm trigger-forecast                              train and forecast every SKU (28 days, 95% intervals)
  pnpm trigger-forecast SKU-0001 SKU-0002            only these SKUs
  pnpm trigger-forecast --skus SKU-0001,SKU-0002 --horizon 14 --confidence 0.8
  pnpm trigger-forecast --as-of 2026-03-31 --json    history up to that day; print the finished job as JSON
  pnpm trigger-forecast --url http://127.0.0.1:4100 --api-key icc_...

Connection: --url, else $ANALYTICS_URL, else .icc/local.json (written by pnpm start), else http://127.0.0.1:4100.
API key:    --api-key, else $ICC_API_KEY, else .icc/local.json.
Exit codes: 0 completed with no failed SKU; 1 job failed, some SKU failed or the service could not be reached;
            2 bad options; 130 interrupted (the job keeps running on the server).
`;

/** The commander program for `trigger-forecast`; `parseTriggerOptions` runs it. */
export function triggerForecastProgram(): Command {
  return new Command('trigger-forecast')
    .description('Ask the running analytics service to train models and forecast, follow the job and summarise it')
    .argument('[skus...]', 'SKUs to forecast (default: every SKU with sales features)')
    .addOption(new Option('--skus <list>', 'comma-separated SKUs, same as the positional ones').argParser(skuList))
    .addOption(new Option('--horizon <days>', `days to forecast, 1–${MAX_FORECAST_HORIZON}`).default(28).argParser(wholeNumber(1, MAX_FORECAST_HORIZON)))
    .addOption(new Option('--confidence <c>', 'prediction interval coverage, 0.5–0.99').default(0.95).argParser(confidence))
    .addOption(new Option('--season <n>', 'seasonal period in days (7: weekly)').default(7).argParser(wholeNumber(1, 366)))
    .addOption(new Option('--as-of <day>', 'last day of history to use, YYYY-MM-DD (default: yesterday, UTC)').argParser(day))
    .addOption(new Option('--url <url>', 'analytics service URL').argParser(httpUrl))
    .option('--api-key <key>', 'API key sent as X-API-Key')
    .addOption(new Option('--poll <ms>', 'how often to ask for the job status, in ms').default(500).argParser(wholeNumber(50, 60_000)))
    .option('--json', 'print the finished job as JSON on stdout (no progress)')
    .option('--no-progress', 'no progress bar or progress lines on stderr')
    .addHelpText('after', EXAMPLES)
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
}

/**
 * Parse the arguments of an already configured `program` (see {@link triggerForecastProgram})
 * into validated options: the train request is checked against the service's own schema,
 * so nothing the service would refuse is sent. Throws commander's errors for unknown or
 * malformed options and {@link UsageError} for the rest.
 */
export async function parseTriggerOptions(program: Command, argv: readonly string[]): Promise<TriggerOptions> {
  await program.parseAsync(argv, { from: 'user' });
  const raw = program.opts<RawOptions>();
  const positional = program.processedArgs[0] as string[] | undefined;
  const skus = [...new Set([...(positional ?? []), ...(raw.skus ?? [])].map((s) => s.trim()).filter((s) => s !== ''))];

  const parsed = TrainRequestSchema.safeParse({
    ...(skus.length > 0 ? { skus } : {}),
    horizon: raw.horizon,
    confidence: raw.confidence,
    season: raw.season,
    ...(raw.asOf === undefined ? {} : { asOf: raw.asOf }),
  });
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const where = issue.path[0] === 'skus' && typeof issue.path[1] === 'number' ? `SKU "${skus[issue.path[1]]}"` : `--${String(issue.path[0] ?? 'options')}`;
    throw new UsageError(`${where}: ${issue.message}`);
  }
  return {
    request: parsed.data,
    ...(raw.url === undefined ? {} : { url: raw.url }),
    ...(raw.apiKey === undefined ? {} : { apiKey: raw.apiKey }),
    pollMs: raw.poll,
    json: raw.json === true,
    progress: raw.progress,
  };
}

function wholeNumber(min: number, max: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (!/^\d+$/.test(value.trim()) || n < min || n > max) throw new InvalidArgumentError(`expected a whole number from ${min} to ${max}`);
    return n;
  };
}

function confidence(value: string): number {
  const c = value.trim() === '' ? Number.NaN : Number(value);
  if (!(c >= 0.5 && c <= 0.99)) throw new InvalidArgumentError('expected a number from 0.5 to 0.99, e.g. 0.95');
  return c;
}

function day(value: string): string {
  // Date.parse accepts 2026-02-30 (it rolls over), so check the day survives a round trip.
  const time = /^\d{4}-\d{2}-\d{2}$/.test(value) ? Date.parse(`${value}T00:00:00Z`) : Number.NaN;
  const valid = !Number.isNaN(time) && new Date(time).toISOString().startsWith(value);
  if (!valid) throw new InvalidArgumentError('expected a day as YYYY-MM-DD, e.g. 2026-03-31');
  return value;
}

function httpUrl(value: string): string {
  if (!isHttpUrl(value)) throw new InvalidArgumentError('expected an http(s) URL, e.g. http://127.0.0.1:4100');
  return value;
}

/** Is `value` an absolute http or https URL? */
export function isHttpUrl(value: string): boolean {
  return URL.canParse(value) && ['http:', 'https:'].includes(new URL(value).protocol);
}

function skuList(value: string, previous: string[] | undefined): string[] {
  return [...(previous ?? []), ...value.split(',')];
}
