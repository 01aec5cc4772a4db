import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findRepoRoot, readLocalConfig, resolveConnection, type LocalConfig } from './connection.js';
import { UsageError } from './options.js';

const LOCAL: LocalConfig = { analytics: 'http://127.0.0.1:4321', apiKey: 'icc_from_file' };
const file = (config: LocalConfig | undefined) => async () => config;

describe('resolveConnection', () => {
  it('takes the URL from --url, then ANALYTICS_URL, then .icc/local.json, then the default port', async () => {
    const env = { ANALYTICS_URL: 'http://env:4100', ICC_API_KEY: 'icc_env' };
    expect(await resolveConnection({ url: 'http://flag:1/' }, env, file(LOCAL))).toMatchObject({ url: 'http://flag:1', urlSource: '--url' });
    expect(await resolveConnection({}, env, file(LOCAL))).toMatchObject({ url: 'http://env:4100', urlSource: 'ANALYTICS_URL' });
    expect(await resolveConnection({}, { ICC_API_KEY: 'k', ANALYTICS_URL: '' }, file(LOCAL))).toMatchObject({
      url: 'http://127.0.0.1:4321',
      urlSource: '.icc/local.json',
    });
    expect(await resolveConnection({}, { ICC_API_KEY: 'k' }, file({ apiKey: 'x' }))).toMatchObject({ url: 'http://127.0.0.1:4100', urlSource: 'default' });
    expect(await resolveConnection({}, { ICC_API_KEY: 'k' }, file(undefined))).toMatchObject({ url: 'http://127.0.0.1:4100', urlSource: 'default' });
  });

  it('takes the API key from --api-key, then ICC_API_KEY, then .icc/local.json', async () => {
    expect(await resolveConnection({ apiKey: 'icc_flag' }, { ICC_API_KEY: 'icc_env' }, file(LOCAL))).toMatchObject({
      apiKey: 'icc_flag',
      apiKeySource: '--api-key',
    });
    expect(await resolveConnection({}, { ICC_API_KEY: 'icc_env' }, file(LOCAL))).toMatchObject({ apiKey: 'icc_env', apiKeySource: 'ICC_API_KEY' });
    expect(await resolveConnection({}, { ICC_API_KEY: ' ' }, file(LOCAL))).toMatchObject({ apiKey: 'icc_from_file', apiKeySource: '.icc/local.json' });
  });

  it('does not read the local file when flags and variables already decide', async () => {
    let reads = 0;
    const counting = async () => {
      reads += 1;
      return LOCAL;
    };
    await resolveConnection({ url: 'http://a:1' }, { ICC_API_KEY: 'k' }, counting);
    expect(reads).toBe(0);
    await resolveConnection({ url: 'http://a:1' }, {}, counting);
    expect(reads).toBe(1);
  });

  it('refuses to go on without an API key, saying where one comes from', async () => {
    await expect(resolveConnection({}, {}, file({ analytics: 'http://x:1' }))).rejects.toThrow(
      new UsageError('no API key: pass --api-key, set ICC_API_KEY, or run pnpm start (it writes .icc/local.json)'),
    );
  });

  it('refuses an ANALYTICS_URL that is not a URL, but ignores a bad one in the local file', async () => {
    await expect(resolveConnection({}, { ANALYTICS_URL: 'localhost:4100', ICC_API_KEY: 'k' }, file(LOCAL))).rejects.toThrow(
      /ANALYTICS_URL="localhost:4100" is not an http\(s\) URL/,
    );
    expect(await resolveConnection({}, { ICC_API_KEY: 'k' }, file({ analytics: 'not a url' }))).toMatchObject({ url: 'http://127.0.0.1:4100' });
  });
});

describe('the local config file', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'trigger-forecast-'));
    await writeFile(join(root, 'pnpm-workspace.yaml'), 'packages: []\n');
    await mkdir(join(root, '.icc'));
    await mkdir(join(root, 'scripts', 'src', 'deep'), { recursive: true });
  });

  afterAll(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('finds the repository root by walking up to pnpm-workspace.yaml, from this module first', () => {
    expect(findRepoRoot([join(root, 'scripts', 'src', 'deep')])).toBe(root);
    expect(findRepoRoot([tmpdir(), join(root, 'scripts')])).toBe(root);
    const thisRepo = fileURLToPath(new URL('../../../', import.meta.url)).replace(/\/$/, '');
    expect(findRepoRoot()).toBe(thisRepo);
  });

  it('reads analytics and apiKey from .icc/local.json and ignores anything malformed', async () => {
    const local = join(root, '.icc', 'local.json');
    await writeFile(local, JSON.stringify({ analytics: 'http://127.0.0.1:4100', apiKey: 'icc_abc', operational: 'http://127.0.0.1:4000' }));
    expect(await readLocalConfig(root)).toEqual({ analytics: 'http://127.0.0.1:4100', apiKey: 'icc_abc' });
    await writeFile(local, JSON.stringify({ analytics: 4100, apiKey: '' }));
    expect(await readLocalConfig(root)).toEqual({});
    await writeFile(local, '{ not json');
    expect(await readLocalConfig(root)).toBeUndefined();
    await writeFile(local, 'null');
    expect(await readLocalConfig(root)).toBeUndefined();
    await rm(local);
    expect(await readLocalConfig(root)).toBeUndefined();
  });
});
