import { defineConfig } from 'vitest/config';

// One `pnpm test` runs every package that has a vitest.config.ts (each package's
// unit and integration tests) and the cross-service journeys in tests/.
export default defineConfig({
  test: {
    projects: ['*/vitest.config.ts'],
    passWithNoTests: false,
  },
});
