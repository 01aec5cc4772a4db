import { describe, expect, it } from 'vitest';
import { runTriggerForecast } from './cli.js';
import { parseTriggerOptions, triggerForecastProgram } from './options.js';

const parse = (...argv: string[]) => parseTriggerOptions(triggerForecastProgram().configureOutput({ writeOut: () => {}, writeErr: () => {} }), argv);

/** Runs the CLI with a fetch that fails the test if any request is made. */
async function runOffline(...argv: string[]) {
  let stdout = '';
  let stderr = '';
  let requests = 0;
  const code = await runTriggerForecast(argv, {
    stdout: (t) => (stdout += t),
    stderr: (t) => (stderr += t),
    env: { ICC_API_KEY: 'icc_test' },
    isTTY: false,
    readLocalConfig: async () => undefined,
    fetch: async () => {
      requests += 1;
      throw new Error('no request expected');
    },
  });
  return { code, stdout, stderr, requests };
}

describe('trigger-forecast options', () => {
  it('defaults to every SKU, 28 days, 95% intervals, weekly season and a 500 ms poll', async () => {
    expect(await parse()).toEqual({
      request: { horizon: 28, confidence: 0.95, season: 7 },
      pollMs: 500,
      json: false,
      progress: true,
    });
  });

  it('merges positional SKUs with --skus lists, dropping blanks and repeats', async () => {
    const options = await parse('A-1', '--skus', 'B-2, C-3,,A-1', 'D-4', '--skus', 'E-5');
    expect(options.request.skus).toEqual(['A-1', 'D-4', 'B-2', 'C-3', 'E-5']);
  });

  it('reads every option into the train request and the follow settings', async () => {
    const options = await parse(
      '--horizon',
      '14',
      '--confidence',
      '0.8',
      '--season',
      '12',
      '--as-of',
      '2026-02-28',
      '--url',
      'http://analytics.local:9000/',
      '--api-key',
      'icc_k',
      '--poll',
      '250',
      '--json',
      '--no-progress',
    );
    expect(options).toEqual({
      request: { horizon: 14, confidence: 0.8, season: 12, asOf: '2026-02-28' },
      url: 'http://analytics.local:9000/',
      apiKey: 'icc_k',
      pollMs: 250,
      json: true,
      progress: false,
    });
  });

  it.each([
    [['--horizon', '0'], /--horizon <days>.*whole number from 1 to 365/],
    [['--horizon', '366'], /whole number from 1 to 365/],
    [['--horizon', '2.5'], /whole number/],
    [['--confidence', '95'], /--confidence <c>.*0\.5 to 0\.99/],
    [['--confidence', '0.4'], /0\.5 to 0\.99/],
    [['--confidence', ''], /0\.5 to 0\.99/],
    [['--season', 'weekly'], /--season <n>.*whole number from 1 to 366/],
    [['--as-of', '2026-02-30'], /--as-of <day>.*YYYY-MM-DD/],
    [['--as-of', '31/03/2026'], /YYYY-MM-DD/],
    [['--poll', '5'], /--poll <ms>.*from 50 to 60000/],
    [['--url', 'localhost:4100'], /--url <url>.*http\(s\) URL/],
    [['--frobnicate'], /unknown option '--frobnicate'/],
    [['bad sku!'], /SKU "bad sku!": use letters, digits/],
  ])('%j is refused with exit code 2 before any request', async (argv, message) => {
    const result = await runOffline(...argv);
    expect(result).toMatchObject({ code: 2, stdout: '', requests: 0 });
    expect(result.stderr).toMatch(message);
  });

  it('--help prints usage, every option and examples on stdout and exits 0', async () => {
    const { code, stdout, stderr, requests } = await runOffline('--help');
    expect({ code, stderr, requests }).toEqual({ code: 0, stderr: '', requests: 0 });
    expect(stdout).toMatch(/^Usage: trigger-forecast \[options\] \[skus\.\.\.\]/);
    for (const option of [
      '--skus <list>',
      '--horizon <days>',
      '--confidence <c>',
      '--season <n>',
      '--as-of <day>',
      '--url <url>',
      '--api-key <key>',
      '--poll <ms>',
      '--json',
      '--no-progress',
    ]) {
      expect(stdout).toContain(option);
    }
    expect(stdout).toContain('(default: 28)');
    expect(stdout).toMatch(/Examples:\n {2}pnpm trigger-forecast /);
    expect(stdout).toMatch(/Exit codes: 0 completed/);
  });
});
