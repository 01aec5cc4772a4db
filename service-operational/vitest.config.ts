import { packageTestConfig } from '../vitest.shared.js';

export default packageTestConfig('service-operational', { globalSetup: ['../vitest.database-setup.ts'] });
