/**
 * `tsx src/main.ts`: run the operational service alone until SIGINT/SIGTERM.
 * (`pnpm start` at the root runs everything together.)
 */
import { startOperational } from './server.js';

const service = await startOperational();
process.stdout.write(`operational ${service.url}\n`);
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void service.stop().then(() => process.exit(0));
  });
}
