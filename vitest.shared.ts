import { fileURLToPath } from 'node:url';
import { defineConfig } from 'vitest/config';

const root = fileURLToPath(new URL('.', import.meta.url));

/**
 * Common vitest settings for every package. Workspace packages resolve to their
 * TypeScript sources (as the `source` export condition does for tsx and tsc),
 * so tests never need a build; third-party packages resolve as vitest defaults.
 */
export function packageTestConfig(name: string, overrides: { testTimeout?: number; include?: string[]; globalSetup?: string[] } = {}) {
  return defineConfig({
    resolve: {
      alias: [
        { find: /^@icc\/service-analytics\/forecasting$/, replacement: `${root}service-analytics/src/forecasting/index.ts` },
        { find: /^@icc\/service-analytics\/testing$/, replacement: `${root}service-analytics/src/testing.ts` },
        { find: /^@icc\/service-analytics\/planning-policy$/, replacement: `${root}service-analytics/src/planning/policy/index.ts` },
        {
          find: /^@icc\/(shared|embedded-mongo|service-operational|service-analytics|scripts)$/,
          replacement: `${root}$1/src/index.ts`,
        },
      ],
    },
    test: {
      name,
      include: overrides.include ?? ['src/**/*.spec.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 300_000,
      environment: 'node',
      ...(overrides.globalSetup ? { globalSetup: overrides.globalSetup } : {}),
    },
  });
}
