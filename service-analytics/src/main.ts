/**
 * `tsx src/main.ts`: run the analytics service alone until SIGINT/SIGTERM.
 * (`pnpm start` at the root runs everything together.)
 */
import { startAnalytics } from './server.js';

const service = await startAnalytics();
process.stdout.write(`analytics ${service.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.stop().then(() => process.exit(0));
  });
}
