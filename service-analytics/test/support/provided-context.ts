// What ../../../vitest.database-setup.ts provides to every test file.
import type {} from 'vitest';
declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export {};
