import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MongoClient } from 'mongodb';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createLogger } from '../src/logging/logger.js';
import { recentMemoryServerFailure } from '../src/mongo/memory-server.js';
import { startDatabase } from '../src/mongo/database-chain.js';

const log = createLogger({ name: 'test', level: 'silent' });

describe('the connection chain', () => {
  let home: string;
  const savedHome = process.env.HOME;
  beforeEach(() => {
    home = mkdtempSync(join(tmpdir(), 'icc-chain-'));
    process.env.HOME = home;
  });
  afterEach(() => {
    process.env.HOME = savedHome;
    rmSync(home, { recursive: true, force: true });
  });

  it('uses MONGODB_URI when set and starts nothing', async () => {
    const database = await startDatabase({ env: { MONGODB_URI: 'mongodb://db.example:27017/?replicaSet=rs0' }, log });
    expect(database).toMatchObject({ engine: 'uri', uri: 'mongodb://db.example:27017/?replicaSet=rs0' });
    await database.stop();
  });

  it('refuses MONGO_ENGINE=uri without MONGODB_URI', async () => {
    await expect(startDatabase({ env: { MONGO_ENGINE: 'uri' }, log })).rejects.toThrow(/MONGODB_URI/);
  });

  it('starts embedded-mongo when forced, and the driver can write and read through it', async () => {
    const database = await startDatabase({ env: { MONGO_ENGINE: 'embedded' }, log });
    expect(database.engine).toBe('embedded');
    const client = await MongoClient.connect(database.uri);
    try {
      await client.db('chain').collection('things').insertOne({ name: 'widget', quantity: 3 });
      expect(
        await client
          .db('chain')
          .collection('things')
          .findOne({ name: 'widget' }, { projection: { _id: 0 } }),
      ).toEqual({ name: 'widget', quantity: 3 });
    } finally {
      await client.close();
      await database.stop();
    }
  });

  it('falls back to embedded-mongo when memory-server cannot start, and remembers that', async () => {
    // A 1 ms budget makes memory-server fail here whether or not a download would work.
    const database = await startDatabase({ env: { MONGO_MEMORY_SERVER_TIMEOUT_MS: '1' }, log });
    try {
      expect(database.engine).toBe('embedded');
      expect(recentMemoryServerFailure()).toMatch(/did not start within 1 ms/);
    } finally {
      await database.stop();
    }
  });
});
