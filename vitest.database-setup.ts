import { startDatabase, type StartedDatabase } from '@icc/shared';
import type { TestProject } from 'vitest/node';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

let database: StartedDatabase | undefined;

/** One database server for the whole run; each test file uses its own database on it. */
export async function setup(project: TestProject): Promise<void> {
  database = await startDatabase({ env: { ...process.env, LOG_LEVEL: 'warn' } });
  project.provide('mongoUri', database.uri);
}

export async function teardown(): Promise<void> {
  await database?.stop();
}
