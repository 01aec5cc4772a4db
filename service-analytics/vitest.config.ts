import { packageTestConfig } from '../vitest.shared.js';

export default packageTestConfig('service-analytics', { globalSetup: ['../vitest.database-setup.ts'] });
