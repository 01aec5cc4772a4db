import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isHttpUrl, UsageError } from './options.js';

export const DEFAULT_ANALYTICS_URL = 'http://127.0.0.1:4100';
export const LOCAL_CONFIG_PATH = '.icc/local.json';

/** What `pnpm start` leaves in `.icc/local.json` for the local tools; every field may be missing. */
export interface LocalConfig {
  analytics?: string;
  apiKey?: string;
}

/** Where the service is and how to authenticate, with where each came from (for messages). */
export interface Connection {
  url: string;
  urlSource: string;
  apiKey: string;
  apiKeySource: string;
}

/**
 * Resolve the analytics URL (`--url` → `$ANALYTICS_URL` → `.icc/local.json` →
 * {@link DEFAULT_ANALYTICS_URL}) and the API key (`--api-key` → `$ICC_API_KEY` →
 * `.icc/local.json`). Empty values count as unset. Throws a {@link UsageError}
 * when there is no key or `$ANALYTICS_URL` is not a URL. The local file is read
 * only when a flag or variable does not already decide.
 *
 * @example await resolveConnection({ url: 'http://localhost:4100' }, { ICC_API_KEY: 'icc_x' }, async () => undefined)
 */
export async function resolveConnection(
  flags: { url?: string; apiKey?: string },
  env: Readonly<Record<string, string | undefined>>,
  readLocalConfig: () => Promise<LocalConfig | undefined>,
): Promise<Connection> {
  const envUrl = nonEmpty(env.ANALYTICS_URL);
  const envKey = nonEmpty(env.ICC_API_KEY);
  const needsFile = (flags.url === undefined && envUrl === undefined) || (nonEmpty(flags.apiKey) === undefined && envKey === undefined);
  const local = needsFile ? await readLocalConfig() : undefined;

  let url: [string, string];
  if (flags.url !== undefined) url = [flags.url, '--url'];
  else if (envUrl !== undefined) {
    if (!isHttpUrl(envUrl)) throw new UsageError(`ANALYTICS_URL="${envUrl}" is not an http(s) URL`);
    url = [envUrl, 'ANALYTICS_URL'];
  } else if (local?.analytics !== undefined && isHttpUrl(local.analytics)) url = [local.analytics, LOCAL_CONFIG_PATH];
  else url = [DEFAULT_ANALYTICS_URL, 'default'];

  let apiKey: [string, string];
  const flagKey = nonEmpty(flags.apiKey);
  if (flagKey !== undefined) apiKey = [flagKey, '--api-key'];
  else if (envKey !== undefined) apiKey = [envKey, 'ICC_API_KEY'];
  else if (local?.apiKey !== undefined) apiKey = [local.apiKey, LOCAL_CONFIG_PATH];
  else throw new UsageError('no API key: pass --api-key, set ICC_API_KEY, or run pnpm start (it writes .icc/local.json)');

  return { url: url[0].replace(/\/+$/, ''), urlSource: url[1], apiKey: apiKey[0], apiKeySource: apiKey[1] };
}

/**
 * Read `.icc/local.json` at the repository root, tolerantly: a missing or
 * unreadable file, bad JSON or fields that are not non-empty strings are all
 * ignored, because the file is a convenience and never the only way in.
 */
export async function readLocalConfig(root: string | undefined = findRepoRoot()): Promise<LocalConfig | undefined> {
  if (root === undefined) return undefined;
  let json: unknown;
  try {
    json = JSON.parse(await readFile(join(root, LOCAL_CONFIG_PATH), 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof json !== 'object' || json === null) return undefined;
  const { analytics, apiKey } = json as Record<string, unknown>;
  return {
    ...(typeof analytics === 'string' && analytics.trim() !== '' ? { analytics: analytics.trim() } : {}),
    ...(typeof apiKey === 'string' && apiKey.trim() !== '' ? { apiKey: apiKey.trim() } : {}),
  };
}

/**
 * The monorepo root: the nearest directory holding `pnpm-workspace.yaml`, looking up from
 * this module first (so the command works from any working directory), then from `cwd`
 * (in case the script runs from a copy outside the repository).
 */
export function findRepoRoot(from: readonly string[] = [dirname(fileURLToPath(import.meta.url)), process.cwd()]): string | undefined {
  for (const start of from) {
    for (let dir = start; ; dir = dirname(dir)) {
      if (existsSync(join(dir, 'pnpm-workspace.yaml'))) return dir;
      if (dirname(dir) === dir) break;
    }
  }
  return undefined;
}

function nonEmpty(value: string | undefined): string | undefined {
  const trimmed = value?.trim();
  return trimmed === undefined || trimmed === '' ? undefined : trimmed;
}
