import { packageTestConfig } from '../vitest.shared.js';

export default packageTestConfig('service-operational', { globalSetup: ['test/support/global-setup.ts'] });
