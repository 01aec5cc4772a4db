import type { z } from 'zod';

/** A bad or missing environment variable stops start-up with this, naming each one. */
export class ConfigError extends Error {
  constructor(readonly problems: Array<{ variable: string; message: string }>) {
    super(`Invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Environment variables as Node gives them; `undefined` means unset. */
export type Env = Record<string, string | undefined>;

/**
 * Parse an environment with a zod schema that owns every default and coercion.
 * Empty strings count as unset, so `PORT=` falls back to the default instead of
 * failing as "not a number".
 *
 * @example
 *   const config = parseEnv(OperationalEnvSchema, { OPERATIONAL_PORT: '4000' });
 */
export function parseEnv<S extends z.ZodType>(schema: S, env: Env = process.env): z.infer<S> {
  const cleaned: Env = {};
  for (const [key, value] of Object.entries(env)) {
    if (value !== undefined && value.trim() !== '') cleaned[key] = value;
  }
  const result = schema.safeParse(cleaned);
  if (result.success) return result.data;
  throw new ConfigError(
    result.error.issues.map((issue) => ({
      variable: issue.path.map(String).join('.') || '(environment)',
      message: issue.message,
    })),
  );
}

export interface ConfigLoader<T> {
  /** The configuration, parsed from `process.env` on first use and cached. */
  get(): T;
  /** Forget the cached configuration (tests that change the environment). */
  reset(): void;
}

/**
 * A loader that parses the environment once per process.
 *
 * @example
 *   export const operationalConfig = createConfigLoader(OperationalEnvSchema);
 *   const { OPERATIONAL_PORT } = operationalConfig.get();
 */
export function createConfigLoader<S extends z.ZodType>(schema: S): ConfigLoader<z.infer<S>> {
  let cached: z.infer<S> | undefined;
  return {
    get: () => (cached ??= parseEnv(schema)),
    reset: () => {
      cached = undefined;
    },
  };
}
