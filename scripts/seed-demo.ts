/**
 * Fill a tenant with a realistic, deterministic demo business: four locations,
 * suppliers, ~500 products, customers, campaigns and two years of daily
 * history (orders, stock-outs, purchase orders and receipts) ending yesterday.
 *
 *   pnpm seed-demo [--uri <mongodb uri>] [--db <name>] [--tenant demo] [--seed 42] [--products 500] [--days 730]
 *
 * Connects to --uri (default MONGODB_URI; `pnpm start` prints the URI of the
 * database it started). Refuses a tenant that already has products. Progress
 * goes to stderr, the summary table to stdout.
 */
import { TenantIdSchema, operationalConfig } from '@icc/shared';
import { registerModels, syncModels } from '@icc/service-operational';
import cliProgress from 'cli-progress';
import { Command, InvalidArgumentError } from 'commander';
import mongoose from 'mongoose';
import { DEMO_DEFAULTS, seedDemo, summaryTable, yesterday } from './src/demo/seed.js';

const positive = (name: string) => (value: string) => {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError(`${name} must be a positive integer`);
  return n;
};

const program = new Command('seed-demo')
  .description('Seed a tenant with a generated demo business and two years of history')
  .option('--uri <uri>', 'MongoDB connection string', process.env.MONGODB_URI)
  .option('--db <name>', 'operational database name (default OPERATIONAL_DB, icc_operational)')
  .option('--tenant <id>', 'tenant to fill (must have no products)', 'demo')
  .option('--seed <n>', 'random seed: the same seed gives the same business', positive('seed'), DEMO_DEFAULTS.seed)
  .option('--products <n>', 'number of products', positive('products'), DEMO_DEFAULTS.products)
  .option('--days <n>', 'days of history, ending yesterday (UTC)', positive('days'), DEMO_DEFAULTS.days)
  .action(async (options: { uri?: string; db?: string; tenant: string; seed: number; products: number; days: number }) => {
    if (!options.uri) throw new InvalidArgumentError('Give --uri or set MONGODB_URI (pnpm start prints the database URI)');
    const tenant = TenantIdSchema.safeParse(options.tenant);
    if (!tenant.success) throw new InvalidArgumentError(`--tenant: ${tenant.error.issues[0]?.message ?? 'invalid'}`);
    const connection = await mongoose
      .createConnection(options.uri, { dbName: options.db ?? operationalConfig.get().OPERATIONAL_DB, serverSelectionTimeoutMS: 5_000 })
      .asPromise();
    const bar = new cliProgress.SingleBar(
      { stream: process.stderr, format: 'seeding {bar} {value}/{total} days | {eta_formatted} left', hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    try {
      const models = registerModels(connection);
      await syncModels(models);
      bar.start(options.days, 0);
      const summary = await seedDemo(models, tenant.data, { seed: options.seed, products: options.products, days: options.days, endDay: yesterday() }, (done) =>
        bar.update(done),
      );
      bar.stop();
      process.stdout.write(`${summaryTable(summary)}\n`);
    } finally {
      bar.stop();
      await connection.close();
    }
  });

await program.parseAsync().catch((error: unknown) => {
  process.stderr.write(`seed-demo: ${error instanceof Error ? (process.env.DEBUG ? error.stack : error.message) : String(error)}\n`);
  process.exit(1);
});
