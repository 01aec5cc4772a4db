import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { ConfigError, createConfigLoader, parseEnv } from './env-loader.js';
import { AnalyticsEnvSchema, OperationalEnvSchema } from './env-schemas.js';

function problemsOf(fn: () => unknown): ConfigError['problems'] {
  try {
    fn();
  } catch (error) {
    if (error instanceof ConfigError) return error.problems;
    throw error;
  }
  throw new Error('expected a ConfigError');
}

describe('parseEnv', () => {
  it('applies every default when the environment is empty', () => {
    const config = parseEnv(OperationalEnvSchema, {});
    expect(config).toMatchObject({
      NODE_ENV: 'development',
      LOG_LEVEL: 'info',
      OPERATIONAL_HOST: '127.0.0.1',
      OPERATIONAL_PORT: 4000,
      OPERATIONAL_DB: 'icc_operational',
      MONGO_MEMORY_SERVER_TIMEOUT_MS: 20_000,
    });
    expect(config.MONGODB_URI).toBeUndefined();
    expect(parseEnv(AnalyticsEnvSchema, {}).ANALYTICS_PORT).toBe(4100);
  });

  it('coerces numbers from strings', () => {
    expect(parseEnv(OperationalEnvSchema, { OPERATIONAL_PORT: '8080' }).OPERATIONAL_PORT).toBe(8080);
  });

  it('treats an empty variable as unset', () => {
    expect(parseEnv(OperationalEnvSchema, { OPERATIONAL_PORT: '  ' }).OPERATIONAL_PORT).toBe(4000);
  });

  it('rejects a bad number and names the variable', () => {
    const problems = problemsOf(() => parseEnv(OperationalEnvSchema, { OPERATIONAL_PORT: 'eighty' }));
    expect(problems).toHaveLength(1);
    expect(problems[0]?.variable).toBe('OPERATIONAL_PORT');
  });

  it('rejects a port out of range', () => {
    const problems = problemsOf(() => parseEnv(OperationalEnvSchema, { OPERATIONAL_PORT: '70000' }));
    expect(problems.map((p) => p.variable)).toEqual(['OPERATIONAL_PORT']);
  });

  it('rejects a value outside an enumeration and names it', () => {
    const problems = problemsOf(() => parseEnv(OperationalEnvSchema, { MONGO_ENGINE: 'postgres', LOG_LEVEL: 'loud' }));
    expect(problems.map((p) => p.variable).sort()).toEqual(['LOG_LEVEL', 'MONGO_ENGINE']);
  });

  it('rejects a MONGODB_URI that is not a MongoDB connection string', () => {
    const problems = problemsOf(() => parseEnv(OperationalEnvSchema, { MONGODB_URI: 'http://localhost' }));
    expect(problems[0]).toEqual({ variable: 'MONGODB_URI', message: 'must start with mongodb:// or mongodb+srv://' });
  });

  it('reports a missing required variable by name', () => {
    const schema = z.object({ API_SECRET: z.string(), PORT: z.coerce.number().default(1) });
    const error = (() => {
      try {
        parseEnv(schema, {});
      } catch (e) {
        return e as ConfigError;
      }
      return undefined;
    })();
    expect(error).toBeInstanceOf(ConfigError);
    expect(error?.problems.map((p) => p.variable)).toEqual(['API_SECRET']);
    expect(error?.message).toContain('API_SECRET');
  });
});

describe('createConfigLoader', () => {
  const saved = process.env.OPERATIONAL_PORT;
  afterEach(() => {
    if (saved === undefined) delete process.env.OPERATIONAL_PORT;
    else process.env.OPERATIONAL_PORT = saved;
  });

  it('parses once and re-reads the environment only after reset', () => {
    const loader = createConfigLoader(OperationalEnvSchema);
    process.env.OPERATIONAL_PORT = '5001';
    expect(loader.get().OPERATIONAL_PORT).toBe(5001);
    process.env.OPERATIONAL_PORT = '5002';
    expect(loader.get().OPERATIONAL_PORT).toBe(5001);
    loader.reset();
    expect(loader.get().OPERATIONAL_PORT).toBe(5002);
  });
});
