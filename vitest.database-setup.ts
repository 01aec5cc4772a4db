import type {} from 'vitest';
import { startDatabase, type StartedDatabase } from '@icc/shared';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let database: StartedDatabase | undefined;

/**
 * Vitest global setup for packages whose tests need MongoDB: one database server
 * (through the connection chain) for the whole run; each test file uses its own
 * databases on it, read with `inject('mongoUri')`.
 */
export async function setup(project: TestProject): Promise<void> {
  database = await startDatabase({ env: { ...process.env, LOG_LEVEL: 'warn' } });
  project.provide('mongoUri', database.uri);
}

export async function teardown(): Promise<void> {
  await database?.stop();
}
