import { packageTestConfig } from '../vitest.shared.js';

export default packageTestConfig('tests', {
  globalSetup: ['../vitest.database-setup.ts'],
  include: ['journeys/**/*.test.ts', 'architecture/**/*.test.ts'],
  testTimeout: 120_000,
});
