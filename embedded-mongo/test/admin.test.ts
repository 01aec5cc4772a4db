import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { MongoClient, type Timestamp, type Db } from 'mongodb';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeTestDatabase, openTestDatabase, uniqueDbName, type TestServer } from './harness.js';

let server: TestServer;
let client: MongoClient;
let db: Db;

beforeAll(async () => ({ server, client, db } = await openTestDatabase('admin')));
afterAll(() => closeTestDatabase({ server, client }));

describe('server commands', () => {
  it('answers ping, buildInfo, serverStatus and getParameter', async () => {
    const admin = client.db('admin');
    expect((await admin.command({ ping: 1 })).ok).toBe(1);
    const info = await admin.command({ buildInfo: 1 });
    expect(info.version).toMatch(/^\d+\.\d+\.\d+/);
    expect(info.versionArray).toHaveLength(4);
    expect((await admin.command({ serverStatus: 1 })).ok).toBe(1);
    const fcv = await admin.command({ getParameter: 1, featureCompatibilityVersion: 1 });
    expect(fcv.featureCompatibilityVersion.version).toMatch(/^\d+\.\d+$/);
  });

  it('advances operationTime with each write', async () => {
    const before = (await db.command({ ping: 1 })).operationTime as Timestamp;
    const after = (await db.command({ insert: 'clock', documents: [{ x: 1 }] })).operationTime as Timestamp;
    expect(after.compare(before)).toBeGreaterThan(0);
  });
});

describe('databases and collections', () => {
  it('creates, lists and drops collections', async () => {
    await db.createCollection('alpha');
    await db.collection('beta').insertOne({ x: 1 });
    await expect(db.createCollection('alpha')).rejects.toMatchObject({ code: 48 });
    const names = (await db.listCollections({}, { nameOnly: true }).toArray()).map((c) => c.name).sort();
    expect(names).toEqual(expect.arrayContaining(['alpha', 'beta']));
    const filtered = await db.listCollections({ name: 'beta' }).toArray();
    expect(filtered).toHaveLength(1);
    expect(filtered[0]).toMatchObject({ name: 'beta', type: 'collection' });
    expect(await db.collection('beta').drop()).toBe(true);
    expect((await db.command({ drop: 'never-existed' })).ok).toBe(1);
    expect((await db.listCollections({ name: 'beta' }).toArray()).length).toBe(0);
  });

  it('lists and drops databases', async () => {
    const other = client.db(uniqueDbName('other'));
    await other.collection('c').insertOne({ x: 1 });
    const { databases } = await client.db('admin').admin().listDatabases({ nameOnly: true });
    expect(databases.map((d) => d.name)).toEqual(expect.arrayContaining([db.databaseName, other.databaseName]));
    await other.dropDatabase();
    const after = await client.db('admin').admin().listDatabases();
    expect(after.databases.map((d) => d.name)).not.toContain(other.databaseName);
    expect(await other.collection('c').countDocuments()).toBe(0);
  });

  it('ends sessions', async () => {
    const session = client.startSession();
    await db.collection('s').insertOne({ x: 1 }, { session });
    const reply = await client.db('admin').command({ endSessions: [session.id] });
    expect(reply.ok).toBe(1);
    await session.endSession();
  });
});

describe('cli', () => {
  it('prints one ready line, serves the driver and exits 0 on SIGTERM', async () => {
    const bin = fileURLToPath(new URL('../bin/embedded-mongo.js', import.meta.url));
    const child = spawn(process.execPath, [bin, '--port', '0', '--history', '1000'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.setEncoding('utf8');
    const ready = new Promise<string>((resolve) => {
      child.stdout.on('data', (chunk: string) => {
        stdout += chunk;
        const match = /^ready (mongodb:\/\/\S+)\n/.exec(stdout);
        if (match?.[1]) resolve(match[1]);
      });
    });
    const uri = await ready;
    const cliClient = new MongoClient(uri, { serverSelectionTimeoutMS: 5_000 });
    await cliClient.db('cli').collection('c').insertOne({ ok: true });
    expect(await cliClient.db('cli').collection('c').countDocuments()).toBe(1);
    await cliClient.close();
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    expect(code).toBe(0);
    expect(stdout.trim().split('\n')).toHaveLength(1);
  });
});
