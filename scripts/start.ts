/**
 * `pnpm start`: start everything a person needs to try the product.
 *
 * Today that is the database chosen by the connection chain (MONGODB_URI, a
 * real mongod through mongodb-memory-server, or embedded-mongo); the services,
 * demo data and dashboard join as their issues land. Every line on stdout is
 * `<name> <value>` so people and scripts can read it. Ctrl-C stops it all.
 */
import { createLogger, startDatabase } from '@icc/shared';

const log = createLogger({ name: 'start', level: process.env.LOG_LEVEL === undefined ? 'warn' : (process.env.LOG_LEVEL as 'info') });

const database = await startDatabase({ log });
process.stdout.write(`database ${database.uri}\n`);
process.stdout.write(`engine ${database.engine}\n`);

let stopping = false;
async function stop(signal: string): Promise<void> {
  if (stopping) return;
  stopping = true;
  log.info({ signal }, 'stopping');
  await database.stop();
  process.exit(0);
}
process.on('SIGINT', () => void stop('SIGINT'));
process.on('SIGTERM', () => void stop('SIGTERM'));
