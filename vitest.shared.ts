import { defineConfig } from 'vitest/config';

/**
 * Common vitest settings for every package: resolve workspace packages to their
 * TypeScript sources (the `source` export condition), so tests never need a build.
 */
export function packageTestConfig(name: string, overrides: { testTimeout?: number; include?: string[] } = {}) {
  return defineConfig({
    resolve: { conditions: ['source', 'import', 'module', 'node', 'default'] },
    ssr: { resolve: { conditions: ['source', 'import', 'node', 'default'], externalConditions: ['source'] } },
    test: {
      name,
      include: overrides.include ?? ['src/**/*.spec.ts', 'test/**/*.test.ts'],
      testTimeout: overrides.testTimeout ?? 30_000,
      hookTimeout: 60_000,
      environment: 'node',
    },
  });
}
