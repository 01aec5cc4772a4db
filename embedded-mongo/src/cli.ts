import { parseArgs } from 'node:util';
import { startEmbeddedMongo } from './index.js';

/**
 * `embedded-mongo --port <p> [--host <h>] [--history <events>] [--replSet <name>] [--dbpath <dir>] [--exit-on-stdin-close]`:
 * prints exactly one `ready <uri>` line on stdout once accepting connections
 * (everything else goes to stderr), runs until SIGINT/SIGTERM — or, with
 * `--exit-on-stdin-close`, until its stdin closes (the parent that holds the
 * other end has exited, however it died) — and exits 0.
 */
async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string', default: '27017' },
      host: { type: 'string', default: '127.0.0.1' },
      history: { type: 'string' },
      replSet: { type: 'string', default: 'rs0' },
      dbpath: { type: 'string' },
      'checkpoint-bytes': { type: 'string' },
      'exit-on-stdin-close': { type: 'boolean', default: false },
    },
    strict: true,
  });
  const port = Number(values.port);
  const history = values.history === undefined ? undefined : Number(values.history);
  const checkpointBytes = values['checkpoint-bytes'] === undefined ? undefined : Number(values['checkpoint-bytes']);
  if (!Number.isInteger(port) || port < 0 || (history !== undefined && !(history > 0)) || (checkpointBytes !== undefined && !(checkpointBytes > 0))) {
    process.stderr.write(
      'usage: embedded-mongo --port <port> [--host <host>] [--history <events>] [--replSet <name>] [--dbpath <dir> [--checkpoint-bytes <n>]] [--exit-on-stdin-close]\n',
    );
    process.exit(2);
  }
  const server = await startEmbeddedMongo({
    port,
    host: values.host,
    replSetName: values.replSet,
    ...(values.dbpath ? { dbpath: values.dbpath } : {}),
    ...(checkpointBytes !== undefined ? { checkpointBytes } : {}),
    ...(history !== undefined ? { historyLimit: history } : {}),
  });
  process.stdout.write(`ready ${server.uri}\n`);
  const shutdown = (): void => {
    void server.stop().then(() => process.exit(0));
  };
  process.once('SIGINT', shutdown);
  process.once('SIGTERM', shutdown);
  if (values['exit-on-stdin-close']) {
    process.stdin.once('close', shutdown);
    process.stdin.resume();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`embedded-mongo failed to start: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
